"""Message wording (issue 16, point 9): each message says what is true of
the finding it reports, checked on the text the tools print."""
from __future__ import annotations

import textwrap

import secguide


def _messages(source: str, filename: str = "app.py", options=None) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for f in secguide.check_source(textwrap.dedent(source).lstrip("\n"), filename,
                                   options=options):
        out.setdefault(f.code, []).append(f.message)
    return out


def test_a_name_that_says_its_kind_is_not_repeated():
    found = _messages('''
        import random


        def new_token():
            token = str(random.random())
            return token


        def valid(body, signature, secret):
            return signature == secret
        ''')
    assert found["SCG505"] == [
        "token is made with the random module, whose output can be predicted; "
        "use secrets (token_urlsafe, token_hex, choice) instead"]
    assert found["SCG504"] == [
        "signature is compared with ==, which leaks how much matched through timing; "
        "use hmac.compare_digest()"]
    for text in found["SCG505"] + found["SCG504"]:
        assert "token token" not in text and "signature signature" not in text


def test_a_name_that_does_not_say_its_kind_is_named_with_it():
    found = _messages('''
        import random


        def new_password():
            pw = str(random.random())
            return pw
        ''')
    assert found["SCG505"][0].startswith("the password pw is made with"), found


def test_allowed_hosts_wildcard_is_not_called_debug_mode(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text("DEBUG = True\nALLOWED_HOSTS = ['*']\n", encoding="utf-8")
    found = _messages(settings.read_text(), str(settings))["SCG703"]
    assert found == [
        "DEBUG = True turns debug mode on; read it from the environment and keep it "
        "off in production",
        "ALLOWED_HOSTS = ['*'] accepts requests for any Host header, so links built from "
        "it can point anywhere; list the host names the site serves"]


def test_django_fast_hasher_is_told_the_django_fix(tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text("PASSWORD_HASHERS = ['django.contrib.auth.hashers.MD5PasswordHasher']\n",
                        encoding="utf-8")
    found = _messages(settings.read_text(), str(settings))["SCG601"]
    assert len(found) == 1 and "werkzeug" not in found[0]
    assert found[0].endswith("; put Django's PBKDF2PasswordHasher, Argon2PasswordHasher or "
                             "BCryptSHA256PasswordHasher first")
    plain = _messages('''
        import hashlib


        def store(password):
            return hashlib.md5(password.encode()).hexdigest()
        ''')["SCG601"]
    assert plain[0].endswith("(e.g. werkzeug.security.generate_password_hash)")


BCRYPT_11 = '''
    import bcrypt


    def hash_pw(password):
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds={rounds}))
    '''


def test_work_factor_names_whose_floor_it_is():
    assert _messages(BCRYPT_11.format(rounds=4))["SCG603"] == [
        "bcrypt.gensalt() rounds=4 is below the OWASP minimum of 10; raise it to at least 10"]
    assert _messages(BCRYPT_11.format(rounds=11), options={"min-bcrypt-rounds": 12})["SCG603"] == [
        "bcrypt.gensalt() rounds=11 is below the configured minimum (min-bcrypt-rounds) of 12; "
        "raise it to at least 12"]
