"""Bandit adapter for secguide: one Bandit test per SCG rule.

The tests live in :mod:`bandit_ext.plugins` and are registered in
``pyproject.toml`` under the ``bandit.plugins`` entry point group.
"""
