"""flake8 adapter for secguide: reports the SCG### rules as flake8 errors.

Registered in ``pyproject.toml`` under ``flake8.extension`` as ``SCG``.
"""
from flake8_ext.plugin import SecguidePlugin

__all__ = ["SecguidePlugin"]
