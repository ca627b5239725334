"""Data files of the demo generator (read by path)."""
