"""Rules, one module per topic of the guide (each under about 300 lines).

A rule module imports the rule contract (``secguide.rule``), the shared
helpers (``rules._common``, ``analysis.settings``), the facts of the analysis
it asks ``ctx`` for, and the knowledge it matches (``vocab``, ``models``,
``labels``); never another rule module.
"""
