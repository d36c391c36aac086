"""Contracts of the lending library example API."""
