"""The question admin's own pages: import with a preview, export, and restoring a version.

Each view takes the QuestionAdmin it belongs to (for the admin's context and permissions);
QuestionAdmin.get_urls() wires them in under /admin/questions/question/.

The uploaded file waits in an ImportJob between the preview and the confirmation (the
confirmation form sends back its id and the plan's fingerprint); confirming applies it at once,
or queues it for a worker when the file is large, and only if the plan is still the one
previewed, so what is written is always what the editor saw (questions/bank/import_jobs.py).
"""

from datetime import timedelta
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from questions.bank import anki, exporting, importing
from questions.bank.csv_format import to_csv
from questions.bank.diffs import describe_changes
from questions.bank.import_jobs import (
    StalePreview,
    apply_confirmed,
    parse_upload,
    plan_fingerprint,
    queue_import,
)
from questions.bank.models import ImportJob, Question, Topic
from questions.bank.versions import (
    RestoreError,
    key_points_of_version,
    restore_version,
    version_changes,
)

# The preview lists this many questions of each kind; the counts cover them all.
PREVIEW_ROWS = 500
# A preview nobody confirmed is deleted (with its file) when another upload comes this much later.
PREVIEW_LIFETIME = timedelta(days=1)


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


@require_safe
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Markdown in the seed document's format (.md), JSON written by an export (.json) "
            "or CSV with one row per question (.csv). At most %(size)s MB; a file of more "
            "than %(threshold)s questions is imported by a background worker."
        ) % {"size": settings.IMPORT_MAX_UPLOAD_MB, "threshold": settings.IMPORT_QUEUE_THRESHOLD}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.") % {"size": settings.IMPORT_MAX_UPLOAD_MB}
            )
        return upload

    def import_options(self):
        topic = self.cleaned_data["topic"]
        return {
            "source": self.cleaned_data["source"].strip() or None,
            "topic": topic.name if topic else None,
            "topic_slug": topic.slug if topic else None,
        }


@require_http_methods(["GET", "HEAD", "POST"])
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

    if request.method == "POST" and "preview_again" in request.POST:
        job = _pending_job(request, ImportJob.Status.STALE)
        if job is None:
            return _expired(request)
        return _preview(request, context, job, job.file_data())

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        ImportJob.objects.filter(
            status=ImportJob.Status.PREVIEWED,
            created_at__lt=timezone.now() - PREVIEW_LIFETIME,
        ).delete()
        job = ImportJob(
            file_name=PurePath(upload.name).name,
            options=form.import_options(),
            created_by=request.user,
            question_count=0,
            language=translation.get_language() or "",
        )
        return _preview(request, context, job, upload.read())
    context["form"] = form
    return TemplateResponse(request, "admin/questions/question/import.html", context)


def _pending_job(request, *statuses):
    """The editor's own import named by the form, if it is in one of these statuses
    (by default: previewed, not confirmed yet)."""
    statuses = statuses or [ImportJob.Status.PREVIEWED]
    try:
        return ImportJob.objects.get(
            pk=request.POST.get("token", ""), created_by=request.user, status__in=statuses
        )
    except (ImportJob.DoesNotExist, ValidationError):
        return None


def _expired(request):
    messages.error(request, _("That import preview has expired. Upload the file again."))
    return redirect("admin:questions_question_import")


