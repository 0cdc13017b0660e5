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

#: the text of a query: starts like SQL (checked on constant fragments only)
SQL_TEXT = re.compile(
    r"(?is)^\s*(\(\s*)*(select\s.+\sfrom\s|select\s|insert\s+(or\s+\w+\s+)?into\s|"
    r"update\s+\S+\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\(|"
    r"(create|drop|alter|truncate)\s+(temp\w*\s+)?(table|index|view|database|schema|"
    r"sequence|trigger|function|unique|user|role)\b|replace\s+into\s|merge\s+into\s|"
    r"pragma\s|grant\s|revoke\s|exec\s|call\s|vacuum|analyze\s|explain\s|"
    r"set\s+\w+|show\s|describe\s|copy\s|lock\s+table)"
)

#: ORM calls that load or change one record by its key (SCG401)
#: "method name" -> how the identifier is passed: "arg0", "arg1", "kw"
ORM_LOOKUPS = {
    "get": "any", "get_or_404": "arg0", "first_or_404": "none",
    "filter_by": "kw", "filter": "kw", "get_object_or_404": "kw",
    "get_list_or_404": "kw", "one_or_none": "none", "exclude": "kw",
    "update": "kw", "delete": "none",
}
#: calls that take (Model, id) (SQLAlchemy 2 session/Flask-SQLAlchemy)
SESSION_GET_METHODS = frozenset({"get", "get_or_404", "one_or_404"})
#: framework models that describe the application itself (installed models,
#: sites), not records that belong to a user: loading one by id needs no
#: ownership check (SCG401)
PUBLIC_MODELS = frozenset({
    "django.contrib.contenttypes.models.ContentType",
    "django.contrib.sites.models.Site",
})
