"""Project-wide facts: what the project's own imported modules state
(decorators, base classes, models, app setup), read without running rules.

Layering: the engine builds a ``ProjectFacts`` per analysed file and hands
it to the analysis and the rules through the context; this package reads
syntax trees only and imports no rule and nothing of the engine.
"""
from secguide.project.cache import FactsCache
from secguide.project.index import ProjectFacts

__all__ = ["FactsCache", "ProjectFacts"]
