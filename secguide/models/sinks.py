"""Sinks of the injection, deserialization, file, redirect and request rules.

Each table maps the qualified name of a call to where its dangerous
argument is: ``(position, keyword)``; position None means keyword only.
"""
import re

from secguide.models import servers

#: commands run by a shell (SCG102); subprocess functions only with shell=True
SHELL_CALLS = {
    "os.system": (0, "command"), "os.popen": (0, "cmd"),
    "subprocess.getoutput": (0, "cmd"), "subprocess.getstatusoutput": (0, "cmd"),
    "commands.getoutput": (0, "cmd"), "asyncio.create_subprocess_shell": (0, "cmd"),
    "pexpect.run": (0, "command"), "pexpect.spawn": (0, "command"),
}
SUBPROCESS_CALLS = {
    "subprocess.run": (0, "args"), "subprocess.call": (0, "args"),
    "subprocess.check_call": (0, "args"), "subprocess.check_output": (0, "args"),
    "subprocess.Popen": (0, "args"),
}
#: argv[0] values that make argv[2] a shell command (``["sh", "-c", cmd]``)
SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "/bin/sh", "/bin/bash",
                    "/usr/bin/bash", "/usr/bin/sh", "/bin/zsh", "cmd", "cmd.exe",
                    "powershell", "powershell.exe", "pwsh"})
SHELL_FLAGS = frozenset({"-c", "/c", "-Command", "-command", "/C"})
#: a cluster of short options ending in ``c`` (``bash -lc``, ``sh -ec``)
SHELL_FLAG_CLUSTER = re.compile(r"-[a-z]{1,4}c")

#: template sources (SCG104)
TEMPLATE_CALLS = {
    "flask.render_template_string": (0, "source"),
    "jinja2.Template": (0, "source"),
    "jinja2.environment.Template": (0, "source"),
    "django.template.Template": (0, "template_string"),
    "django.template.base.Template": (0, "template_string"),
    "mako.template.Template": (0, "text"),
    "tornado.template.Template": (0, "template_string"),
    **servers.TEMPLATE_CALLS,
}
#: methods that compile a template from a string, on any environment/engine
TEMPLATE_METHODS = frozenset({"from_string"})

#: deserializers (SCG301, SCG302): name -> (data position, keyword, loader
#: family Bandit does not know)
DESERIALIZERS = {
    "pickle.loads": (0, "data", False), "pickle.load": (0, "file", False),
    "pickle.Unpickler": (0, "file", False),
    "_pickle.loads": (0, "data", False), "_pickle.load": (0, "file", False),
    "cPickle.loads": (0, "data", False), "cPickle.load": (0, "file", False),
    "marshal.loads": (0, "bytes", False), "marshal.load": (0, "file", False),
    "shelve.open": (0, "filename", False),
    "dill.loads": (0, "str", True), "dill.load": (0, "file", True),
    "cloudpickle.loads": (0, "s", True), "cloudpickle.load": (0, "file", True),
    "jsonpickle.decode": (0, "string", True), "jsonpickle.loads": (0, "string", True),
    "joblib.load": (0, "filename", True),
    "pandas.read_pickle": (0, "filepath_or_buffer", True),
    "numpy.load": (0, "file", True),
    "torch.load": (0, "f", False),
    "yaml.load": (0, "stream", False), "yaml.load_all": (0, "stream", False),
    "yaml.unsafe_load": (0, "stream", False), "yaml.unsafe_load_all": (0, "stream", False),
    "yaml.full_load": (0, "stream", False), "yaml.full_load_all": (0, "stream", False),
}
#: yaml loaders that construct only plain data
SAFE_YAML_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})

#: file system sinks (SCG402): name -> argument positions/keywords holding paths
PATH_CALLS = {
    "builtins.open": ((0,), ("file",)), "io.open": ((0,), ("file",)),
    "codecs.open": ((0,), ("filename",)),
    "flask.send_file": ((0,), ("path_or_file",)),
    "flask.helpers.send_file": ((0,), ("path_or_file",)),
    "werkzeug.utils.send_file": ((0,), ("path_or_file",)),
    "starlette.responses.FileResponse": ((0,), ("path",)),
    "fastapi.responses.FileResponse": ((0,), ("path",)),
    "django.http.FileResponse": ((0,), ()),
    "os.remove": ((0,), ("path",)), "os.unlink": ((0,), ("path",)),
    "os.rmdir": ((0,), ("path",)), "os.removedirs": ((0,), ("name",)),
    "os.rename": ((0, 1), ("src", "dst")), "os.replace": ((0, 1), ("src", "dst")),
    "os.listdir": ((0,), ("path",)), "os.makedirs": ((0,), ("name",)),
    "os.mkdir": ((0,), ("path",)), "os.chmod": ((0,), ("path",)),
    "shutil.copy": ((0, 1), ("src", "dst")), "shutil.copy2": ((0, 1), ("src", "dst")),
    "shutil.copyfile": ((0, 1), ("src", "dst")), "shutil.copytree": ((0, 1), ("src", "dst")),
    "shutil.move": ((0, 1), ("src", "dst")), "shutil.rmtree": ((0,), ("path",)),
    "tarfile.open": ((0,), ("name",)), "zipfile.ZipFile": ((0,), ("file",)),
    "aiofiles.open": ((0,), ("file",)),
}
#: pathlib.Path methods that touch the file system
PATH_METHODS = frozenset({
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink",
    "rmdir", "mkdir", "touch", "rename", "replace", "iterdir", "chmod",
})
#: functions that join or normalise paths: the result carries the inputs
PATH_JOINERS = frozenset({
    "os.path.join", "os.path.abspath", "os.path.normpath", "os.path.realpath",
    "os.path.expanduser", "posixpath.join", "ntpath.join",
})
#: calls that serve a file from a fixed directory safely (not sinks)
SAFE_FILE_CALLS = frozenset({"flask.send_from_directory",
                             "flask.helpers.send_from_directory",
                             "werkzeug.utils.send_from_directory"})

