# --- Service detection for @pytest.mark.postgres / @pytest.mark.redis -------------------------
# Locally a missing service skips the test with the reason; under CI=true it fails instead, so a
# misconfigured CI job cannot go green by silently skipping. (The CI SQLite pass deselects these
# tests with -m "not postgres and not redis".) Keep this block at the top; add fixtures below it,
# and do not define another `pytest_runtest_setup` in this file (it would replace this one).
import functools
import os

import pytest

POSTGRES_REASON = "needs PostgreSQL: set DATABASE_URL=postgres://..."
REDIS_REASON = "needs Redis at REDIS_URL"
CHROMIUM = os.environ.get("NEXUS_CHROMIUM", "/usr/bin/chromium")
BROWSER_REASON = f"needs headless Chromium at {CHROMIUM} (apt-get install chromium) and the playwright package"


def running_under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@functools.cache
def redis_answers(url: str) -> bool:
    """True if the Redis server at `url` answers PING (checked once per URL and process)."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError):
        return False


def missing_service(markers, *, db_vendor: str, redis_url: str, ping=redis_answers) -> str | None:
    """Reason a test with these marker names cannot run here, or None if it can."""
    if "postgres" in markers and db_vendor != "postgresql":
        return f"{POSTGRES_REASON} (database here is {db_vendor})"
    if "redis" in markers:
        if not redis_url:
            return f"{REDIS_REASON} (REDIS_URL is not set)"
        if not ping(redis_url):
            return f"{REDIS_REASON} (no answer to PING)"
    if "browser" in markers and not browser_available():
        return BROWSER_REASON
    return None


def browser_available() -> bool:
    import importlib.util

    return os.access(CHROMIUM, os.X_OK) and importlib.util.find_spec("playwright") is not None


@pytest.hookimpl(tryfirst=True)  # before fixtures, so no DB/Redis fixture is even attempted
def pytest_runtest_setup(item):
    markers = {mark.name for mark in item.iter_markers()} & {"postgres", "redis", "browser"}
    if not markers:
        return
    from django.db import connection

    reason = missing_service(markers, db_vendor=connection.vendor, redis_url=os.environ.get("REDIS_URL", ""))
    if reason:
        if running_under_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


# --- end of service detection -----------------------------------------------------------------


# --- Personas for the access matrix (tests/access/) and page tests ------------------------------
# Two actors: A (the "own" organisation) and B (another organisation). Each persona is a fixture,
# and `personas` maps the names used in the matrix tables to users. Persona users get no usable
# password: hashing one costs ~0.3 s, and the matrix creates seven users per test. Log them in
# with client.force_login(); tests of the login form build their own user with a password.


def _persona_user(username: str, **flags):
    from django.contrib.auth.hashers import make_password

    from actors.models import User

    return User.objects.create(username=username, password=make_password(None), **flags)


@pytest.fixture
def actor_a(db):
    from tests import factories

    return factories.actor("Actor A")


@pytest.fixture
def actor_b(db):
    from tests import factories

    return factories.actor("Actor B")


@pytest.fixture
def owner(actor_a):
    """Editor of actor A."""
    from actors.choices import MembershipRole
    from tests import factories

    user = _persona_user("owner")
    factories.member(user, actor_a, MembershipRole.EDITOR)
    return user


@pytest.fixture
def owner_manager(actor_a):
    from actors.choices import MembershipRole
    from tests import factories

    user = _persona_user("owner_manager")
    factories.member(user, actor_a, MembershipRole.MANAGER)
    return user


@pytest.fixture
def owner_viewer(actor_a):
    from actors.choices import MembershipRole
    from tests import factories

    user = _persona_user("owner_viewer")
    factories.member(user, actor_a, MembershipRole.VIEWER)
    return user


@pytest.fixture
def colleague(actor_b):
    """Editor of ANOTHER actor, B: a partner in the portal, an outsider to A's objects."""
    from actors.choices import MembershipRole
    from tests import factories

    user = _persona_user("colleague")
    factories.member(user, actor_b, MembershipRole.EDITOR)
    return user


@pytest.fixture
def reviewer(db):
    """Site-wide reviewer (Norad) without any membership."""
    return _persona_user("reviewer", is_reviewer=True)


@pytest.fixture
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.fixture
def superuser(db):
    return _persona_user("superuser", is_superuser=True, is_staff=True)


PERSONAS = ("owner", "owner_manager", "owner_viewer", "colleague", "reviewer", "anonymous", "superuser")


@pytest.fixture
def personas(owner, owner_manager, owner_viewer, colleague, reviewer, anonymous, superuser):
    return {
        "owner": owner,
        "owner_manager": owner_manager,
        "owner_viewer": owner_viewer,
        "colleague": colleague,
        "reviewer": reviewer,
        "anonymous": anonymous,
        "superuser": superuser,
    }


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Templates use {% static %}; the manifest storage (DEBUG off) needs collectstatic, tests don't run it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.3 s per user; tests check permissions, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_sessionstart(session):
    # WhiteNoise warns on every request when STATIC_ROOT is missing; collectstatic never runs in tests.
    from django.conf import settings

    settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    # Test clients and the live server speak plain HTTP; production's HTTPS redirect and secure cookies
    # (on whenever DEBUG is off) are checked by tests/security/test_deploy_settings.py in a subprocess.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _private_empty_cache(settings):
    # Once-only submission ids and cached dashboard figures live in the cache: no test may see another's.
    # In memory, not Redis: clearing a Redis cache flushes the database the Celery broker shares in CI.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    from django.core.cache import cache

    cache.clear()
