"""Sanitizers: calls whose result is safe for some kinds of sink.

"all" means the result carries no untrusted text at all (a number, a UUID,
a boolean).  Other kinds name the sink they make safe: "html", "sql",
"shell", "path", "redirect", "mongo".
"""

#: qualified name -> kinds
SANITIZERS = {
    "builtins.int": "all", "builtins.float": "all", "builtins.bool": "all",
    "builtins.len": "all", "builtins.abs": "all", "builtins.round": "all",
    "builtins.hash": "all", "builtins.id": "all", "builtins.ord": "all",
    "builtins.isinstance": "all", "builtins.hasattr": "all",
    "builtins.callable": "all",
    "uuid.UUID": "all", "decimal.Decimal": "all",
    "html.escape": "html", "markupsafe.escape": "html",
    "markupsafe.Markup.escape": "html",
    "django.utils.html.escape": "html", "django.utils.html.format_html": "html",
    "django.utils.html.conditional_escape": "html",
    "django.utils.html.strip_tags": "html",
    "bleach.clean": "html", "bleach.linkify": "html",
    "cgi.escape": "html", "xml.sax.saxutils.escape": "html",
    "nh3.clean": "html", "tornado.escape.xhtml_escape": "html",
    # declared safe: their result is no longer escaped by templates; SCG202
    # judges what goes in, so what comes out is not reported again
    "markupsafe.Markup": "html", "django.utils.safestring.mark_safe": "html",
    "django.utils.safestring.SafeString": "html",
    "shlex.quote": "shell", "pipes.quote": "shell",
    "werkzeug.utils.secure_filename": "path", "werkzeug.utils.safe_join": "path",
    "werkzeug.security.safe_join": "path", "flask.safe_join": "path",
    "os.path.basename": "path",
    "django.utils.http.url_has_allowed_host_and_scheme": "redirect",
    "psycopg2.sql.Identifier": "sql", "psycopg2.sql.Literal": "sql",
    "psycopg.sql.Identifier": "sql", "psycopg.sql.Literal": "sql",
    # percent-encoding leaves no quote, angle bracket or ampersand of the text
    "urllib.parse.quote": "html", "urllib.parse.quote_plus": "html",
    "urllib.parse.urlencode": "html", "django.utils.http.urlencode": "html",
}

#: substitutions that replace every character outside a character class:
#: ``re.sub(r"[^a-z0-9_]+", "_", text)`` leaves letters, digits, ``_`` and
#: ``-`` only, which break out of no SQL literal, shell word, HTML text or
#: path segment (an address can still be chosen: not for SSRF or redirects)
CLASS_FILTERS = frozenset({"re.sub", "regex.sub"})
CLASS_FILTERED_SAFE = ("sql", "shell", "html", "path")


#: sanitizer by the last name of the callee, for helpers that are methods of
#: objects we cannot type (``connection.ops.quote_name(t)``)
SANITIZER_METHODS = {
    "quote_name": "sql", "quote_ident": "sql", "quote_identifier": "sql",
    "escape_identifier": "sql", "quote_name_unless_alias": "sql",
    "escape": "html",
}
#: ... and helpers named after them (``geo_quote_name``, ``_quote_ident``)
SANITIZER_SUFFIXES = {"_quote_name": "sql", "_quote_ident": "sql",
                      "_quote_identifier": "sql"}


def method_sanitizer(name: str) -> str | None:
    """The sink kind a helper called ``name`` sanitizes for, by its name."""
    kind = SANITIZER_METHODS.get(name)
    if kind is None and "_quote_" in name:
        for suffix, k in SANITIZER_SUFFIXES.items():
            if name.endswith(suffix):
                return k
    return kind


#: methods of str that return no text of the receiver (so clean)
CLEAN_STR_METHODS = frozenset({
    "isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha", "isidentifier",
    "isspace", "islower", "isupper", "istitle", "isascii", "startswith",
    "endswith", "count", "find", "rfind", "index", "rindex", "__len__",
    "__contains__",
})


# -- text the program makes itself ---------------------------------------------
#: calls that return a URL the router built: it percent-encodes every value it
#: puts in, so no double quote or angle bracket of an argument survives
#: (Django's reverse(), Flask's url_for()).  The result is markup-safe text
#: in element content and double-quoted attributes, not the arguments' data.
#: (Django keeps the RFC 3986 sub-delimiters, a single quote among them;
#: Starlette's url_for does not quote path parameters, so it is not here.)
ROUTER_URLS = frozenset({
    "django.urls.reverse", "django.urls.reverse_lazy", "django.urls.base.reverse",
    "django.core.urlresolvers.reverse", "django.shortcuts.resolve_url",
    "flask.url_for", "flask.helpers.url_for",
})
#: methods of any object that return such a URL (Django's model convention:
#: ``get_absolute_url`` returns ``reverse(...)``), by name
ROUTER_URL_METHODS = frozenset({"get_absolute_url"})

#: translations: the translator's text for the argument, which is the
#: program's own literal when it is one (``_("Delete")`` is a constant)
TRANSLATIONS = frozenset({
    f"{mod}.{fn}"
    for mod in ("django.utils.translation", "flask_babel", "flask_babelplus", "gettext")
    for fn in ("gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "lazy_gettext",
               "ngettext", "ngettext_lazy", "ungettext", "ungettext_lazy", "lazy_ngettext")
})

#: date and time formatters: text made of a date (digits, month and day
#: names), no text of the input, unless the input was a string, which some
#: of them return unchanged (Django's naturaltime of a non-date)
DATE_TEXT_CALLS = frozenset({
    "django.contrib.humanize.templatetags.humanize.naturaltime",
    "django.contrib.humanize.templatetags.humanize.naturalday",
    "django.utils.timesince.timesince", "django.utils.timesince.timeuntil",
    "django.utils.formats.date_format", "django.utils.formats.time_format",
    "django.utils.dateformat.format", "django.utils.dateformat.time_format",
    *(f"{mod}.{fn}" for mod in ("babel.dates", "flask_babel", "flask_babelplus")
      for fn in ("format_date", "format_time", "format_datetime", "format_timedelta",
                 "format_skeleton", "format_interval")),
})
#: methods of date and time objects that format them, by name -> keyword
#: arguments that only choose a precision (the others must be constants:
#: ``strftime(fmt)`` pastes its format)
DATE_TEXT_METHODS = {
    "isoformat": frozenset({"timespec"}), "strftime": frozenset(),
    "ctime": frozenset(),
}

#: attributes of ``X._meta`` (a Django model's options) that hold the
#: model's declared names: constants of the program
DECLARED_META = "_meta"
DECLARED_META_ATTRS = frozenset({
    "verbose_name", "verbose_name_plural", "model_name", "app_label", "object_name",
    "label", "label_lower", "db_table",
})
