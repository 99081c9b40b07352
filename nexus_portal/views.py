from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from nexus_portal.selectors import home_summary


@login_required
def home(request):
    return render(request, "home.html", home_summary(user=request.user))


@never_cache
def health(request):
    """Liveness of each dependency, for load balancers and the fault script."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"down: {type(error).__name__}"
    from django.conf import settings

    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except redis.RedisError as error:
            checks["redis"] = f"down: {type(error).__name__}"
    else:
        checks["redis"] = "not configured (tasks run in-process)"
    healthy = all(not value.startswith("down") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
