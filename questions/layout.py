"""The languages the base layout's footer offers, with their own names: worked out once per
process, not with a language lookup per page (its links and static files are in
`{% constant %}` blocks, questions/templatetags/constant.py); tests/test_layout.py renders the
footer both ways and compares them byte for byte.
"""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language_info


@cache
def _languages():
    return [
        {"code": code, "name_local": get_language_info(code)["name_local"]}
        for code, _name in settings.LANGUAGES
    ]


def layout(request):
    """Context processor: `layout.languages`, the languages to switch to."""
    return {"layout": {"languages": _languages()}}


@receiver(setting_changed)
def _forget(setting, **kwargs):
    if setting == "LANGUAGES":
        _languages.cache_clear()