#: redirects (SCG403)
REDIRECT_CALLS = {
    "flask.redirect": (0, "location"), "werkzeug.utils.redirect": (0, "location"),
    "django.shortcuts.redirect": (0, "to"),
    "django.http.HttpResponseRedirect": (0, "redirect_to"),
    "django.http.HttpResponsePermanentRedirect": (0, "redirect_to"),
    "django.http.response.HttpResponseRedirect": (0, "redirect_to"),
    "starlette.responses.RedirectResponse": (0, "url"),
    "fastapi.responses.RedirectResponse": (0, "url"),
    **servers.REDIRECT_CALLS,
}
#: checks whose True result makes their first argument safe for a sink kind
VALIDATORS = {
    "django.utils.http.url_has_allowed_host_and_scheme": "redirect",
    "django.utils.http.is_safe_url": "redirect",
    "url_has_allowed_host_and_scheme": "redirect",
    "is_safe_url": "redirect",
    "is_safe_redirect_url": "redirect",
}

#: outbound HTTP requests (SCG903): name -> (url position, keyword)
HTTP_CALLS = {
    **{f"requests.{m}": (0, "url") for m in ("get", "post", "put", "patch", "delete",
                                             "head", "options")},
    "requests.request": (1, "url"),
    **{f"httpx.{m}": (0, "url") for m in ("get", "post", "put", "patch", "delete",
                                          "head", "options", "stream")},
    "httpx.request": (1, "url"),
    "urllib.request.urlopen": (0, "url"), "urllib.request.Request": (0, "url"),
    "urllib.request.urlretrieve": (0, "url"),
    "urllib2.urlopen": (0, "url"),
    "http.client.HTTPConnection": (0, "host"), "http.client.HTTPSConnection": (0, "host"),
    "urllib3.request": (1, "url"), "urllib3.connection_from_url": (0, "url"),
    "urllib3.HTTPConnectionPool": (0, "host"), "urllib3.HTTPSConnectionPool": (0, "host"),
    "urllib3.connectionpool.HTTPConnectionPool": (0, "host"),
    "urllib3.connectionpool.HTTPSConnectionPool": (0, "host"),
    "aiohttp.request": (1, "url"),
}
#: types of HTTP client objects and the methods that send a request
HTTP_CLIENT_TYPES = frozenset({"requests.Session", "httpx.Client", "httpx.AsyncClient",
                               "aiohttp.ClientSession", "urllib3.PoolManager",
                               "urllib.request.OpenerDirector", "urllib.request.URLopener"})
HTTP_CLIENT_METHODS = {
    **{m: (0, "url") for m in ("get", "post", "put", "patch", "delete", "head",
                               "options", "stream", "ws_connect")},
    "request": (1, "url"), "urlopen": (1, "url"),
    "open": (0, "fullurl"), "retrieve": (0, "url"),
}
#: pycurl: ``c.setopt(pycurl.URL, url)`` (the option names the URL)
CURL_SETOPT = "pycurl.Curl.setopt"
CURL_URL_OPTIONS = frozenset({"URL"})

#: MongoDB (SCG103): client constructors and collection methods with a filter
MONGO_CLIENTS = frozenset({"pymongo.MongoClient", "pymongo.mongo_client.MongoClient",
                           "motor.motor_asyncio.AsyncIOMotorClient",
                           "motor.motor_tornado.MotorClient", "flask_pymongo.PyMongo",
                           "mongomock.MongoClient"})
MONGO_FILTER_METHODS = {
    "find": (0, "filter"), "find_one": (0, "filter"), "find_one_and_update": (0, "filter"),
    "find_one_and_delete": (0, "filter"), "find_one_and_replace": (0, "filter"),
    "update_one": (0, "filter"), "update_many": (0, "filter"),
    "delete_one": (0, "filter"), "delete_many": (0, "filter"),
    "replace_one": (0, "filter"), "count_documents": (0, "filter"),
    "count": (0, "filter"), "distinct": (1, "filter"), "aggregate": (0, "pipeline"),
    "find_raw_batches": (0, "filter"), "watch": (0, "pipeline"),
}
#: methods that exist only on Mongo collections (no type needed)
MONGO_ONLY_METHODS = frozenset({
    "find_one", "find_one_and_update", "find_one_and_delete", "find_one_and_replace",
    "update_one", "update_many", "delete_one", "delete_many", "replace_one",
    "count_documents", "find_raw_batches",
})
#: query operators that run server-side JavaScript
MONGO_JS_OPERATORS = frozenset({"$where", "$function", "$accumulator"})
