"""Call and attribute semantics, read from the model rows.

What a call returns depends on what it calls: a sanitizer (``models/
sanitizers``), a source of untrusted data or a propagator (``models/web``),
a call that gives a labelled value (``models/frameworks``), a constructor
of a known type (``models/types.RETURN_TYPES``), a path or Mongo object
(``models/types``, ``models/mongo``), or a function of this file (its
summary, with the arguments substituted).  Attributes likewise: request
attributes are sources, a Mongo client's attribute is a database.
"""
from __future__ import annotations

import ast

from secguide import labels as L
from secguide.analysis.names import (ARG_INDEX, ARG_LABELS, EXCEPTION, HASHED, MARKUP,
                                     PASSWORD, PRINCIPAL, RANDOM, SECRET_OR_PASSWORD, UKEYS,
                                     identifier_key)
from secguide.analysis.scope import container, element, element_typ, list_index
from secguide.analysis.strings import (BRACE_FIELD, MAX_TEXT, build, format_string,
                                       keeps_word_chars)
from secguide.analysis.values import (ANYCONST, EMPTY, NOVAL, NUMBER, SAFE, SAFE_LABELS, UNKNOWN,
                                      Origin, SymOrigin, Value, const, merge_taint, sanitize)
from secguide.models import crypto, sinks, web
from secguide.models import frameworks as fw
from secguide.models import types as ty
from secguide.models.errors import INTERNAL_ERROR_ATTRS
from secguide.models.mongo import MONGO_ACCESSORS, MONGO_METHODS, MONGO_NEXT
from secguide.models import sanitizers as san
from secguide.models.sanitizers import CLEAN_STR_METHODS, SANITIZERS, method_sanitizer
from secguide.vocab import NOT_PASSWORD_TAILS

_MONGO_SAN = frozenset({"mongo"})
#: a URL the router built (``models/sanitizers.ROUTER_URLS``): markup-safe text
ROUTER_URL = Value(raw=False, typ="str", labels=SAFE["html"])
#: a model's declared name (``models/sanitizers.DECLARED_META_ATTRS``)
DECLARED = Value(cval=ANYCONST, raw=False, typ="str")


