"""What a run learned, for people: LIME explanations, dataset statistics, figures and the
self-contained HTML report. Reads runs; never trains."""
