"""Framework models as data: sources, sanitizers, sinks and return types,
keyed by qualified name.  Rules and the dataflow read these tables; adding a
framework means adding rows here, not code."""
