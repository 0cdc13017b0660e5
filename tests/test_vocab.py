"""The shared vocabulary of names."""
import pytest

from secguide.vocab import is_identifier_param, is_password_name, secret_kind


@pytest.mark.parametrize("name", [
    "password", "passwd", "pwd", "new_password", "newPassword", "raw_password",
    "password1", "user_pass", "pass", "passphrase", "confirm_password", "userpassword",
    "old_pw", "admin_password",
])
def test_password_names(name):
    assert is_password_name(name)


@pytest.mark.parametrize("name", [
    "password_hash", "hashed_password", "password_field", "password_length",
    "min_password_length", "password_reset_token", "passport", "compass",
    "bypass", "password_policy", "password_url", "pw_hash", "is_password_valid",
    "check_password", "token", "username", "pass_count", "password_salt",
])
def test_not_password_names(name):
    assert not is_password_name(name)


def test_extra_password_names():
    assert not is_password_name("pin")
    assert is_password_name("pin", ("pin",))


@pytest.mark.parametrize("name,expected", [
    ("id", True), ("pk", True), ("post_id", True), ("postId", True), ("user_uuid", True),
    ("page", False), ("slug", False), ("username", False), ("idx", False), ("paid", False),
])
def test_identifier_params(name, expected):
    assert is_identifier_param(name) is expected


@pytest.mark.parametrize("name,kind", [
    ("api_key", "api key"), ("API_KEY", "api key"), ("apiKey", "api key"),
    ("SECRET_KEY", "key"), ("jwt_secret", "secret"), ("client_secret", "secret"),
    ("access_token", "token"), ("csrf_token", "token"), ("AWS_SECRET_ACCESS_KEY", "key"),
    ("db_password", "password"), ("signature", "signature"), ("hmac_digest", "signature"),
    ("otp", "one-time code"), ("verification_code", "one-time code"),
    ("webhook_secret", "secret"), ("private_key", "key"),
])
def test_secret_names(name, kind):
    assert secret_kind(name) == kind


@pytest.mark.parametrize("name", [
    "token_type", "token_id", "password_field", "password_hash", "github_token_url",
    "session_cookie_name", "otp_length", "cache_key", "primary_key", "key", "monkey",
    "tokenizer", "secretary", "aws_access_key_id", "private_key_file", "is_token_valid",
    "auth_header", "pin_length", "token_expiry", "secretName", "api_key_header",
    "secret_key_file", "SECRET_KEY_FILE", "password_url",
])
def test_identifiers_are_not_secrets(name):
    assert secret_kind(name) is None


def _vocabulary_names():
    """Names built from every vocabulary word, in the spellings code uses."""
    from secguide import vocab

    words = set(vocab.PASSWORD_WORDS | vocab.SECRET_WORDS | vocab.SECRET_HEADERS)
    words |= {f"{w}_{t}" for w in ("token", "secret", "password") for t in vocab.VALUE_TAILS}
    words |= {f"{q}_key" for q in vocab.SECRET_KEY_QUALIFIERS}
    words |= {f"{q}_code" for q in vocab.CODE_QUALIFIERS}
    words |= {"apikey", "privkey", "secretkey", "accesskey", "userpassword", "passwd_new"}
    names = set()
    for w in words:
        camel = "".join(p.capitalize() for p in w.replace("-", "_").split("_"))
        for form in (w, w.upper(), camel, camel[:1].lower() + camel[1:]):
            names |= {form, f"user_{form}", f"{form}_value", f"new{form}", f"the_{form}_2"}
    return sorted(names)


def test_label_prefilter_is_exact():
    """The quick test that answers most names without splitting them never
    drops a label: checked on every vocabulary word in many spellings and on
    every name of the fixtures and the engine's own code."""
    import ast
    import pathlib

    from secguide.analysis.context import _name_labels, _name_labels_full

    names = set(_vocabulary_names())
    root = pathlib.Path(__file__).resolve().parent.parent
    for path in [*root.glob("tests/fixtures/**/*.py"), *root.glob("secguide/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value[:200])
    labelled = [n for n in names if _name_labels_full(n, (), ())]
    assert len(labelled) > 300  # the check below would be vacuous otherwise
    assert [n for n in names if _name_labels(n, (), ()) != _name_labels_full(n, (), ())] == []
    # with the user's own names, nothing is skipped
    assert _name_labels("pin", ("pin",), ()) == _name_labels_full("pin", ("pin",), ())
    assert _name_labels("mfa_seed", (), ("mfa_seed",)) == _name_labels_full("mfa_seed", (), ("mfa_seed",))
    assert _name_labels("mfa_seed", (), ("mfa_seed",))


def test_password_and_secret_prefilters_are_exact():
    from secguide.vocab import _is_password_name, _secret_kind

    names = _vocabulary_names()
    assert sum(1 for n in names if _secret_kind(n, ())) > 300
    for name in names:
        assert is_password_name(name) == _is_password_name(name, ()), name
        assert secret_kind(name) == _secret_kind(name, ()), name
