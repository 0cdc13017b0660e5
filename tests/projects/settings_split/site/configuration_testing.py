"""Configuration the test suite runs with."""
SECRET_KEY = "testing-only-not-a-secret"
ALLOWED_HOSTS = ["*"]
