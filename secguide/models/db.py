"""Databases: SQL sinks (DB-API drivers, SQLAlchemy, Django, pandas, asyncpg)
and ORM lookups (for SCG401)."""

import re

#: call that returns a DB-API connection -> the connection's type name
CONNECT_CALLS = {
    "sqlite3.connect": "dbapi.Connection",
    "sqlite3.dbapi2.connect": "dbapi.Connection",
    "psycopg2.connect": "dbapi.Connection",
    "psycopg.connect": "dbapi.Connection",
    "pymysql.connect": "dbapi.Connection",
    "MySQLdb.connect": "dbapi.Connection",
    "mysql.connector.connect": "dbapi.Connection",
    "cx_Oracle.connect": "dbapi.Connection",
    "oracledb.connect": "dbapi.Connection",
    "pyodbc.connect": "dbapi.Connection",
    "pymssql.connect": "dbapi.Connection",
    "aiosqlite.connect": "dbapi.Connection",
    "asyncpg.connect": "dbapi.Connection",
    "asyncpg.create_pool": "dbapi.Connection",
    "sqlalchemy.create_engine": "sqlalchemy.Engine",
    "django.db.connection": "dbapi.Connection",
    "django.db.connections": "dbapi.Connection",
}

#: method names that run their first argument as SQL
SQL_METHODS = frozenset({
    "execute", "executemany", "executescript", "exec_driver_sql",
    "fetch", "fetchrow", "fetchval", "execute_sql", "mogrify",
})
#: method names on a ``Model.objects`` manager / queryset running raw SQL
ORM_RAW_METHODS = frozenset({"raw", "extra"})
ORM_RAW = "raw"
ORM_EXTRA = "extra"

#: functions whose first argument is SQL text
SQL_FUNCTIONS = {
    "sqlalchemy.text": 0, "sqlalchemy.sql.text": 0,
    "sqlalchemy.sql.expression.text": 0,
    "django.db.models.expressions.RawSQL": 0, "django.db.models.RawSQL": 0,
    "pandas.read_sql": 0, "pandas.read_sql_query": 0,
    "pandas.io.sql.read_sql": 0, "pandas.io.sql.read_sql_query": 0,
}

#: receiver names (the last name before ``.execute``) that are DB handles
DB_RECEIVER = re.compile(
    r"(?i)^(_?(cur|cursor|curs|c|conn|connection|con|cnx|db|database|session|"
    r"sess|engine|pool|dbconn|db_conn|db_session|tx|transaction|\w+_cursor|"
    r"\w+_conn|\w+_connection|\w+_db|\w+_session))$"
)

#: text that reads as SQL (a statement or a clause)
SQL_HINT = re.compile(
    r"(?is)\b(select\b.{0,400}?\bfrom\b|insert\s+(or\s+\w+\s+)?into\b|update\b.{0,200}?\bset\b|"
    r"delete\s+from\b|\bwhere\b.{0,200}?(=|<|>|\blike\b|\bin\b)|"
    r"(create|drop|alter|truncate)\s+(temp\w*\s+)?(table|index|view|database|schema)\b|"
    r"\border\s+by\b|\bgroup\s+by\b|\bvalues\s*\(|\bpragma\s+\w|\bjoin\s+\w+\s+on\b)"
)
#: statements with no value positions (DDL, session and transaction control)
SQL_NO_VALUES = re.compile(
    r"(?is)^\s*(create|drop|alter|truncate|grant|revoke|savepoint|release|rollback\s+to|"
    r"set|pragma|vacuum|analyze|use|show|comment\s+on|lock|attach|detach|reindex|"
    r"begin|commit|start\s+transaction|prepare\s+transaction|deallocate|listen|notify)\b"
)
#: a value (not an identifier) position: after a comparison, inside quotes,
#: in VALUES (...), LIMIT/OFFSET, just before a pasted value (built strings
#: mark where a non-constant value went in with ``\x01``)
VALUE_HOLE = re.compile(
    r"(?is)(?:=|<|>|\blike|\bin\s*\(|\bvalues\s*\(|\blimit|\boffset|\bbetween|"
    r"\bagainst\s*\(|')\s*\x01"
)
#: value types of DB-API connections, cursors and SQLAlchemy engines
DB_TYPES = frozenset({"dbapi.Connection", "dbapi.Cursor", "sqlalchemy.Engine"})
#: keyword names of the SQL argument of an ``execute``-like method
QUERY_KEYWORDS = ("sql", "query", "statement", "operation", "stmt")
#: keyword arguments of Django's ``QuerySet.extra()`` that take SQL
EXTRA_SQL_KEYWORDS = ("where", "select", "tables", "order_by")
#: the manager a ``raw()`` call must be made on (``Model.objects.raw``)
RAW_MANAGER = "objects"

