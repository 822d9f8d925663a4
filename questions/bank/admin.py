"""The editors' workspace: the bank (questions, key points, topics, tags), problem reports,
near-duplicates, and read-only views of what users did.

Editors (the group made by migration 0004) manage the bank and resolve reports; attempts and
review cards are users' data, editable by superusers only.
"""

from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from questions.bank import admin_views, edits, estimate_views, similarity, versions
from questions.bank.admin_actions import QuestionActions
from questions.bank.admin_forms import KeyPointInline, OpenReportInline, QuestionForm
from questions.bank.models import Question, SimilarQuestion, Tag, Topic
from questions.bank.quality import question_quality, with_admin_stats
from questions.validation import BoundedSearchAdmin, id_or_404

# --- Questions ----------------------------------------------------------------------------------


class NearDuplicateFilter(admin.SimpleListFilter):
    title = gettext_lazy("near-duplicates")
    parameter_name = "near_duplicates"

    def lookups(self, request, model_admin):
        return [("yes", _("Has near-duplicates")), ("no", _("No near-duplicates"))]

    def queryset(self, request, queryset):
        has_one = Exists(
            SimilarQuestion.objects.filter(
                question=OuterRef("pk"), score__gte=similarity.NEAR_DUPLICATE_THRESHOLD
            )
        )
        if self.value() == "yes":
            return queryset.filter(has_one)
        if self.value() == "no":
            return queryset.filter(~has_one)
        return queryset


