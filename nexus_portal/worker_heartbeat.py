"""Celery workers say they are alive: every INTERVAL_SECONDS each worker writes the time into one Redis
hash (hostname → unix time), which /health/ reads with a single HGETALL. Cheaper and faster than
`celery inspect ping` (a broadcast that waits for answers), and it works with task events off.

Started by the `worker_ready` signal (nexus_portal/celery.py) in a daemon thread; a killed worker
simply stops writing, and its entry ages out of the health report.
"""

import logging
import threading
import time

logger = logging.getLogger(__name__)

KEY = "nexus:worker-heartbeats"
INTERVAL_SECONDS = 10
FORGET_AFTER_SECONDS = 24 * 60 * 60


def beat(client, hostname: str) -> None:
    now = time.time()
    client.hset(KEY, hostname, f"{now:.3f}")
    client.expire(KEY, FORGET_AFTER_SECONDS)


def last_beats(client) -> dict[str, float]:
    beats = {}
    for hostname, value in client.hgetall(KEY).items():
        try:
            beats[hostname.decode(errors="replace")] = float(value)
        except ValueError:
            continue
    return beats


def start(hostname: str, redis_url: str) -> threading.Thread | None:
    if not redis_url:
        return None
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)

    def loop():
        while True:
            try:
                beat(client, hostname)
            except Exception:  # Redis down: try again next time; the health page shows the silence
                logger.warning("worker heartbeat could not be written; Redis down?")
            time.sleep(INTERVAL_SECONDS)

    thread = threading.Thread(target=loop, name="nexus-worker-heartbeat", daemon=True)
    thread.start()
    return thread


def on_worker_ready(sender=None, **kwargs) -> None:
    from django.conf import settings

    hostname = getattr(sender, "hostname", None) or "worker"
    start(hostname, settings.REDIS_URL)
