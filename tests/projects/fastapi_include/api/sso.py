from enum import StrEnum


class ClientAuthMethod(StrEnum):
    client_secret = "client_secret"
    client_secret_post = "client_secret_post"
