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
