"""Benchmarks and reports; each module runs on its own (python -m bench.NAME)."""
