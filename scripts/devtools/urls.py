"""The benchmark's ceiling: a page that costs only what every page costs.

Served only when DJANGO_BENCHMARK=1 (interview_prep/urls.py includes this module then), so it
never exists in production, which does not ship it either (scripts/devtools/__init__.py). It
goes through the whole middleware stack and renders a constant template with the same context
processors, and does no work of its own: its throughput is the most any page of this server
could reach (scripts/bench.py divides each page's throughput by it). Requested with a signed-in
user's session cookie, as the benchmark does, the middleware still loads the session and the
user (the user's saved language, questions/accounts/language.py), as it does for every page.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe


@require_safe
def ceiling(request):
    return render(request, "bench/ceiling.html")


urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling")]
