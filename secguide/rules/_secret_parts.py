"""SCG802's reading of a logged expression: which part of it is a secret (a
password field, a token attribute), which only identifies one, and how to
name it in the message."""
from __future__ import annotations

import ast

from secguide import labels
from secguide.vocab import ITEM_IDENTIFIER_WORDS, ROLE_TAILS, words


def _identifier_item(ctx, node) -> bool:
    """``credentials.get("username")``, ``creds["email"]``: an item whose
    constant key names who or which, whatever the container is called."""
    if isinstance(node, ast.Subscript):
        key = node.slice
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and node.args:
        key = node.args[0]
    else:
        return False
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return False
    ws = words(key.value)
    return bool(ws) and ws[-1] in ITEM_IDENTIFIER_WORDS


def _secret_part(ctx, node, cleared: set, depth: int = 0):
    """The part of a logged expression that carries the secret label, or
    None when every labelled part is an identifier item (``f"{username}"``
    where ``username = credentials.get("username")``)."""
    if depth > 8:
        return node
    t = type(node)
    if t is ast.Name and node.id in cleared or _identifier_item(ctx, node):
        return None
    parts = None
    if t is ast.JoinedStr:
        parts = [p.value for p in node.values if isinstance(p, ast.FormattedValue)]
    elif t is ast.BinOp:
        parts = [node.left, node.right]
    elif t in (ast.Tuple, ast.List):
        parts = node.elts
    elif t is ast.Call and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        parts = [node.func.value] + list(node.args) + [k.value for k in node.keywords]
    if parts is None:
        return node
    labelled = False
    for p in parts:
        if labels.SECRET in ctx.value(p).labels:
            labelled = True
            found = _secret_part(ctx, p, cleared, depth + 1)
            if found is not None:
                return found
    return None if labelled else node


def _object_role(node) -> bool:
    """``handler = self.tokens.get(kind)``: the name says what it holds."""
    name = node.id if isinstance(node, ast.Name) else (
        node.attr if isinstance(node, ast.Attribute) else "")
    ws = words(name) if name else []
    return bool(ws) and ws[-1] in ROLE_TAILS


def _describe(ctx, node) -> str:
    if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
        return f"secret value {ctx.source_text(node)}"
    return "a secret value"
