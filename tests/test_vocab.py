"""The shared vocabulary of names."""
import pytest

from secguide.vocab import is_identifier_param, is_password_name


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