#: ORM calls that load records by the values they are given (SCG401)
ORM_LOOKUPS = frozenset({"get", "get_or_404", "filter_by", "filter", "get_by_id", "one_or_404"})
#: the receiver of an ORM lookup: ``Model.query``, ``Model.objects``
QUERY_RECEIVERS = frozenset({"query", "objects"})
#: calls whose result is a query (``db.session.query(Model)``, ``.all()``)
QUERY_BUILDERS = frozenset({"query", "all", "select_related", "prefetch_related", "only"})
#: receivers of ``session.get(Model, id)``
SESSION_RECEIVERS = frozenset({"session", "db", "db_session", "Session"})
#: raw SQL that selects one row by an id parameter
WHERE_ID = re.compile(
    r"(?is)\bwhere\b.{0,200}?\b(\w+\.)?(id|pk|\w+_id|uuid)\s*=\s*(\?|%s|:\w+|\$\d|%\(\w+\)s)")
#: raw SQL that also filters by an owner column
OWNER_COLUMN = re.compile(r"(?i)\b(owner|user|author|account|tenant|org)\w*\s*=")
#: base classes of ORM models (records stored in a database), by last name
MODEL_BASES = frozenset({"Model", "Base", "DeclarativeBase", "Document", "AbstractUser",
                         "AbstractBaseUser", "SQLModel", "UserMixin", "DynamicDocument"})
#: the dotted base of Flask-SQLAlchemy models
FLASK_SQLALCHEMY_MODEL = "db.Model"
#: manager/collection methods that store the keyword values they are given
RECORD_WRITES = frozenset({"create", "update", "get_or_create", "update_or_create",
                           "insert_one", "update_one"})
#: attributes of a model class that give its records (``User.query``,
#: ``User.objects``): the chain's root is the model
MODEL_MANAGERS = frozenset({"query", "objects", "_default_manager"})
#: calls whose first argument is the model class of what they return
#: (``session.get(User, id)``, ``select(User)``, ``get_object_or_404(User, ...)``)
MODEL_ARG_CALLS = frozenset({"get", "get_or_404", "one_or_404", "select",
                             "get_object_or_404", "aget_object_or_404", "scalars"})
#: third-party models whose constructor and manager store the fields as
#: given (Django's ``User(password=...)`` does not hash; ``create_user`` does)
STORED_MODELS = frozenset({"django.contrib.auth.models.User",
                           "django.contrib.auth.models.AbstractUser",
                           "django.contrib.auth.models.AbstractBaseUser"})
#: SQL that writes rows
SQL_WRITE = re.compile(r"(?is)\b(insert\s+into|update)\b")
#: calls that take (Model, id) (SQLAlchemy 2 session/Flask-SQLAlchemy)
SESSION_GET_METHODS = frozenset({"get", "get_or_404", "one_or_404"})
#: framework models that describe the application itself (installed models,
#: sites), not records that belong to a user: loading one by id needs no
#: ownership check (SCG401)
PUBLIC_MODELS = frozenset({
    "django.contrib.contenttypes.models.ContentType",
    "django.contrib.sites.models.Site",
})
