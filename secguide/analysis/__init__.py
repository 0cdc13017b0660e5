"""The shared per-file analysis: scopes, the statement interpreter, the
expression evaluator, call semantics from the model rows, guards, strings
and values.  It imports no rule and nothing from the engine; the façade is
``context.FileAnalysis``, the rule-free entry point ``facts.analyse_module``
(see docs/ARCHITECTURE.md)."""
