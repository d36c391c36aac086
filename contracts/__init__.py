"""The example API's contracts: a small multi-tenant CRM (see README.md)."""
