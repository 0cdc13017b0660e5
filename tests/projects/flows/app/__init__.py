"""A Flask app whose views call helpers that run SQL and shell commands."""
