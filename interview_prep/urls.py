from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from questions import health
from questions.accounts import language
from questions.accounts import views as account_views

urlpatterns = [
    path("", include("questions.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/settings/", account_views.study_settings, name="study_settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK:
    urlpatterns += [path("", include("interview_prep.bench_urls"))]
