from django.contrib import admin
from django.urls import include, path

from questions import account_views, views

urlpatterns = [
    path("", include("questions.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/settings/", account_views.study_settings, name="study_settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
