"""Contracts of the ticketing example API (written by a new user of synth)."""
