"""Types the analysis tracks: what a call returns, what an annotation means,
and the methods that keep a value's kind (propagators).

Types are plain names (``dbapi.Cursor``, ``pathlib.Path``); sinks are keyed
by ``<type>.<method>`` in ``models/sinks.py`` and ``models/db.py``.
"""
from __future__ import annotations

from secguide.models import crypto, db, servers, sinks

#: return types of calls: qualified name of the call -> type name of the result
RETURN_TYPES: dict[str, str] = {
    **db.CONNECT_CALLS,
    "dbapi.Connection.cursor": "dbapi.Cursor",
    "dbapi.Connection.acquire": "dbapi.Connection",
    "dbapi.Connection.transaction": "dbapi.Connection",
    "sqlalchemy.Engine.connect": "dbapi.Connection",
    "sqlalchemy.Engine.begin": "dbapi.Connection",
    "sqlalchemy.orm.Session": "dbapi.Connection",
    "sqlalchemy.orm.sessionmaker": "sqlalchemy.sessionmaker",
    "sqlalchemy.sessionmaker": "dbapi.Connection",
    "django.db.connection.cursor": "dbapi.Cursor",
    **{h: crypto.HASH_OBJECT for h in crypto.FAST_HASHES},
    "hashlib.new": crypto.HASH_OBJECT,
    **{f"configparser.{c}": "configparser.ConfigParser"
       for c in ("ConfigParser", "RawConfigParser", "SafeConfigParser")},
    "hmac.new": crypto.HMAC_OBJECT,
    "flask.Flask": "flask.Flask",
    **{c: "mongo.Client" for c in sinks.MONGO_CLIENTS},
    "flask_pymongo.PyMongo": "mongo.PyMongo",
    "requests.Session": "requests.Session", "requests.session": "requests.Session",
    "httpx.Client": "httpx.Client", "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "urllib3.poolmanager.PoolManager": "urllib3.PoolManager",
    "urllib3.ProxyManager": "urllib3.PoolManager",
    "urllib.request.build_opener": "urllib.request.OpenerDirector",
    "urllib.request.OpenerDirector": "urllib.request.OpenerDirector",
    "urllib.request.URLopener": "urllib.request.URLopener",
    "urllib.request.FancyURLopener": "urllib.request.URLopener",
    "pycurl.Curl": "pycurl.Curl",
    "logging.getLogger": "logging.Logger", "logging.Logger": "logging.Logger",
    "logging.LoggerAdapter": "logging.LoggerAdapter",
    "jinja2.Environment": "jinja2.Environment",
    "starlette.templating.Jinja2Templates": "starlette.templating.Jinja2Templates",
    "fastapi.templating.Jinja2Templates": "starlette.templating.Jinja2Templates",
    "builtins.open": "io.File", "io.open": "io.File", "codecs.open": "io.File",
    "socket.socket": "socket.socket",
    "fastapi.FastAPI": "fastapi.FastAPI",
    "fastapi.APIRouter": "fastapi.APIRouter",
    **servers.APP_TYPES,
}

#: parameter annotations that give a value a known type
TYPED_PARAMS: dict[str, str] = {
    "requests.Session": "requests.Session", "requests.sessions.Session": "requests.Session",
    "httpx.Client": "httpx.Client", "httpx.AsyncClient": "httpx.AsyncClient",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "urllib3.PoolManager": "urllib3.PoolManager",
    "logging.Logger": "logging.Logger", "logging.LoggerAdapter": "logging.LoggerAdapter",
    "sqlite3.Connection": "dbapi.Connection", "sqlite3.Cursor": "dbapi.Cursor",
    "psycopg2.extensions.connection": "dbapi.Connection",
    "psycopg2.extensions.cursor": "dbapi.Cursor", "asyncpg.Connection": "dbapi.Connection",
    "pymongo.collection.Collection": "mongo.Collection",
    "pymongo.database.Database": "mongo.Database", "pymongo.MongoClient": "mongo.Client",
    "motor.motor_asyncio.AsyncIOMotorCollection": "mongo.Collection",
    "motor.motor_asyncio.AsyncIOMotorDatabase": "mongo.Database",
}

