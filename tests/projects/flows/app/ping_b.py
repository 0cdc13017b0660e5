"""The other half of the cycle."""
from app import ping_a


def pong(host, count):
    ping_a.ping(host, count)
    ping_a.run("ping -c 1 " + host)
