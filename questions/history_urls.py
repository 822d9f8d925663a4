"""URLs of the history pages; included by questions/urls.py under the questions namespace."""

from django.urls import path

from questions import history_views

urlpatterns = [
    path("history/", history_views.history, name="history"),
    path("history/<int:pk>/", history_views.attempt_detail, name="attempt"),
    path("history/export.csv", history_views.export_csv, name="history_export_csv"),
    path("history/export.json", history_views.export_json, name="history_export_json"),
    path("stats/", history_views.progress_stats, name="stats"),
    path("accounts/delete/", history_views.account_delete, name="account_delete"),
]
