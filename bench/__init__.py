"""Benchmarks and reports (not timed tests): `make bench` runs every bench/bench_*.py module;
reports run on their own (python -m bench.NAME)."""