# -- pathlib -------------------------------------------------------------------
#: the type of a path object
PATH = "pathlib.Path"
#: constructors of path objects (their arguments' data flows into the path)
PATH_TYPES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
                        "pathlib.WindowsPath", "anyio.Path", "trio.Path"})
#: attributes of a path that are the same data (a part of the path)
PATH_PARTS = frozenset({"parent", "name", "stem", "suffix"})
#: methods of a path whose arguments' data flows into the new path
PATH_JOIN_METHODS = frozenset({"joinpath", "with_name", "with_suffix", "relative_to"})

# -- propagators ---------------------------------------------------------------
#: string conversions that keep a number a number
NUMBER_TO_STR = frozenset({"builtins.str", "builtins.repr", "builtins.format"})
#: copies keep the type of what they copy
COPY_CALLS = frozenset({"copy.copy", "copy.deepcopy"})
#: methods of ``str`` whose result is constant when the receiver and the
#: arguments are
STR_CONST_METHODS = frozenset({"encode", "decode", "upper", "lower", "strip", "lstrip",
                               "rstrip", "replace", "title", "format_map", "zfill",
                               "ljust", "rjust", "center", "casefold", "capitalize"})
#: methods of ``str`` folded when the receiver and the arguments are known
#: (``MODE.lower() == "dev"``, ``NAME.startswith("x")``)
STR_FOLD_METHODS = frozenset({"lower", "upper", "strip", "lstrip", "rstrip", "replace",
                              "startswith", "endswith", "casefold", "title", "capitalize",
                              "isdigit", "isalpha", "isalnum", "removeprefix", "removesuffix"})
#: methods that put a value into a container (``parts.append(v)``)
CONTAINER_ADDERS = frozenset({"append", "extend", "insert", "add", "appendleft", "update"})
#: adders whose argument is itself a container of the added values
CONTAINER_EXTENDERS = frozenset({"extend", "update"})
#: methods that take slots out of a list or dict (``argv.pop()``, ``d.clear()``)
CONTAINER_REMOVERS = frozenset({"pop", "remove", "clear", "popitem"})
#: query-string encoders: every value is percent-encoded into ``k=v&..``,
#: which cannot name a host (safe for "ssrf" besides their sanitizer kind)
QUERY_ENCODERS = frozenset({"urllib.parse.urlencode", "django.utils.http.urlencode"})
#: classes whose subclasses are loggers (``class AuditLogger(logging.Logger)``)
LOGGER_TYPES = frozenset({"logging.Logger", "logging.LoggerAdapter"})
#: constructors of an empty container when called without positional
#: arguments (``dict()``, ``dict(a=x)``, ``list()``, ``OrderedDict()``)
EMPTY_CONTAINERS = {"builtins.dict": "dict", "builtins.list": "list",
                    "collections.OrderedDict": "dict", "collections.defaultdict": "dict"}
#: most slots a list or dict keeps one by one (past it: one joined element)
MAX_SLOTS = 32
#: ``configparser``: a parser object, the method that stores an option and
#: those that read one back as text (``cp.set(s, k, v)`` .. ``cp.get(s, k)``)
CONFIG_PARSER = "configparser.ConfigParser"
CONFIG_SET = "set"
CONFIG_GET = "get"
#: mapping reads by key: the value at a key of tainted data is tainted data
MAPPING_GETTERS = frozenset({"get", "getlist", "pop", "setdefault", "get_json"})
#: views and copies of a mapping: the same data, not the same items
MAPPING_VIEWS = frozenset({"items", "values", "keys", "copy", "to_dict", "dict"})
#: the digest of a hash object
HASH_DIGESTS = frozenset({"hexdigest", "digest"})
