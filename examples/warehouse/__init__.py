"""The warehouse inventory example: API keys, the organisation in the path, integer ids."""
