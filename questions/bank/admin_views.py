"""The question admin's own pages: import with a preview, export, and restoring a version.

Each view takes the QuestionAdmin it belongs to (for the admin's context and permissions);
QuestionAdmin.get_urls() wires them in under /admin/questions/question/.

The uploaded file waits in the session between the preview and the confirmation, under a
random token that the confirmation form sends back; confirming parses and plans again and
applies only if the plan is still the one previewed (a fingerprint of it travels with the
token), so what is written is always what the editor saw.
"""

import base64
import hashlib
import uuid
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from questions.bank import anki, edits, exporting, importing
from questions.bank.csv_format import is_csv, parse_csv, to_csv
from questions.bank.models import Question, Topic
from questions.bank.versions import (
    RestoreError,
    _version_changes,
    apply_with_history,
    describe_changes,
    key_points_of_version,
    restore_version,
)

SESSION_KEY = "questions_admin_import"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


# --- Exporting ----------------------------------------------------------------------------------

EXPORT_FORMATS = {
    "json": ("application/json; charset=utf-8", "json"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "anki": ("application/octet-stream", "apkg"),
}


def export_response(questions, format, name="questions"):
    """A download of the questions (topic, tags and key points loaded) in one format."""
    questions = list(questions)
    if format == "anki":
        content = anki.to_apkg(questions)
    elif format == "csv":
        content = to_csv(questions).encode()
    else:
        content = exporting.export(questions, format).encode()
    content_type, suffix = EXPORT_FORMATS[format]
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.now().strftime("%Y%m%d")
    # filename* for topic slugs in Chinese.
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}-{stamp}.{suffix}"
    )
    return response


def questions_for_export(queryset):
    """The questions of a queryset in bank order, with what every format writes loaded."""
    return (
        Question.objects.filter(pk__in=queryset.values("pk"))
        .in_bank_order()
        .select_related("topic")
        .prefetch_related("tags", "key_points")
    )


class ExportForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=gettext_lazy("All topics"),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("json", gettext_lazy("JSON (every field; import_questions reads it)")),
            ("markdown", gettext_lazy("Markdown (the seed document's format)")),
            ("csv", gettext_lazy("CSV (one row per question)")),
            ("anki", gettext_lazy("Anki deck (.apkg)")),
        ],
    )


@require_http_methods(["GET"])
def export_view(request, model_admin):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    form = ExportForm(request.GET if "format" in request.GET else None)
    if form.is_valid():
        topic = form.cleaned_data["topic"]
        questions = exporting.questions_to_export(topic)
        return export_response(
            questions, form.cleaned_data["format"], topic.slug if topic else "questions"
        )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Export questions"),
        "form": form,
    }
    return TemplateResponse(request, "admin/questions/question/export.html", context)


