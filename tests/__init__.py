"""Test suite of framing-annotator (a package, so `python -m tests.bench` runs the benchmarks)."""
