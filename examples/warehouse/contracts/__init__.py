"""Contracts of the warehouse inventory example API."""