# --- Importing ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "Markdown in the seed document's format (.md), JSON written by an export (.json) "
            "or CSV with one row per question (.csv). At most 5 MB; use the import_questions "
            "command for larger banks."
        ),
    )
    topic = forms.ModelChoiceField(
        label=gettext_lazy("Topic"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=gettext_lazy("As the file says"),
        help_text=gettext_lazy("Put every question of the file in this topic."),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=100,
        help_text=gettext_lazy(
            "Source label and external key prefix; by default the file's name without its "
            "extension."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload

    def import_options(self):
        topic = self.cleaned_data["topic"]
        return {
            "source": self.cleaned_data["source"].strip() or None,
            "topic": topic.name if topic else None,
            "topic_slug": topic.slug if topic else None,
        }


def parse_upload(name, data, options):
    """Parsed questions of one uploaded file, whatever its format; raises ImportFileError."""
    if is_csv(name):
        return parse_csv(name, data, **options)
    return importing.parse_file(name, data, **options)


def plan_fingerprint(plan):
    """Changes when anything the preview showed would come out differently."""
    summary = [
        (item.action, item.parsed.external_key, sorted(item.changes.items())) for item in plan.items
    ]
    summary.append(sorted((topic.name, topic.slug) for topic in plan.new_topics))
    return hashlib.sha256(repr(summary).encode()).hexdigest()


@require_http_methods(["GET", "POST"])
def import_view(request, model_admin):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import questions"),
    }
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request, model_admin, context)

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        name = PurePath(upload.name).name
        pending = {
            "token": uuid.uuid4().hex,
            "name": name,
            "data": base64.b64encode(upload.read()).decode(),
            "options": form.import_options(),
        }
        return _preview(request, context, pending)
    context["form"] = form
    return TemplateResponse(request, "admin/questions/question/import.html", context)


def _preview(request, context, pending, notice=None):
    """Parse and plan without writing, and show what confirming would do."""
    data = base64.b64decode(pending["data"])
    context.update(file_name=pending["name"], notice=notice)
    try:
        parsed = parse_upload(pending["name"], data, pending["options"])
        plan = importing.plan_import(parsed)
    except importing.ImportFileError as error:
        request.session.pop(SESSION_KEY, None)
        context["errors"] = [
            {"line": line, "message": message} for _path, line, message in error.errors
        ]
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/questions/question/import.html", context)
    pending["fingerprint"] = plan_fingerprint(plan)
    request.session[SESSION_KEY] = pending
    context.update(
        plan=plan,
        counts=plan.counts,
        created=[item for item in plan.items if item.action == importing.CREATE],
        updated=[
            {"item": item, "changes": describe_changes(item.changes)}
            for item in plan.items
            if item.action == importing.UPDATE
        ],
        unchanged=[item for item in plan.items if item.action == importing.UNCHANGED],
        token=pending["token"],
        fingerprint=pending["fingerprint"],
    )
    return TemplateResponse(request, "admin/questions/question/import_preview.html", context)


def _confirm_import(request, model_admin, context):
    pending = request.session.get(SESSION_KEY)
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("That import preview has expired. Upload the file again."))
        return redirect("admin:questions_question_import")
    data = base64.b64decode(pending["data"])
    counts, similarity_updated = None, False
    try:
        with transaction.atomic(), edits.collected():
            # Planned again inside the transaction that writes: what is applied is the plan
            # for the database as it is now, and only if it is the one the editor saw.
            plan = importing.plan_import(parse_upload(pending["name"], data, pending["options"]))
            if plan_fingerprint(plan) == request.POST.get("fingerprint"):
                counts, similarity_updated = apply_with_history(plan, request.user, pending["name"])
    except importing.ImportFileError:
        pass  # the preview shows the errors
    if counts is None:
        notice = _("The bank changed since the preview. Check the new preview and confirm again.")
        return _preview(request, context, pending, notice=notice)
    del request.session[SESSION_KEY]
    messages.success(
        request,
        _("Imported %(name)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {"name": pending["name"], **counts},
    )
    if not similarity_updated:
        messages.warning(
            request,
            _(
                "Near-duplicates were not recomputed for so many questions: run "
                "“manage.py find_similar_questions” to update them."
            ),
        )
    return redirect("admin:questions_question_changelist")


@require_http_methods(["GET", "POST"])
def restore_view(request, model_admin, object_id, history_id):
    question = get_object_or_404(Question, pk=object_id)
    if not model_admin.has_change_permission(request, question):
        raise PermissionDenied
    version = get_object_or_404(Question.history, id=question.pk, history_id=history_id)
    history_url = reverse("admin:questions_question_history", args=[question.pk])
    if request.method == "POST":
        try:
            restore_version(question, version, request.user)
        except RestoreError as error:
            messages.error(request, str(error))
            return redirect(history_url)
        messages.success(request, _("The question and its key points were restored."))
        return redirect("admin:questions_question_change", question.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Restore a version of %(title)s") % {"title": question.title},
        "question": question,
        "version": version,
        "points": key_points_of_version(version),
        "history_url": history_url,
        "changes": describe_changes(_version_changes(question, version)),
    }
    return TemplateResponse(request, "admin/questions/question/restore.html", context)
