"""The serving section: `textnn serve` under load (bench_serve.py)."""

from __future__ import annotations

from render.basics import machine_line


def serve(data: dict) -> list[str]:
    lines = [
        "## Serving under load (`benchmarks/bench_serve.py`)",
        "",
        machine_line(data),
        "",
        "On loopback, the load generator (asyncio, a keep-alive connection per client) on the "
        "same 2 cores as the server. Texts/s counts texts answered correctly (each checked "
        "against the run's own `predict`); latency is per request. Targets: at 64 clients "
        "sending single IMDb reviews, at least 2,000 reviews/s with p99 under 100 ms, 0 errors "
        "in 100,000 requests, memory flat.",
        "",
    ]
    for name, run in data["runs"].items():
        lines += [
            f"### {name}: `{run['run']}`",
            "",
            "| server | payload | clients | requests | texts/s | p50 ms | p99 ms | max ms | "
            "errors |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for r in run["rows"]:
            lines.append(
                f"| {r['server']} | {r['payload']} | {r['clients']} | {r['requests']:,} | "
                f"{r['texts_per_s']:,} | {r['p50_ms']} | {r['p99_ms']} | {r['max_ms']} | "
                f"{r['errors']} |"
            )
        long = next((r for r in run["rows"] if "rss_mb_start" in r), None)
        if long:
            lines += [
                "",
                f"Long run: {long['requests']:,} requests, {long['errors']} errors; server RSS "
                f"{long['rss_mb_start']} MB at the start (before any request), "
                + (
                    f"{long['rss_mb_before_long']} MB before the long run, then after each "
                    f"quarter of it {', '.join(str(q) for q in long['rss_mb_quarters'])} MB."
                    if "rss_mb_quarters" in long
                    else f"{long['rss_mb_end']} MB at the end of the long run (not sampled "
                    "between: whether it levels off is not measured here)."
                ),
            ]
        lines.append("")
    return lines
