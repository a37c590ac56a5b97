"""Performance benchmarks: synthetic data at realistic scale (generate.py) and page timings (run.py)."""
