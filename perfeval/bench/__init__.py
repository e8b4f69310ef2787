"""Benchmarks (python -m perfeval bench, bench-ingest, bench-classify): speed is measured here,
never by timed tests."""
