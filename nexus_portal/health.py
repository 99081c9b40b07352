"""/health/: is each dependency of the portal alive? For load balancers, monitoring and the fault script.

    {"status": "ok" | "degraded" | "down",
     "checks": {"database": "ok", "redis": "ok", "worker": "ok", "flag_runs": "ok"},
     "details": {"database_ms": 0.9, "worker_last_seen_seconds": 4, "last_flag_run_age_seconds": 3600, ...}}

Answers 503 only when the database is down (nothing works without it); a dead Redis or worker makes
the portal "degraded" but still serving pages and saving writes, so it answers 200. Every probe has a
short timeout, and a failure is reported by its exception *type* only: messages can hold host names,
user names or passwords from connection strings, so none of them is ever shown.
"""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from nexus_portal import worker_heartbeat

REDIS_TIMEOUT_SECONDS = 0.5
WORKER_SILENT_AFTER_SECONDS = 3 * worker_heartbeat.INTERVAL_SECONDS


def _down(error: BaseException) -> str:
    return f"down: {type(error).__name__}"


def check_database(details: dict) -> str:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return _down(error)
    details["database_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return "ok"


def check_redis_and_worker(details: dict) -> tuple[str, str]:
    """Redis (broker, cache) answers PING; a Celery worker wrote its heartbeat recently (one HGETALL)."""
    if not settings.REDIS_URL:
        return "not configured (tasks run in-process)", "not needed (tasks run in-process)"
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_SECONDS, socket_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        started = time.perf_counter()
        client.ping()
        details["redis_ms"] = round((time.perf_counter() - started) * 1000, 1)
        beats = worker_heartbeat.last_beats(client)
    except Exception as error:
        return _down(error), "unknown (Redis is down)"
    finally:
        client.close()
    if not beats:
        return "ok", "down: no worker has reported"
    age = max(0, round(time.time() - max(beats.values())))
    details["worker_last_seen_seconds"] = age
    details["workers_alive"] = sum(1 for beat in beats.values() if time.time() - beat <= WORKER_SILENT_AFTER_SECONDS)
    return "ok", "ok" if age <= WORKER_SILENT_AFTER_SECONDS else f"down: silent for {age} s"


def check_flag_runs(details: dict) -> str:
    from coordination.models import FlagRun

    try:
        last = (
            FlagRun.objects.filter(status__in=[FlagRun.Status.SUCCEEDED, FlagRun.Status.PARTIAL])
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        running = FlagRun.objects.filter(status=FlagRun.Status.RUNNING).values_list("heartbeat_at", flat=True).first()
    except Exception as error:
        return _down(error)
    now = timezone.now()
    details["last_flag_run_age_seconds"] = round((now - last).total_seconds()) if last else None
    details["flag_run_running"] = running is not None
    if running is not None:
        details["flag_run_heartbeat_age_seconds"] = round((now - running).total_seconds())
    return "ok" if last else "no run yet"


@never_cache
def health(request):
    details: dict = {}
    checks = {"database": check_database(details)}
    checks["redis"], checks["worker"] = check_redis_and_worker(details)
    database_up = checks["database"] == "ok"
    checks["flag_runs"] = check_flag_runs(details) if database_up else "unknown (database is down)"
    if not database_up:
        status = "down"
    elif any(value.startswith("down") for value in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, "checks": checks, "details": details}, status=200 if database_up else 503)
