"""Operating system, processes and containers: least privilege (SCG905, SCG906)."""
import re

#: calls that create files or directories -> (position, keyword) of the mode
MODE_ARGS = {"os.makedirs": (1, "mode"), "os.mkdir": (1, "mode"), "os.open": (2, "mode"),
             "os.mkfifo": (1, "mode"), "os.mknod": (1, "mode")}
#: ``pathlib.Path`` methods that take ``mode=``
PATH_MODE_METHODS = frozenset({"mkdir", "touch"})
#: ``user=postgres`` in a libpq connection string
DSN_USER = re.compile(r"(?:^|\s)user\s*=\s*'?(\w+)")
#: docker-py: ``client.containers.run(..., privileged=True)``
CONTAINER_COLLECTION = "containers"
CONTAINER_STARTS = frozenset({"run", "create"})
