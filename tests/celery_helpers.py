from contextlib import contextmanager

from kombu import pools

from nexus_portal.celery import app


def _reset_pools() -> None:
    # Celery and kombu cache connection and producer pools; drop them so the next publish uses the current URL.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """Point Celery at a port where nothing listens, as when Redis is down; restore it afterwards."""
    original = app.conf.broker_url
    _reset_pools()
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        yield
    finally:
        _reset_pools()
        app.conf.broker_url = original
