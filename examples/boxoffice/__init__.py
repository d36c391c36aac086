"""The boxoffice example: venues and their events, per organisation (examples/README.md)."""