class CallsMixin:
    """``_ev_call`` and ``_ev_attribute`` of the evaluator."""

    def _source(self, node: ast.AST, shape: str, trusted: frozenset = EMPTY) -> Value:
        origin = Origin(self.source_text(node), node.lineno, shape, trusted)
        return Value(taint=(origin,), typ="str" if shape in ("str", "url") else shape,
                     labels=UKEYS if shape in ("obj", "map") else EMPTY)

    def _refine(self, taint: tuple, node: ast.AST) -> tuple:
        if len(taint) == 1 and taint[0].refinable:
            o = taint[0]
            return (o._replace(desc=self.source_text(node), refinable=False),)
        return taint

    def _ev_attribute(self, node: ast.Attribute) -> Value:
        attr = node.attr
        base_node = node.value
        if attr in san.DECLARED_META_ATTRS and type(base_node) is ast.Attribute and \
                base_node.attr == san.DECLARED_META:
            return DECLARED
        if type(base_node) is ast.Name and base_node.id in self._dotted_bases:
            tracked = self._lookup_dotted(base_node.id + "." + attr)
            if tracked is not None:
                return tracked.with_labels(self.name_labels(attr))
        base = self.value(base_node)
        q = base.qual
        if q and q.startswith("model:"):
            shape = self._models.get(q[6:], {}).get(attr, "model")
            return Value(taint=tuple(o._replace(shape=shape) for o in base.taint),
                         typ="str" if shape == "str" else None,
                         labels=(UKEYS if shape == "obj" else EMPTY) | self.name_labels(attr))
        if q:
            nxt = MONGO_NEXT.get(q)
            if nxt is not None and attr not in MONGO_METHODS:
                return Value(qual=nxt)
            if q == ty.PATH and base.taint:
                return base if attr in ty.PATH_PARTS else Value(
                    qual=f"{q}.{attr}", taint=base.taint)
            req = web.REQUEST_TYPES.get(q)
            if req is not None:
                shape = req[0].get(attr)
                if shape is not None:
                    return self._source(node, shape)
            fq = f"{q}.{attr}"
            fq = web.ALIASES.get(fq, fq)
            shape = web.ATTR_SOURCES.get(fq)
            if shape is not None:
                return self._source(node, shape, web.OPERATOR_SOURCES.get(fq, EMPTY))
            if fq in fw.PRINCIPAL_ATTRS or fq.endswith(fw.PRINCIPAL_ATTR_SUFFIXES):
                return Value(qual=fq, labels=PRINCIPAL)
            return Value(qual=fq)
        lab = self.name_labels(attr)
        if base.taint:
            shape_typ = "str" if base.typ == "file" and attr in ("filename", "name") else None
            return Value(taint=base.taint, labels=base.labels | lab, typ=shape_typ,
                         text=base.text)
        if base.typ == "exception" or EXCEPTION <= base.labels:
            # an exception's internal text (models/errors.py) versus the
            # attributes of the exception class's own design
            return Value(labels=EXCEPTION) if attr in INTERNAL_ERROR_ATTRS else UNKNOWN
        if PASSWORD <= base.labels and attr not in NOT_PASSWORD_TAILS:
            lab = lab | PASSWORD  # form.password.data
        if lab:
            return Value(labels=lab)
        return UNKNOWN

    def _ev_call(self, node: ast.Call) -> Value:
        func = node.func
        fv = self.value(func)
        fq = fv.qual
        args = node.args
        if self._user_san:
            # user-declared sanitizers match by qualified or plain name
            last = func.attr if type(func) is ast.Attribute else (
                func.id if type(func) is ast.Name else None)
            kind = self._user_san.get(fq) or self._user_san.get(last)
            if kind is not None:
                return sanitize(self.value(args[0]) if args else UNKNOWN, kind)
        if fq:
            v = self._ev_known_call(node, web.ALIASES.get(fq, fq), args)
            if v is not None:
                return v
        if fv.ref is not None:
            return self._call_local(fv.ref, node)
        if type(func) is ast.Name and args and fv.qual is None and \
                method_sanitizer(func.id) is not None:
            # a local alias of a quoting helper: quote_name = connection.ops.quote_name
            return sanitize(self.value(args[0]), method_sanitizer(func.id))
        if type(func) is ast.Attribute:
            return self._ev_method_call(node, func, args)
        return UNKNOWN

    def _ev_known_call(self, node: ast.Call, fq: str, args: list) -> Value | None:
        """A call of a qualified name: the model rows decide (None: no row)."""
        func = node.func
        kind = SANITIZERS.get(fq)
        if kind == "all":
            return NUMBER
        if kind is not None:
            a0 = self.value(args[0]) if args else UNKNOWN
            if fq in web.MARKUP_CALLS:
                return sanitize(a0, kind).with_labels(MARKUP)
            if fq in ty.QUERY_ENCODERS:
                a0 = sanitize(a0, "ssrf")
            return sanitize(a0, kind)
        if fq in san.ROUTER_URLS:
            return ROUTER_URL
        if fq in san.CLASS_FILTERS and len(args) >= 3:
            text = self.value(args[2])
            if not text.is_const and keeps_word_chars(self.value(args[0]).cval,
                                                      self.value(args[1]).cval):
                for k in san.CLASS_FILTERED_SAFE:  # re.sub(r"[^a-z0-9]+", "_", s)
                    text = sanitize(text, k)
                return text.copy(cval=NOVAL, typ="str")
            if text.taint:  # other substitutions keep the rest of the text
                return Value(taint=text.taint, labels=text.labels - SAFE_LABELS, typ="str")
            return None
        if fq in san.TRANSLATIONS:
            return self.value(args[0]) if args else UNKNOWN
        if fq in san.DATE_TEXT_CALLS:
            a0 = self.value(args[0]) if args else UNKNOWN
            return a0 if a0.taint or a0.typ == "str" else NUMBER
        owner, _, meth = fq.rpartition(".")
        req = web.REQUEST_TYPES.get(owner)
        if req is not None and meth in req[1]:
            return self._source(node, req[1][meth])
        if owner == ty.PATH and type(func) is ast.Attribute:
            recv = self.value(func.value)
            extra = merge_taint(*(self.value(a).taint for a in args)) if \
                meth in ty.PATH_JOIN_METHODS else ()
            return Value(qual=ty.PATH, taint=merge_taint(recv.taint, extra))
        shape = web.CALL_SOURCES.get(fq)
        if shape is not None:
            return self._source(node, shape)
        if fq in fw.RANDOM_CALLS:
            return Value(labels=RANDOM, typ="str")
        if fq in web.EXCEPTION_TEXT:
            return Value(labels=EXCEPTION, typ="str")
        if fq in web.RESPONSE_CALLS:
            labels = EMPTY
            for a in list(args) + [k.value for k in node.keywords]:
                labels |= self.value(a).labels & EXCEPTION
            return Value(labels=labels, typ="response") if labels else UNKNOWN
        if fq in ty.PATH_TYPES:
            vals = [self.value(a) for a in args]
            return Value(qual=ty.PATH, taint=merge_taint(*(v.taint for v in vals)),
                         labels=_labels_of(vals) & SAFE_LABELS)
        if fq in sinks.PATH_JOINERS:
            vals = [self.value(a) for a in args]
            if not any(v.taint for v in vals):
                return Value(cval=ANYCONST, raw=False, typ="str") if all(
                    v.is_const for v in vals) else UNKNOWN
            return Value(taint=merge_taint(*(v.taint for v in vals)), typ="str",
                         labels=_labels_of(vals) - SAFE_LABELS)
        empty = ty.EMPTY_CONTAINERS.get(fq)
        if empty is not None and (not args or fq == "collections.defaultdict"
                                  and len(args) == 1 and not node.keywords):
            # dict(), dict(k=v), list(), defaultdict(list): slots known from here on
            items = {}
            for k in node.keywords:
                if k.arg is None or empty != "dict":
                    items = None
                    break
                items[k.arg] = self.value(k.value)
            if items is not None and len(items) <= ty.MAX_SLOTS:
                return container(items, empty)
        if fq in web.PROPAGATORS:
            # first argument's data, with the shape the call gives it (inline:
            # one Python frame less per level of a nested expression)
            if not args:
                return UNKNOWN
            a0 = self.value(args[0])
            if fq in web.DECODERS and a0.taint:
                return Value(taint=tuple(o._replace(shape="obj") for o in a0.taint),
                             labels=a0.labels | UKEYS, typ="obj")
            if not a0.taint and not a0.labels:
                if fq in ty.NUMBER_TO_STR and a0.typ == "int":
                    return NUMBER
                return a0 if fq == "builtins.str" and a0.typ == "str" else (
                    Value(cval=ANYCONST, raw=False) if a0.is_const else UNKNOWN)
            if fq == "builtins.str":  # a string cannot carry Mongo operators
                return Value(taint=tuple(o._replace(san=o.san | _MONGO_SAN, shape="str")
                                         for o in a0.taint),
                             labels=a0.labels, typ="str", built=a0.built, text=a0.text)
            return Value(taint=a0.taint, labels=a0.labels, built=a0.built, text=a0.text,
                         typ=a0.typ if fq in ty.COPY_CALLS else
                         "stream" if fq in web.STREAMS else None)
        if fq in crypto.PASSWORD_HASHERS or fq.endswith(fw.PASSWORD_HASH_METHODS) and \
                fq.startswith(fw.PASSWORD_HASH_LIBRARIES):
            return Value(labels=HASHED)
        rt = ty.RETURN_TYPES.get(fq)
        if rt is not None:
            carried = EMPTY
            if rt == crypto.HASH_OBJECT and any(k.arg == "key" for k in node.keywords):
                rt = crypto.HMAC_OBJECT  # blake2b(key=...): a keyed MAC
            elif rt == crypto.HASH_OBJECT and args:
                carried = self.value(args[0]).labels & RANDOM
            return Value(qual=rt, labels=carried)
        if fq == "builtins.getattr" and len(args) >= 2:
            return UNKNOWN
        return None

    def _ev_method_call(self, node: ast.Call, func: ast.Attribute, args: list) -> Value:
        """``recv.m(...)`` where no model row names the call."""
        recv = self.value(func.value)
        m = func.attr
        shape = web.METHOD_SOURCES.get(m)
        if shape is not None and not recv.is_const:
            return self._source(node, shape)
        if recv.qual in MONGO_NEXT and m in MONGO_ACCESSORS:
            return Value(qual=MONGO_NEXT[recv.qual])
        if m in san.ROUTER_URL_METHODS:
            return ROUTER_URL
        free = san.DATE_TEXT_METHODS.get(m)
        if free is not None and not recv.taint and recv.typ != "str" and all(
                self.value(a).is_const for a in args) and all(
                k.arg in free or self.value(k.value).is_const for k in node.keywords):
            return NUMBER
        if m == "format" and recv.is_const and isinstance(recv.cval, str) or \
                m == "format" and recv.built:
            fargs: dict = {i: self.value(a) for i, a in enumerate(args)}
            fargs.update((k.arg, self.value(k.value)) for k in node.keywords if k.arg)
            if any(k.arg is None for k in node.keywords) or any(
                    isinstance(a, ast.Starred) for a in args):
                fargs = [self.value(a) for a in args] + [self.value(k.value)
                                                         for k in node.keywords]
            built = format_string(recv, fargs, "str.format()", BRACE_FIELD)
            if MARKUP <= recv.labels:  # Markup.format escapes its arguments
                return sanitize(built, "html").with_labels(MARKUP)
            return built
        if m == "join" and recv.is_const and args:
            it = self.value(args[0])
            if it.is_const:
                return Value(cval=ANYCONST, raw=False, typ="str", text=recv.text)
            el = element(it)
            return build([el], "str.join()", extra_text=recv.text if recv.known else "")
        kind = method_sanitizer(m) if args else None
        if kind is not None and (m != "escape" or not recv.taint):
            return sanitize(self.value(args[0]), kind)
        if recv.items is not None and (m == "get" or m == "pop"):
            # a slot read back: d.get("k"), d.pop("k", None), argv.pop(), argv.pop(0)
            key = self.value(args[0]) if args else None
            if recv.typ == "list":
                slot = None if m == "get" else list_index(
                    recv.items, -1 if key is None else key.cval if key.known else None)
            else:
                slot = key.cval if key is not None and key.known else None
            if slot is not None:
                try:
                    item = recv.items.get(slot)
                except TypeError:
                    item = None
                if item is not None:
                    return item
        if m == ty.CONFIG_GET and recv.qual == ty.CONFIG_PARSER and \
                type(func.value) is ast.Name:
            got = self._config_get(func.value.id, node)
            if got is not None:
                return got
        if recv.taint or recv.built or recv.labels:
            if m in CLEAN_STR_METHODS:
                return NUMBER
            lab = recv.labels
            if m in ty.MAPPING_GETTERS and args:
                key = self.value(args[0])
                if key.known and isinstance(key.cval, str):
                    if identifier_key(key.cval):
                        lab = lab - SECRET_OR_PASSWORD  # credentials.get("username")
                    lab = lab | self.name_labels(key.cval)
                taint = self._refine(recv.taint, node)
                return Value(taint=taint, labels=lab,
                             typ=element_typ(recv.typ) if m != "getlist" else "list")
            if m in ty.MAPPING_VIEWS:
                return recv.copy(items=None)
            if recv.qual == crypto.HASH_OBJECT:
                return Value(labels=recv.labels & RANDOM) if m in ty.HASH_DIGESTS \
                    and RANDOM <= recv.labels else UNKNOWN
            typ = recv.typ if recv.typ == "str" else None
            return Value(taint=recv.taint, built=recv.built, text=recv.text,
                         raw=recv.raw, labels=lab, typ=typ)
        if m in ty.STR_FOLD_METHODS and recv.known and type(recv.cval) is str:
            folded = _fold_str_method(self, recv.cval, m, node)
            if folded is not None:
                return folded
        if recv.is_const and m in ty.STR_CONST_METHODS and all(
                self.value(a).is_const for a in args):
            return Value(cval=ANYCONST, raw=False, typ="str", text=recv.text)
        return UNKNOWN

    def _call_local(self, entry, call: ast.Call) -> Value:
        """A call to a function of this file: its return value, with the
        arguments' data substituted for the parameters that reach it."""
        fnode, info, _ = entry
        key = id(fnode)
        if key not in self._summaries:
            if key in self._in_progress or len(self._in_progress) > 8:
                return UNKNOWN
            for i, e in enumerate(self._deferred):
                if e is entry:
                    del self._deferred[i]
                    self._function(*entry)
                    break
        summary = self._summaries.get(key)
        if summary is None:
            return UNKNOWN
        if self._symbolic and summary.taint:
            # summary mode: the callee's own parameters are not the caller's
            # data (its arguments are substituted below, through the labels)
            summary = summary.copy(taint=tuple(o for o in summary.taint
                                               if type(o) is not SymOrigin))
        used = [lab for lab in summary.labels if lab in ARG_INDEX]
        if not used:
            return summary
        taint, labels = summary.taint, summary.labels - ARG_LABELS
        built, raw = summary.built, summary.raw
        starred = any(isinstance(a, ast.Starred) for a in call.args)
        checked = frozenset(lab[len(L.SAFE_PREFIX):] for lab in summary.labels
                            if lab in SAFE_LABELS)
        all_const = True
        for lab in used:
            i = ARG_INDEX[lab]
            anode = None
            if not starred and i < len(call.args):
                anode = call.args[i]
            elif i < len(info.params):
                anode = self.keyword(call, info.params[i])
            if anode is None:
                continue
            av = self.value(anode)
            all_const = all_const and av.is_const
            if checked and av.taint:
                # the helper returns its argument only after checking it
                av = av.copy(taint=tuple(o._replace(san=o.san | checked) for o in av.taint))
            taint = merge_taint(taint, av.taint)
            labels |= av.labels
            built = built or av.built
        if all_const and not taint:
            # only constants went in: what comes out is built from constants
            return Value(cval=ANYCONST, raw=False, text=summary.text, typ=summary.typ,
                         labels=labels, qual=summary.qual)
        return Value(taint=taint, built=built, text=summary.text, raw=raw, labels=labels,
                     qual=summary.qual, typ=summary.typ)


