"""Settings for the CI test run."""
from .base import *  # noqa: F401,F403

SECRET_KEY = "ci-only-not-a-secret"
DEBUG = True
