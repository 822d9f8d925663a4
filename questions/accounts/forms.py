import zoneinfo

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questions.study.models import StudyProfile


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        help_text=_("Only used to reset a forgotten password."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


def time_zone_choices():
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


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
            "desired_retention": forms.NumberInput(attrs={"step": "0.01"}),
            "interview_date": forms.DateInput(attrs={"type": "date"}),
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
