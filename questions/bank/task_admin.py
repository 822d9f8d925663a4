"""The admin's read-only record of background work: imports and failed tasks.

Editors see both (migration 0008 gives their group the view permissions); nobody edits them
here. An import's own page, with its outcome, is admin_views.import_job_view.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from questions.bank.models import FailedTask, ImportJob
from questions.validation import BoundedSearchAdmin


class ReadOnlyAdmin(BoundedSearchAdmin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "status", "question_count", "created_by", "created_at", "page"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    search_fields = ["file_name"]
    exclude = ["data"]
    readonly_fields = [
        "file_name",
        "status",
        "question_count",
        "options",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "counts",
        "errors",
        "page",
    ]

    @admin.display(description=_("outcome"))
    def page(self, job):
        url = reverse("admin:questions_question_import_job", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, _("Show"))

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(FailedTask)
class FailedTaskAdmin(ReadOnlyAdmin):
    list_display = ["task_path", "exception", "failed_at"]
    list_filter = ["task_path"]
    search_fields = ["task_path", "exception", "traceback"]
    date_hierarchy = "failed_at"
    fields = ["task_path", "task_id", "arguments", "exception", "failed_at", "error"]
    readonly_fields = fields

    @admin.display(description=_("traceback"))
    def error(self, failure):
        return format_html("<pre>{}</pre>", failure.traceback)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
