"""Configuration for a deployment."""
SECRET_KEY = "testing-only-not-a-secret"  # expect: SCG701
ALLOWED_HOSTS = ["*"]  # expect: SCG703
