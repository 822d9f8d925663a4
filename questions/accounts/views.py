from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from questions.accounts import throttles
from questions.accounts.forms import SignupForm, StudyProfileForm
from questions.shortcuts import redirect_to_next
from questions.study.models import ReviewCard, profile_for
from questions.study.schedule_views import schedule_panel


def _create_user(form):
    """The new user, or None when another signup took the name between the form's check and
    this insert (the form then says the name is taken, as it would have a moment later)."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error("username", form.instance.unique_error_message(User, ["username"]))
        return None


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("questions:practice")
    if request.method == "POST" and (refused := throttles.signup_limited(request)):
        return refused
    form = SignupForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    user = _create_user(form) if request.method == "POST" and form.is_valid() else None
    if user is not None:
        login(request, user, backend="questions.accounts.auth.ProfileBackend")
        messages.success(
            request,
            _("Welcome, %(name)s! Your first questions are ready.") % {"name": user.get_username()},
        )
        return redirect_to_next(request, "questions:practice")
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


class LoginView(auth_views.LoginView):
    """Django's login page; once a password was wrong, it says how many tries are left before
    django-axes blocks the name from this network, and how long for."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        limit = settings.AXES_FAILURE_LIMIT
        context.update(
            failure_limit=limit,
            lockout_minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        )
        form = context["form"]
        # A name the form refused (empty, a NUL character) was never tried: nothing to count.
        username = form.cleaned_data.get("username") if form.is_bound else None
        if form.errors and username:
            failures = AxesProxyHandler.get_failures(self.request, {"username": username})
            context["tries_left"] = max(limit - failures, 0)
        return context
