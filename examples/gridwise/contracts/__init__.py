"""Contracts of the Gridwise energy-monitoring API: tenants keep sites, meters and alert rules."""
