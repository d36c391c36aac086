"""Contracts of the recipes example API (written by a new user of synth)."""
