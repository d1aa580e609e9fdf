"""Pieces the benchmarks share. A folder of its own: `make bench` runs every bench/*.py."""
