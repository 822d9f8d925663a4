from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from questions.bank.models import Topic
from questions.rendering import select_options
from questions.study.models import AttemptMode, Rating

# Far enough apart for any real history, near enough that a day after the end still exists.
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(9000, 12, 31)


class DateInput(forms.DateInput):
    input_type = "date"


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput,
        validators=[MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)],
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")},
    )


# The filters shown as selects, in the order of the page.
SELECTS = ("topic", "rating", "mode")


class HistoryFilterForm(forms.Form):
    """The filters of /history/. Invalid values are reported and ignored, valid ones applied."""

    q = forms.CharField(label=_("Search answers"), required=False, max_length=200)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
        label=_("Topic"),
        error_messages={"invalid_choice": _("There is no such topic.")},
    )
    rating = forms.TypedChoiceField(
        label=_("Grade"),
        choices=[("", _("Any grade")), *Rating.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("A grade is 1 (Again) to 4 (Easy).")},
    )
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=[("", _("Any mode")), *AttemptMode.choices],
        required=False,
        error_messages={"invalid_choice": _("There is no such mode.")},
    )
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    @property
    def select_fields(self):
        """(bound field, its <option> elements) of each select (rendering.select_options)."""
        return [(self[name], select_options(self[name])) for name in SELECTS]

    @property
    def date_fields(self):
        return [self["date_from"], self["date_to"]]

    def applied(self):
        """The valid, non-empty filters (call after is_valid())."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