def _preview(request, context, job, data, notice=None):
    """Parse and plan without writing, keep the file with the job, and show what confirming
    would do."""
    context.update(file_name=job.file_name, notice=notice)
    try:
        parsed = parse_upload(job.file_name, data, job.options)
        plan = importing.plan_import(parsed)
    except importing.ImportFileError as error:
        if not job._state.adding:  # a stale job previewed again: its file is gone for good
            job.delete()
        context["errors"] = [
            {"line": line, "message": message} for _path, line, message in error.errors
        ]
        context["form"] = ImportForm()
        return TemplateResponse(request, "admin/questions/question/import.html", context)
    job.fingerprint = plan_fingerprint(plan)
    job.question_count = len(plan.items)
    job.status = ImportJob.Status.PREVIEWED
    adding = job._state.adding
    job.save()
    if adding:
        job.keep_file(data)
    created = [item for item in plan.items if item.action == importing.CREATE]
    updated = [item for item in plan.items if item.action == importing.UPDATE]
    unchanged = [item for item in plan.items if item.action == importing.UNCHANGED]
    context.update(
        plan=plan,
        counts=plan.counts,
        created=created[:PREVIEW_ROWS],
        updated=[
            {"item": item, "changes": describe_changes(item.changes)}
            for item in updated[:PREVIEW_ROWS]
        ],
        unchanged=unchanged[:PREVIEW_ROWS],
        not_shown={
            "created": max(0, len(created) - PREVIEW_ROWS),
            "updated": max(0, len(updated) - PREVIEW_ROWS),
            "unchanged": max(0, len(unchanged) - PREVIEW_ROWS),
        },
        queued=job.question_count > settings.IMPORT_QUEUE_THRESHOLD,
        token=job.pk,
        fingerprint=job.fingerprint,
    )
    return TemplateResponse(request, "admin/questions/question/import_preview.html", context)


class _AlreadyConfirmed(Exception):
    pass


def _confirm_import(request, model_admin, context):
    job = _pending_job(request)
    if job is None:
        return _already_confirmed(request) or _expired(request)
    if request.POST.get("fingerprint") != job.fingerprint:
        notice = _("The bank changed since the preview. Check the new preview and confirm again.")
        return _preview(request, context, job, job.file_data(), notice=notice)
    queued = job.question_count > settings.IMPORT_QUEUE_THRESHOLD
    try:
        with transaction.atomic():
            # A second confirm of this preview (a double click, another tab) waits here for
            # the first to commit, then finds the job no longer previewed.
            claimed = ImportJob.objects.select_for_update().filter(
                pk=job.pk, status=ImportJob.Status.PREVIEWED
            )
            if not claimed.exists():
                raise _AlreadyConfirmed
            if queued:
                queue_import(job)
            else:
                counts = apply_confirmed(
                    job.file_name, job.file_data(), job.options, job.fingerprint, request.user
                )
                job.finish(ImportJob.Status.DONE, counts=counts)
    except _AlreadyConfirmed:
        return _already_confirmed(request)
    except (StalePreview, importing.ImportFileError):
        notice = _("The bank changed since the preview. Check the new preview and confirm again.")
        return _preview(request, context, job, job.file_data(), notice=notice)
    if queued:
        return redirect("admin:questions_question_import_job", job.pk)
    messages.success(
        request,
        _("Imported %(name)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {"name": job.file_name, **counts},
    )
    return redirect("admin:questions_question_changelist")


def _already_confirmed(request):
    """To the import's page when the editor's preview was confirmed already, else None."""
    done = [status for status in ImportJob.Status if status != ImportJob.Status.PREVIEWED]
    job = _pending_job(request, *done)
    if job is None:
        return None
    messages.info(request, _("This import was already confirmed: it is applied once, not again."))
    return redirect("admin:questions_question_import_job", job.pk)


@require_http_methods(["GET", "HEAD"])
def import_job_view(request, model_admin, job_id):
    """An import's outcome; while a worker has it, the page reloads itself every few seconds."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    job = get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import of %(name)s") % {"name": job.file_name},
        "job": job,
        "refresh_seconds": None if job.is_finished else 3,
        "can_preview_again": job.status == ImportJob.Status.STALE
        and job.created_by_id == request.user.pk,
    }
    return TemplateResponse(request, "admin/questions/question/import_job.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
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
        "changes": describe_changes(version_changes(question, version)),
    }
    return TemplateResponse(request, "admin/questions/question/restore.html", context)
