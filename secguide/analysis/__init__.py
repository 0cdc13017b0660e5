"""The shared per-file analysis: values, import resolution, dataflow."""
