"""Contracts of the kennel bookings API: tenants run kennels, their dog runs and bookings."""
