"""The benchmark's bare yardstick: Django itself rendering the ceiling's constant template.

A WSGI application of its own, with no middleware, no database, no sessions and no app:
Django's request handling, URL resolving and the cached template loader only. scripts/bench.py
serves it with a second gunicorn (the same gunicorn.conf.py, so the same workers) in the same
run as the app, and gives every page's throughput as a share of it as well as of the app's own
constant page (interview_prep/bench_urls.py, which pays for the middleware, the session and
the user). Never part of the app: nothing imports this module.

    gunicorn -c gunicorn.conf.py interview_prep.bench_bare:application
"""

from pathlib import Path

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-bare-not-secret",  # noqa: S106 - signs nothing: no sessions, no forms
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
    USE_I18N=False,
    TEMPLATES=[
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [Path(__file__).resolve().parent.parent / "templates" / "bench"],
            "OPTIONS": {
                "loaders": [
                    (
                        "django.template.loaders.cached.Loader",
                        ["django.template.loaders.filesystem.Loader"],
                    )
                ]
            },
        }
    ],
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402


def bare(request):
    return render(request, "ceiling.html")


urlpatterns = [path("bench/bare/", bare)]
application = get_wsgi_application()
