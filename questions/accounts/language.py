"""The interface language: the browser's Accept-Language, unless the user chose one.

A logged-in user's choice (the language switcher) is kept on their study profile, so it follows
them to every browser and device.
"""

from django.conf import settings
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from questions.study.models import profile_for


class UserLanguageMiddleware:
    """After authentication: activate the language saved on the user's profile, if any."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = profile_for(user).language
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


@require_POST
def set_language(request):
    """Django's set_language (cookie and redirect), and remember the choice for the user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        profile = profile_for(request.user)
        profile.language = language
        profile.save(update_fields=["language"])
    return response
