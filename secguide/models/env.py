"""Environment variables and settings readers (SCG702)."""

#: functions that read an environment variable with a default
ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault",
                         "decouple.config", "environ.Env", "os.getenvb"})
#: helpers by plain name that take ``default=`` (``env("X", default=...)``)
ENV_HELPERS = frozenset({"env", "config"})
#: django-environ methods on an ``env`` object
ENV_METHODS = frozenset({"str", "bytes", "get_value"})
#: the name of that object
ENV_OBJECT = "env"
