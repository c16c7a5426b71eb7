"""Benchmarks: ``python -m bench [NAME...]`` (or ``make bench``) runs bench/<NAME>.py, all by
default."""
