class ApiClient:
    @classmethod
    def by_key(cls, key):
        return None


class Account:
    @classmethod
    def check_login(cls, email, password):
        return None
