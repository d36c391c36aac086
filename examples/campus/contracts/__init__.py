"""Contracts of the course enrolment API: schools (tenants) keep students, courses and enrolments."""