@admin.register(Question)
class QuestionAdmin(QuestionActions, BoundedSearchAdmin, SimpleHistoryAdmin):
    form = QuestionForm
    list_display = [
        "title",
        "topic",
        "difficulty",
        "is_published",
        "key_point_count",
        "attempt_count",
        "average_rating",
        "again_rate",
        "average_coverage",
        "open_report_count",
    ]
    list_filter = [
        "topic",
        "tags",
        "difficulty",
        "is_published",
        "language",
        "compose_key_points",
        NearDuplicateFilter,
    ]
    list_select_related = ["topic"]
    list_per_page = 50
    search_fields = ["title", "prompt", "answer", "answer_closing"]
    autocomplete_fields = ["tags"]
    inlines = [KeyPointInline, OpenReportInline]
    readonly_fields = ["preview", "quality", "similar_questions", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "topic",
                    "title",
                    "prompt",
                    "answer",
                    "compose_key_points",
                    "answer_closing",
                    "explanation",
                    "opened_version",
                ]
            },
        ),
        (
            gettext_lazy("Classification"),
            {
                "fields": [
                    "difficulty",
                    "language",
                    "tags",
                    "suggested_answer_seconds",
                    "is_published",
                ]
            },
        ),
        (
            gettext_lazy("Identity"),
            {"fields": ["external_key", "source", "position", "created_at", "updated_at"]},
        ),
        (gettext_lazy("Preview as users see it"), {"fields": ["preview"]}),
        (gettext_lazy("How users fare"), {"fields": ["quality"]}),
        (gettext_lazy("Similar questions"), {"fields": ["similar_questions"]}),
    ]
    actions = [
        "publish",
        "unpublish",
        "duplicate",
        "export_json",
        "export_markdown",
        "export_csv",
        "export_anki",
    ]
    object_history_template = "admin/questions/question/object_history.html"
    object_history_list_template = "admin/questions/question/object_history_list.html"
    object_history_form_template = "admin/questions/question/object_history_form.html"

    def get_queryset(self, request):
        return with_admin_stats(super().get_queryset(request))

    def get_changeform_initial_data(self, request):
        # A new question lists its key points in its answer: one text to edit, not two.
        return {"compose_key_points": True, **super().get_changeform_initial_data(request)}

    def get_urls(self):
        site = self.admin_site
        return [
            path(
                "import/",
                site.admin_view(self.import_view),
                name="questions_question_import",
            ),
            path(
                "export/",
                site.admin_view(self.export_view),
                name="questions_question_export",
            ),
            path(
                "import/<uuid:job_id>/",
                site.admin_view(self.import_job_view),
                name="questions_question_import_job",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/restore/",
                site.admin_view(self.restore_view),
                name="questions_question_restore",
            ),
            path(
                "<int:object_id>/estimate/",
                site.admin_view(self.estimate_view),
                name="questions_question_estimate",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return admin_views.import_view(request, self)

    def export_view(self, request):
        return admin_views.export_view(request, self)

    def import_job_view(self, request, job_id):
        return admin_views.import_job_view(request, self, job_id)

    def restore_view(self, request, object_id, history_id):
        return admin_views.restore_view(request, self, object_id, history_id)

    def estimate_view(self, request, object_id):
        return estimate_views.estimate_view(request, self, object_id)

    # The history page offers restoring a version, key points included, instead of
    # simple_history's revert, which would bring back the question's fields alone.
    def revert_disabled(self, request, obj=None):
        return True

    def history_view(self, request, object_id, extra_context=None):
        id_or_404(object_id)  # simple_history queries it as a number: ValueError otherwise
        extra_context = {
            **(extra_context or {}),
            "can_restore": self.has_change_permission(request),
        }
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        object_id, version_id = id_or_404(object_id), id_or_404(version_id)
        version = Question.history.filter(id=object_id, history_id=version_id).first()
        if version is not None:
            extra_context = {
                **(extra_context or {}),
                "version": version,
                "version_key_points": versions.key_points_of_version(version),
                "can_restore": self.has_change_permission(request),
            }
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        versions.sync_history([obj.pk])
        # Only the fields the editor changed are written; the others are read back as they
        # are now, so that the edit history records the question as stored and a write that
        # committed since the form was checked (an import) is kept.
        changed = form.changed_model_fields()
        current = Question.objects.get(pk=obj.pk)
        for field in Question._meta.concrete_fields:
            if field.name not in changed:
                setattr(obj, field.attname, getattr(current, field.attname))
        obj._history_user = request.user  # as SimpleHistoryAdmin.save_model does
        obj.save(update_fields=[*changed, "updated_at"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The inline's key points are saved one by one; the question's derived data follows
        # them once (save() has scheduled the near-duplicates already).
        edits.questions_changed([form.instance.pk])

    # --- Columns ---

    @admin.display(description=gettext_lazy("key points"), ordering="key_point_count")
    def key_point_count(self, obj):
        return obj.key_point_count

    @admin.display(description=gettext_lazy("attempts"), ordering="attempt_count")
    def attempt_count(self, obj):
        return obj.attempt_count

    @admin.display(description=gettext_lazy("average rating"), ordering="average_rating")
    def average_rating(self, obj):
        return "—" if obj.average_rating is None else f"{obj.average_rating:.1f}"

    @admin.display(description=gettext_lazy("Again rate"), ordering="again_rate")
    def again_rate(self, obj):
        return "—" if obj.again_rate is None else f"{obj.again_rate:.0%}"

    @admin.display(description=gettext_lazy("average coverage"), ordering="average_coverage")
    def average_coverage(self, obj):
        return "—" if obj.average_coverage is None else f"{obj.average_coverage:.0%}"

    @admin.display(description=gettext_lazy("open reports"), ordering="open_report_count")
    def open_report_count(self, obj):
        return obj.open_report_count

    # --- Change page ---

    @admin.display(description=gettext_lazy("Preview"))
    def preview(self, obj):
        if obj.pk is None:
            return _("Save the question to preview it.")
        return render_to_string("admin/questions/question/_preview.html", {"question": obj})

    @admin.display(description=gettext_lazy("Quality signals"))
    def quality(self, obj):
        if obj.pk is None:
            return "—"
        context = {"stats": question_quality(obj), "question": obj}
        return render_to_string("admin/questions/question/_quality.html", context)

    @admin.display(description=gettext_lazy("Most similar questions"))
    def similar_questions(self, obj):
        if obj.pk is None:
            return "—"
        matches = (
            SimilarQuestion.objects.filter(question=obj)
            .select_related("other")
            .order_by("-score", "other_id")[: similarity.TOP_N]
        )
        context = {"matches": matches, "threshold": similarity.NEAR_DUPLICATE_THRESHOLD}
        return render_to_string("admin/questions/question/_similar.html", context)


# --- Topics and tags ----------------------------------------------------------------------------


@admin.register(Topic)
class TopicAdmin(BoundedSearchAdmin, admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "position",
        "suggested_answer_seconds",
        "question_count",
        "published_count",
    ]
    list_editable = ["position", "suggested_answer_seconds"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                question_count=Count("questions"),
                published_count=Count("questions", filter=Q(questions__is_published=True)),
            )
            .order_by("position", "name")  # GROUP BY queries drop Meta.ordering
        )

    @admin.display(description=gettext_lazy("questions"), ordering="question_count")
    def question_count(self, obj):
        return obj.question_count

    @admin.display(description=gettext_lazy("published"), ordering="published_count")
    def published_count(self, obj):
        return obj.published_count


@admin.register(Tag)
class TagAdmin(BoundedSearchAdmin, admin.ModelAdmin):
    list_display = ["name", "question_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # GROUP BY queries drop Meta.ordering: the autocomplete pages need one.
        queryset = super().get_queryset(request).annotate(question_count=Count("questions"))
        return queryset.order_by("name")

    @admin.display(description=gettext_lazy("questions"), ordering="question_count")
    def question_count(self, obj):
        return obj.question_count
