"""The question list's actions: publish, unpublish, duplicate and export the selected questions."""

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from questions.bank import admin_views, versions
from questions.bank.duplication import duplicate_question
from questions.bank.models import Question


class QuestionActions:
    """Mixed into QuestionAdmin, which lists these names in its actions."""

    @admin.action(description=gettext_lazy("Publish selected questions"), permissions=["change"])
    def publish(self, request, queryset):
        self._set_published(request, queryset, True)

    @admin.action(description=gettext_lazy("Unpublish selected questions"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._set_published(request, queryset, False)

    def _set_published(self, request, queryset, published):
        with transaction.atomic():
            ids = list(queryset.exclude(is_published=published).values_list("pk", flat=True))
            versions.sync_history(ids)
            Question.objects.filter(pk__in=ids).update(
                is_published=published, updated_at=timezone.now()
            )
            reason = _("Published") if published else _("Unpublished")
            versions.sync_history(ids, reason=reason, user=request.user)
        if published:
            message = ngettext(
                "%(count)d question was published.", "%(count)d questions were published.", len(ids)
            )
        else:
            message = ngettext(
                "%(count)d question was unpublished.",
                "%(count)d questions were unpublished.",
                len(ids),
            )
        self.message_user(request, message % {"count": len(ids)}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Duplicate selected questions"), permissions=["add"])
    def duplicate(self, request, queryset):
        originals = (
            Question.objects.filter(pk__in=queryset.values("pk"))
            .prefetch_related("tags", "key_points")
            .order_by("pk")
        )
        copies = []
        with transaction.atomic():
            for original in originals:
                copies.append(duplicate_question(original, request.user))
        count = len(copies)
        self.message_user(
            request,
            ngettext(
                "%(count)d copy was made, unpublished, with a new external key.",
                "%(count)d copies were made, unpublished, with new external keys.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("Export selected as JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        return admin_views.export_response(admin_views.questions_for_export(queryset), "json")

    @admin.action(description=gettext_lazy("Export selected as markdown"), permissions=["view"])
    def export_markdown(self, request, queryset):
        return admin_views.export_response(admin_views.questions_for_export(queryset), "markdown")

    @admin.action(description=gettext_lazy("Export selected as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        return admin_views.export_response(admin_views.questions_for_export(queryset), "csv")

    @admin.action(description=gettext_lazy("Export selected as an Anki deck"), permissions=["view"])
    def export_anki(self, request, queryset):
        return admin_views.export_response(admin_views.questions_for_export(queryset), "anki")
