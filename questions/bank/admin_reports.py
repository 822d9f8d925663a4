"""Problem reports learners send from a question's page, and the near-duplicate pairs."""

from django.contrib import admin, messages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from questions.bank.models import QuestionReport, ReportStatus, SimilarQuestion
from questions.validation import BoundedSearchAdmin


@admin.register(QuestionReport)
class QuestionReportAdmin(BoundedSearchAdmin, admin.ModelAdmin):
    list_display = [
        "question",
        "kind",
        "status",
        "user",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    list_filter = ["status", "kind"]
    list_select_related = ["question", "user", "resolved_by"]
    search_fields = ["question__title", "comment"]
    fields = [
        "question",
        "user",
        "kind",
        "comment",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    readonly_fields = [
        "question",
        "user",
        "kind",
        "comment",
        "created_at",
        "resolved_at",
        "resolved_by",
    ]
    actions = ["mark_resolved"]

    def has_add_permission(self, request):
        return False  # users report problems from the question's page

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            resolved = obj.status == ReportStatus.RESOLVED
            obj.resolved_at = timezone.now() if resolved else None
            obj.resolved_by = request.user if resolved else None
        super().save_model(request, obj, form, change)

    @admin.action(
        description=gettext_lazy("Mark selected reports resolved"), permissions=["change"]
    )
    def mark_resolved(self, request, queryset):
        count = queryset.filter(status=ReportStatus.OPEN).update(
            status=ReportStatus.RESOLVED, resolved_at=timezone.now(), resolved_by=request.user
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d report was marked resolved.",
                "%(count)d reports were marked resolved.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SimilarQuestion)
class SimilarQuestionAdmin(BoundedSearchAdmin, admin.ModelAdmin):
    list_display = ["question", "other", "similarity", "computed_at"]
    list_select_related = ["question", "other"]
    search_fields = ["question__title", "other__title"]
    ordering = ["-score", "question"]

    def get_queryset(self, request):
        # Each pair is stored both ways, so that each question's page lists its matches; the
        # list shows it once.
        return super().get_queryset(request).filter(question_id__lt=models.F("other_id"))

    @admin.display(description=gettext_lazy("similarity"), ordering="score")
    def similarity(self, obj):
        return f"{obj.score:.2f}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
