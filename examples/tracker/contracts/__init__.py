"""Contracts of the issue tracker example API."""
