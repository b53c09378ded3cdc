"""Benchmarks with their naive baselines; `python -m bench [name]` runs them (never in tests)."""
