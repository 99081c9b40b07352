from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from nexus_portal.selectors import home_summary


@login_required
def home(request):
    return render(request, "home.html", home_summary(user=request.user))


def bench_ping(request):
    """A constant answer through the whole middleware stack, no database: the baseline the load benchmark
    compares every page with (routed only when settings.BENCHMARK_VIEWS is on)."""
    return HttpResponse(b"pong", content_type="text/plain")
