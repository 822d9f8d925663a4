"""The question change form's parts: forms that keep stored text's line ends, and the key point
and open report inlines."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.forms import BaseInlineFormSet, CharField, HiddenInput, ModelForm, Textarea
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from questions.bank import answers, versions
from questions.bank.models import KeyPoint, Question, QuestionReport, ReportStatus


class UnixNewlines:
    """Browsers send textareas with CRLF line ends; stored text (and imports) use LF, so an
    untouched answer saved in the admin would otherwise differ from the file it came from."""

    text_fields = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.text_fields:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned


class QuestionForm(UnixNewlines, ModelForm):
    """The question's change form. It carries the version the editor opened: saving over a
    newer one (an import, another editor) is refused with a message, and the editor's edits
    stay in the form to be made again on the current version."""

    text_fields = ("prompt", "answer", "answer_closing", "explanation")

    opened_version = CharField(widget=HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        opened = cleaned.get("opened_version")
        if self.instance.pk and opened and opened != self.instance.updated_at.isoformat():
            raise ValidationError(
                _(
                    "This question was changed (by an import or another editor) after you "
                    "opened it, so nothing was saved. Open it again to see the current version, "
                    "then make your edits there."
                ),
                code="stale",
            )
        return cleaned

    def changed_model_fields(self):
        """The question's own columns this form changes (tags are saved with the inlines)."""
        columns = {field.name for field in Question._meta.concrete_fields}
        return [name for name in self.changed_data if name in columns]


class KeyPointForm(UnixNewlines, ModelForm):
    text_fields = ("detail", "phrasings")


# --- Key points ---------------------------------------------------------------------------------


class KeyPointFormSet(BaseInlineFormSet):
    """Key points whose positions can be swapped, moved and renumbered in one save.

    The formset already refuses two points in one position; the database would still refuse
    the intermediate states of a swap, so moving rows are parked before anything is saved.
    """

    def save(self, commit=True):
        if commit:
            # (question, position) is unique in the database while the rows are saved one by
            # one: park every row that moves or goes before any is written.
            parked = [
                form.instance.pk
                for form in self.initial_forms
                if form.instance.pk
                and (
                    (self.can_delete and self._should_delete_form(form))
                    or "position" in form.changed_data
                )
            ]
            KeyPoint.objects.filter(pk__in=parked).update(
                position=F("position") + versions.PARKING_OFFSET
            )
        return super().save(commit)

    def clean(self):
        """A reference answer that lists its key points must read back as the same points:
        otherwise the markdown export would import as other key points."""
        super().clean()
        question = self.instance
        if not question.compose_key_points or any(form.errors for form in self.forms):
            return
        kept = [
            form.cleaned_data
            for form in self.forms  # extra forms left empty have no cleaned data
            if "position" in form.cleaned_data
            and not (self.can_delete and self._should_delete_form(form))
        ]
        kept.sort(key=lambda data: data["position"])
        points = [(data.get("label", ""), data.get("detail", "")) for data in kept]
        if not answers.reads_back(
            question.answer, points, question.answer_closing, question.language
        ):
            raise ValidationError(
                _(
                    "Learners would read other key points than these: with the key points "
                    "listed in the answer, the answer and its closing may not hold numbered "
                    "items of their own, and a key point's detail may not hold a blank line "
                    "or a code block."
                )
            )


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    form = KeyPointForm
    formset = KeyPointFormSet
    fields = ["position", "label", "detail", "phrasings"]
    ordering = ["position"]
    extra = 1
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2})}}


class OpenReportInline(admin.TabularInline):
    model = QuestionReport
    verbose_name = gettext_lazy("open problem report")
    verbose_name_plural = gettext_lazy("open problem reports")
    fields = ["kind", "comment", "user", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=ReportStatus.OPEN).select_related("user")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
