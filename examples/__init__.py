"""Servers that implement the example API of ``contracts/`` (the reference server first)."""
