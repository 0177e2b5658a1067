"""Tell, before the tests start, whether PostgreSQL and Redis answer, and how to start them."""

import socket
import sys
from urllib.parse import urlparse

HOW_TO_START = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start  "
    "(or: docker compose up -d postgres)",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no  '
    "(or: docker compose up -d redis)",
}


def reachable(url):
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname, parts.port), timeout=3):
            return True
    except OSError:
        return False


def main(pg_url, redis_url):
    missing = [
        (name, url)
        for name, url in (("PostgreSQL", pg_url), ("Redis", redis_url))
        if not reachable(url)
    ]
    for name, url in missing:
        print(
            f"{name} is not reachable at {url}. Start it with:\n    {HOW_TO_START[name]}",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
