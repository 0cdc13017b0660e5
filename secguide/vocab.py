"""Shared vocabulary of names: what a value is called says what it holds.

One tested place decides whether a name is a password, an object
identifier, or a reference to the current user, so that every rule agrees.
"""
from __future__ import annotations

import re

_SPLIT = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")

PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "passphrase", "passwort",
                            "pword", "pw", "pass"})
#: a trailing word that makes a password-ish name mean something else
NOT_PASSWORD_TAILS = frozenset({
    "hash", "hashed", "digest", "field", "fields", "label", "length", "len",
    "min", "max", "policy", "reset", "url", "file", "path", "prompt", "hint",
    "help", "header", "validator", "validators", "form", "input", "name",
    "names", "id", "type", "required", "changed", "expired", "expires",
    "expiry", "age", "count", "attempts", "error", "errors", "message", "msg",
    "template", "widget", "regex", "pattern", "rules", "strength", "score",
    "mask", "masked", "enc", "encrypted", "hasher", "hashers", "salt", "key",
    "token", "link", "page", "view", "manager", "set", "confirmation_sent",
    "salted", "check", "valid", "ok", "match", "matches", "entropy", "column",
    "col", "param", "option", "options", "env", "var", "history",
})
#: a leading word that makes the name about something other than the password
NOT_PASSWORD_HEADS = frozenset({"check", "verify", "validate", "is", "has",
                                "hash", "hashed", "encrypted", "num", "n",
                                "min", "max", "len", "reset", "forgot"})


def words(name: str) -> list[str]:
    """``newPassword_hash`` -> ["new", "password", "hash"]."""
    return [w.lower() for w in _SPLIT.findall(name)]


def is_password_name(name: str, extra: tuple[str, ...] = ()) -> bool:
    """Does a variable/attribute/field named ``name`` hold a raw password?"""
    if not name:
        return False
    low = name.lower()
    if low in extra:
        return True
    ws = words(name)
    if not ws:
        return False
    hits = [i for i, w in enumerate(ws) if w in PASSWORD_WORDS or w in extra]
    if not hits:
        # joined spellings: "newpassword", "userpasswd"
        if not any(p in low for p in ("password", "passwd", "passphrase")):
            return False
        hits = [len(ws) - 1]
    # short words only count when they are the whole name or its end
    if all(ws[i] in ("pw", "pass", "pword") for i in hits) and hits[-1] != len(ws) - 1:
        return False
    if ws == ["pass"]:
        return True
    if len(ws) > hits[-1] + 1 and ws[-1] in NOT_PASSWORD_TAILS:
        return False
    if ws[0] in NOT_PASSWORD_HEADS and ws[0] not in PASSWORD_WORDS:
        return False
    return True


def is_identifier_param(name: str) -> bool:
    """A route parameter that names one record: ``id``, ``pk``, ``post_id``."""
    low = name.lower()
    if low in ("id", "pk", "uuid", "oid", "guid", "key"):
        return low != "key"
    ws = words(name)
    return bool(ws) and len(ws) > 1 and ws[-1] in ("id", "pk", "uuid", "guid")


#: names that refer to the current principal (SCG401 evidence)
PRINCIPAL_NAMES = frozenset({
    "current_user", "current_identity", "get_current_user", "get_jwt_identity",
    "current_account", "get_current_active_user", "get_current_account",
    "auth_user", "logged_in_user", "g.user", "request.user", "self.request.user",
    "request.auth", "flask_login.current_user", "get_user", "authenticated_user",
    "get_jwt", "verify_jwt_in_request", "request.identity",
})
#: call name patterns that are authorization checks (SCG401 evidence)
AUTHZ_CALL = re.compile(
    r"(?i)^(has_perms?|has_permission|has_object_permission|check_\w*permission\w*|"
    r"check_object_permissions|authori[sz]e\w*|\w*_authori[sz]ed?|require_\w+|"
    r"can_(view|read|edit|access|update|delete|change|modify|manage)\w*|"
    r"user_can_\w+|is_owner\w*|is_owned_by|owned_by|assert_owner\w*|"
    r"ensure_\w*(owner|access|permission)\w*|check_owner\w*|check_access\w*|"
    r"verify_\w*(owner|access)\w*|enforce\w*|permission_required|"
    r"get_\w+_for_user|\w+_for_user|for_user|visible_to|accessible_by|"
    r"filter_for_user|scoped_to)$"
)
#: decorators that enforce authorization (login_required alone does not)
PERMISSION_DECORATORS = re.compile(
    r"(?i)^(permission_required|permissions_required|roles_required|"
    r"roles_accepted|role_required|admin_required|superuser_required|"
    r"staff_member_required|user_passes_test|requires?_permissions?|"
    r"requires?_roles?|has_permission|\w*owner\w*required|\w*_required_perm|"
    r"admin_only|check_permissions?|authorize|authorized|\w+_permission_required|"
    r"require_admin|is_admin|owner_only|permission_classes|policy_required)$"
)
#: keyword names that scope an ORM lookup to the principal
OWNER_KEYWORDS = re.compile(
    r"(?i)^(owner|user|author|created_by|account|tenant|organization|org|"
    r"customer|member|profile|owner_id|user_id|author_id|account_id|tenant_id|"
    r"org_id|organization_id|customer_id|created_by_id|member_id|profile_id|"
    r"\w+__(user|owner|author|account|tenant|members?)(_id)?)$"
)
