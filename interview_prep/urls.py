from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from questions import health
from questions.accounts import language, password_reset
from questions.accounts import views as account_views

urlpatterns = [
    path("", include("questions.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/settings/", account_views.study_settings, name="study_settings"),
    # Before django.contrib.auth.urls, whose page of the same name sends the mail in the request.
    path("accounts/password_reset/", password_reset.password_reset, name="password_reset"),
    # The login form says, once a password was wrong, how many tries are left.
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.BENCHMARK and settings.DEVTOOLS:
    urlpatterns += [path("", include("scripts.devtools.urls"))]
