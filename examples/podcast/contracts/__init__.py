"""Contracts of the podcast host API: networks (tenants) keep shows, episodes and sponsorships."""
