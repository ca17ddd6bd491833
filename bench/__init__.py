"""Benchmarks: each bench/<name>_bench.py exposes `run() -> dict` measuring a path and a baseline
in the same run on the same machine. `make bench` (python -m bench) runs them all."""
