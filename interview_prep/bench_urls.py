"""The benchmark's ceiling: a page that costs only what every page costs.

Served only when DJANGO_BENCHMARK=1 (interview_prep/urls.py includes this module then), so it
never exists in production. It goes through the whole middleware stack and renders a constant
template with the same context processors, but touches neither the session nor the database:
its throughput is the most any page of this server could reach (scripts/bench.py divides each
page's throughput by it).

The logged-in ceiling is the same page behind login_required: it adds what every page of a
signed-in user costs before its own work (the session and the user, two queries), so the
benchmark can tell that share from each page's own.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def ceiling(request):
    return render(request, "bench/ceiling.html")


@require_GET
@login_required
def ceiling_logged_in(request):
    return render(request, "bench/ceiling.html")


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench_ceiling"),
    path("bench/ceiling/user/", ceiling_logged_in, name="bench_ceiling_logged_in"),
]
