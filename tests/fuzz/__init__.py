"""Fuzz suite: damaged inputs of every format through the Python API (generator shared with bench/fuzz.py)."""
