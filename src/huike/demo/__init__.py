"""Demo and benchmark data: one fast, reproducible bulk generator (`huike demo`, `benchmarks/`)."""
