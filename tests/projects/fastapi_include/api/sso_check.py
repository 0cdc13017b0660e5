from fastapi import Request

from .sso import ClientAuthMethod


# a member of the project's Enum named like a secret: a keyword, not a secret
def uses_basic_auth(config: dict) -> bool:
    return config["auth_method"] == ClientAuthMethod.client_secret


# the client's secret from the request against the stored one
def client_authenticated(config: dict, request: Request) -> bool:
    return config["client_secret"] == request.headers["X-Client-Secret"]  # expect: SCG504
