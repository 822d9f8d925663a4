"""The rate limits of the account pages, and the 429 page that says when to try again.

Signup and account deletion are our views and call limited() themselves. Login, password change
and password reset are Django's views (the user's and the admin's): ThrottleMiddleware limits
them by URL name before they run. Every limit is a setting (README, "Configuration").
"""

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from questions.accounts import ratelimit

HOUR = 3600
LOGIN_VIEWS = {"login", "admin:login"}
PASSWORD_CHANGE_VIEWS = {"password_change", "admin:password_change"}
PASSWORD_RESET_VIEWS = {"password_reset"}


def too_many_requests(request, message, period=HOUR):
    """The 429 page: what was limited, and in how many minutes it lifts (also Retry-After)."""
    seconds = ratelimit.retry_after(period)
    minutes = max(1, round(seconds / 60))
    retry = ngettext(
        "Try again in %(minutes)d minute.", "Try again in %(minutes)d minutes.", minutes
    ) % {"minutes": minutes}
    response = render(request, "429.html", {"message": message, "retry": retry}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def signup_limited(request):
    """Every signup POST counts, valid or not: a script creating accounts is slowed either way."""
    address = ratelimit.client_ip(request)
    if ratelimit.hit("signup", address, settings.SIGNUP_RATE_LIMIT, HOUR):
        return None
    return too_many_requests(request, _("Too many signups from your network in the last hour."))


def password_check_limited(request):
    """Each try of the current password (changing it, deleting the account) counts, per user."""
    user_id = request.user.pk
    if ratelimit.hit("password-check", user_id, settings.PASSWORD_CHECK_RATE_LIMIT, HOUR):
        return None
    return too_many_requests(request, _("Too many tries of this account's password."))


def _login_limited(request):
    # Only failures count (below); a locked-out address may not even try.
    failures = ratelimit.count("login-address", ratelimit.client_ip(request), HOUR)
    if failures < settings.LOGIN_ADDRESS_RATE_LIMIT:
        return None
    return too_many_requests(request, _("Too many failed logins from your network."))


@receiver(user_login_failed)
def _count_login_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        ratelimit.count("login-address", ratelimit.client_ip(request), HOUR, add=1)


def _password_reset_limited(request):
    """Per client address, and per e-mail address asked for (whether an account has it or not,
    so that the answer says nothing about which addresses have accounts)."""
    email = request.POST.get("email", "").strip().casefold()[:254]
    by_address = ratelimit.hit(
        "reset-address",
        ratelimit.client_ip(request),
        settings.PASSWORD_RESET_ADDRESS_RATE_LIMIT,
        HOUR,
    )
    by_account = ratelimit.hit(
        "reset-account", email, settings.PASSWORD_RESET_ACCOUNT_RATE_LIMIT, HOUR
    )
    if by_address and by_account:
        return None
    return too_many_requests(request, _("Too many password-reset mails were asked for."))


class ThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None:
            return None
        if match.view_name in LOGIN_VIEWS:
            return _login_limited(request)
        if match.view_name in PASSWORD_CHANGE_VIEWS and request.user.is_authenticated:
            return password_check_limited(request)
        if match.view_name in PASSWORD_RESET_VIEWS:
            return _password_reset_limited(request)
        return None
