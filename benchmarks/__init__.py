"""vaelab's benchmark harness: `python -m benchmarks.run` writes benchmarks/RESULTS.md (see README.md)."""
