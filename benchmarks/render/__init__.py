"""docs/benchmarks.md from benchmarks/results/*.json: one module per section of the page.

Run it after a benchmark script: `python benchmarks/render` (make bench does).
"""
