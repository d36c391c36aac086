"""Contracts of the expenses example: expense reports and their line items, per tenant."""
