"""Contracts of the feeds example API."""
