"""Contracts of the fleet telematics API: fleet operators (tenants) track drivers, vehicles and trips."""
