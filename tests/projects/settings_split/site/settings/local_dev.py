"""Settings for a developer's machine (manage.py runserver)."""
from .base import *  # noqa: F401,F403

DEBUG = True
ALLOWED_HOSTS = ["*"]
SECRET_KEY = "local-development-only-key"
