"""The example API as a Next.js application on PostgreSQL; ``stack`` runs it for tests."""
