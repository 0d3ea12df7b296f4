"""Benchmarks: `cablebill bench` (the bill run at scale) and `cablebill
bench-statements` (statement rendering). Figures in docs/benchmarks.md."""
