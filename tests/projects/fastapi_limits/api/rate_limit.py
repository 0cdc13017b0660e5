from ratelimit import RateLimitMiddleware, Rule
from ratelimit.backends.redis import RedisBackend

RULES = {r"^/auth/": [Rule(minute=6, hour=12, block_time=900)]}


def client_ip(scope):
    return scope["client"][0], "default"


def get_middleware(app, redis):
    """asgi-ratelimit in front of every request of the app."""
    return RateLimitMiddleware(app, client_ip, RedisBackend(redis), RULES)
