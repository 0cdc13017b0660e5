"""Guide section: Insecure Deserialization."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.analysis.functions import dotted
from secguide.models import sinks
from secguide.rule import Rule
from secguide.rules._common import call_arg, origin_text


def loader_data(node: ast.Call, ctx):
    """(qualified name, data argument, Bandit-unknown family) of an unsafe load."""
    q = ctx.call_name(node)
    spec = sinks.DESERIALIZERS.get(q) if q else None
    if spec is None:
        return None
    if q in ("yaml.load", "yaml.load_all"):
        loader = ctx.arg(node, 1, "Loader")
        if loader is not None:
            name = ctx.qualname(loader) or dotted(loader) or ""
            if name.rsplit(".", 1)[-1] in sinks.SAFE_YAML_LOADERS:
                return None
    elif q == "numpy.load":
        allow = ctx.keyword(node, "allow_pickle")
        if allow is None or not (ctx.value(allow).known and ctx.value(allow).cval):
            return None
    elif q == "torch.load":
        wo = ctx.keyword(node, "weights_only")
        if wo is not None and ctx.value(wo).known and ctx.value(wo).cval:
            return None
    data = call_arg(ctx, node, spec)
    return q, data, spec[2]


class UntrustedDeserialization(Rule):
    """Untrusted bytes reach a deserializer that can run code."""

    code = "SCG301"
    symbol = "untrusted-deserialization"
    message = ("{source} reaches {sink}(), which can run code while loading; "
               "accept JSON (json.loads) or yaml.safe_load instead")
    cwe = 502
    severity = "HIGH"
    confidence = "HIGH"
    section = "Insecure Deserialization"
    rationale = (
        "pickle and its relatives (dill, cloudpickle, jsonpickle, joblib, "
        "marshal, shelve, torch.load, numpy with allow_pickle, yaml's full "
        "loaders) rebuild arbitrary objects, and rebuilding an object can "
        "call any function: `__reduce__` returning `(os.system, ('id',))` "
        "runs a command as soon as the data is loaded (CWE-502). Data that "
        "crosses a trust boundary must use a format that only holds data: "
        "JSON, `yaml.safe_load`, protobuf, or a signed payload verified first."
    )
    example = (
        "import base64\n"
        "import pickle\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/prefs', methods=['POST'])\n"
        "def prefs():\n"
        "    blob = base64.b64decode(request.cookies['prefs'])\n"
        "    data = pickle.loads(blob)\n"
        "    return {'theme': data.get('theme')}\n"
    )
    fix = (
        "import base64\n"
        "import json\n"
        "from flask import Flask, request\n\n"
        "app = Flask(__name__)\n\n\n"
        "@app.route('/prefs', methods=['POST'])\n"
        "def prefs():\n"
        "    blob = base64.b64decode(request.cookies['prefs'])\n"
        "    data = json.loads(blob)\n"
        "    return {'theme': data.get('theme')}\n"
    )
    not_flagged = (
        "yaml.safe_load and yaml.load with SafeLoader/CSafeLoader; json.loads; "
        "numpy.load without allow_pickle; torch.load(weights_only=True); "
        "loads of local files or values whose origin is not untrusted input "
        "(SCG302 and Bandit's B301/B506 speak about those)."
    )
    calls = frozenset(sinks.DESERIALIZERS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("deserialize")})

    def check(self, node, ctx):
        found = loader_data(node, ctx)
        if found is None or found[1] is None:
            return
        q, data, _ = found
        tainted = ctx.value(data).tainted_for("deserialize")
        if tainted:
            return [self.found(node, source=origin_text(tainted), sink=ctx.source_text(node.func))]
        return None


class PickleFamilyLoader(Rule):
    """A pickle-based loader Bandit does not know is used."""

    code = "SCG302"
    symbol = "pickle-family-loader"
    message = ("{sink}() unpickles its input and runs code hidden in it; load only files "
               "your application wrote and no one else can change, or use a data-only format")
    cwe = 502
    severity = "LOW"
    confidence = "HIGH"
    section = "Insecure Deserialization"
    rationale = (
        "jsonpickle, dill, cloudpickle, joblib.load, pandas.read_pickle and "
        "numpy.load(allow_pickle=True) are pickle under another name: loading "
        "a file someone else can write runs their code (CWE-502). Bandit's "
        "B301 knows pickle itself but not these. The finding is LOW: it asks "
        "where the file comes from; when the analysis sees untrusted input "
        "reach the call, SCG301 reports it instead."
    )
    example = (
        "import joblib\n\n\n"
        "def load_model(path):\n"
        "    return joblib.load(path)\n"
    )
    fix = (
        "import json\n\n\n"
        "def load_config(path):\n"
        "    with open(path, encoding='utf-8') as fh:\n"
        "        return json.load(fh)\n"
    )
    not_flagged = (
        "numpy.load without allow_pickle; pickle, cPickle, marshal and shelve "
        "(Bandit's B301/B302 cover them); calls SCG301 reports."
    )
    calls = frozenset(sinks.DESERIALIZERS)
    node_types = (ast.Call,)
    report_types = (ast.Call,)
    reads_labels = frozenset({labels.safe("deserialize")})

    def check(self, node, ctx):
        found = loader_data(node, ctx)
        if found is None or not found[2]:
            return
        _, data, _ = found
        if data is not None and ctx.value(data).tainted_for("deserialize"):
            return  # SCG301's finding
        return [self.found(node, sink=ctx.source_text(node.func))]
