"""The campus example: a new user's course enrolment API (examples/README.md)."""
