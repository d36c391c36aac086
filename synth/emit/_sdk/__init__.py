"""Shared pieces of the SDK emitters: naming and the Python SDK's fixed modules."""
