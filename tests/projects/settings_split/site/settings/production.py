"""Settings for production."""
from .base import *  # noqa: F401,F403

SECRET_KEY = "ci-only-not-a-secret"  # expect: SCG701
ALLOWED_HOSTS = ["*"]  # expect: SCG703
