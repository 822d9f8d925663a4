from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from questions.accounts import ratelimit
from questions.accounts.forms import SignupForm, StudyProfileForm
from questions.study.models import ReviewCard, profile_for
from questions.study.schedule_views import schedule_panel


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else fallback


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("questions:practice")
    # Every signup POST counts, valid or not: a script creating accounts is slowed either way.
    if request.method == "POST" and not ratelimit.hit(
        "signup", ratelimit.client_ip(request), settings.SIGNUP_RATE_LIMIT, period=3600
    ):
        message = _("Too many signups from your network in the last hour. Try again later.")
        return render(request, "429.html", {"message": message}, status=429)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="questions.accounts.auth.ProfileBackend")
        messages.success(
            request,
            _("Welcome, %(name)s! Your first questions are ready.") % {"name": user.get_username()},
        )
        return redirect(_safe_next(request, "questions:practice"))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def study_settings(request):
    profile = profile_for(request.user)
    form = StudyProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your settings are saved."))
            return redirect("study_settings")
        # Validation copied the rejected values onto the profile; the bound form keeps them
        # for display, the schedule panel below must see the saved ones.
        profile.refresh_from_db()
    suspended = (
        ReviewCard.objects.filter(user=request.user, suspended=True)
        .select_related("question")
        .order_by("question__title")
    )
    context = {"form": form, "suspended": suspended, **schedule_panel(profile, timezone.now())}
    return render(request, "registration/settings.html", context)
