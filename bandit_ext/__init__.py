"""Bandit adapter for secguide: one Bandit test per SCG rule.

The tests live in :mod:`bandit_ext.plugins` and are registered in
``pyproject.toml`` under the ``bandit.plugins`` entry point group.

Bandit is imported here, before :mod:`bandit_ext.plugins` starts: importing
``bandit`` builds its plugin manager, which imports this package's tests.
Were ``bandit_ext.plugins`` imported first (a program or test that imports
it before Bandit), that nested import would find the module half-built and
Bandit would silently drop every secguide test for the whole process.
Importing Bandit from the package ``__init__`` lets the nested import build
``bandit_ext.plugins`` completely instead.
"""
import bandit.core.extension_loader  # noqa: F401  (see above)
