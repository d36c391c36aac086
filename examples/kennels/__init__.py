"""The kennels example: a dog-kennel booking API keyed by API key (examples/README.md)."""
