from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from questions.bank.models import QuestionReport
from questions.study.models import ATTEMPT_MAX_LENGTH, Rating


class ReportForm(forms.ModelForm):
    class Meta:
        model = QuestionReport
        fields = ("kind", "comment")
        widgets = {"kind": forms.RadioSelect, "comment": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": _("What is wrong?"), "comment": _("Comment (optional)")}


class AttemptForm(forms.Form):
    """What the practice screen posts on reveal; grading posts it again with the checklist."""

    token = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        strip=False,
        max_length=ATTEMPT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )


class RatingForm(forms.Form):
    """A grade and the key points ticked (their positions): what the mock report posts for each
    answer, and practice with the answer itself (GradeForm)."""

    rating = forms.TypedChoiceField(choices=Rating.choices, coerce=int)
    ticked = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, positions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticked"].choices = [(p, p) for p in positions]


class GradeForm(RatingForm, AttemptForm):
    """What grading posts on the practice screen."""


class RetentionChoiceForm(forms.Form):
    """One row of the retention table chosen in Settings (the profile's own bounds)."""

    retention = forms.DecimalField(
        min_value=Decimal("0.70"), max_value=Decimal("0.99"), max_digits=3, decimal_places=2
    )

    def clean_retention(self):
        return float(self.cleaned_data["retention"])