def _fold_str_method(ev, text: str, m: str, node: ast.Call) -> Value | None:
    """``"Dev".lower()``, ``MODE.startswith("x")``: the method run on known
    text with known arguments (None when it does not fold)."""
    if node.keywords or len(text) > MAX_TEXT:
        return None
    args = []
    for a in node.args:
        v = ev.value(a)
        if not v.known or type(v.cval) not in (str, int) or \
                type(v.cval) is str and len(v.cval) > MAX_TEXT:
            return None
        args.append(v.cval)
    try:
        out = getattr(text, m)(*args)
    except Exception:  # wrong arguments: the call would raise, no fold
        return None
    if isinstance(out, str) and len(out) > MAX_TEXT:
        return None
    return const(out)


def server_meta(base: Value, key: str) -> bool:
    """``request.META["REMOTE_ADDR"]``: WSGI keys the server sets, not the client
    (the client's headers are the ``HTTP_*`` keys, plus the query and path)."""
    return len(base.taint) == 1 and base.taint[0].desc.endswith(fw.SERVER_META_SOURCES) and \
        not key.startswith(fw.CLIENT_META_PREFIX) and key not in fw.CLIENT_META_KEYS


def _labels_of(vals: list) -> frozenset:
    out = EMPTY
    for v in vals:
        out |= v.labels
    return out
