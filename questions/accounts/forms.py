import datetime
import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.study.models import StudyProfile, profile_for


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Only used to reset a forgotten password."),
    )
    # Filled in by static/js/app.js from the browser's own setting (Intl), so that days and
    # streaks start at the user's midnight from the first answer. Empty or unknown: UTC.
    time_zone = forms.CharField(
        required=False, widget=forms.HiddenInput(attrs={"data-browser-time-zone": ""})
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
        widgets = {"username": forms.TextInput(attrs={"autocomplete": "username"})}

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        return value if value in zoneinfo.available_timezones() else ""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and self.cleaned_data["time_zone"]:
            profile = profile_for(user)
            profile.time_zone = self.cleaned_data["time_zone"]
            profile.save(update_fields=["time_zone"])
        return user


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class IsoDateInput(forms.DateInput):
    """<input type="date">, which takes ISO dates only, whatever the language: zh-hans's own
    format (2026/12/12) would show as an empty box and be saved as no date. A rejected value is
    not written back into it (its error says what was wrong)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        if isinstance(value, str):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                return None
            return value
        return super().format_value(value)


class PlainNumberInput(forms.NumberInput):
    """<input type="number"> never shows a value it cannot hold (a rejected "many")."""

    def format_value(self, value):
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return None
        return super().format_value(value)


class StudyProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = StudyProfile
        fields = (
            "time_zone",
            "new_per_day",
            "reviews_per_day",
            "desired_retention",
            "leech_threshold",
            "interview_date",
        )
        widgets = {
            "new_per_day": PlainNumberInput,
            "reviews_per_day": PlainNumberInput,
            "desired_retention": PlainNumberInput(attrs={"step": "0.01"}),
            "leech_threshold": PlainNumberInput,
            "interview_date": IsoDateInput,
        }
        help_texts = {
            "time_zone": _("Days, streaks and daily limits start at midnight here."),
            "new_per_day": _("How many questions you have not seen before to add each day."),
            "desired_retention": _("Between 0.70 and 0.99. Higher means more frequent reviews."),
        }

    def clean_interview_date(self):
        date = self.cleaned_data["interview_date"]
        if date is not None and self.has_changed() and "interview_date" in self.changed_data:
            today = (
                timezone.now()
                .astimezone(zoneinfo.ZoneInfo(self.cleaned_data.get("time_zone", "UTC")))
                .date()
            )
            if date < today:
                raise forms.ValidationError(_("The interview date cannot be in the past."))
        return date
