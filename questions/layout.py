"""What the base layout shows on every page and is the same on every request: its links, its
static files and the languages to switch to. Worked out once per process (for each script
prefix), not with a `{% url %}`, `{% static %}` or language lookup per page;
tests/test_layout.py renders the layout both ways and compares them byte for byte.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language_info

# The layout's links, by URL name; `layout.<key>` in base.html.
_LINKS = {
    "home": "questions:home",
    "list": "questions:list",
    "practice": "questions:practice",
    "mock_list": "questions:mock_list",
    "history": "questions:history",
    "stats": "questions:stats",
    "settings": "study_settings",
    "logout": "logout",
    "login": "login",
    "signup": "signup",
    "set_language": "set_language",
}
_STATIC = {"app_css": "css/app.css", "app_js": "js/app.js", "recorder_js": "js/recorder.js"}

_by_prefix = {}


def _constants():
    prefix = get_script_prefix()
    if prefix not in _by_prefix:
        constants = {key: reverse(name) for key, name in _LINKS.items()}
        constants |= {key: static(path) for key, path in _STATIC.items()}
        constants["languages"] = [
            {"code": code, "name_local": get_language_info(code)["name_local"]}
            for code, _name in settings.LANGUAGES
        ]
        _by_prefix[prefix] = constants
    return _by_prefix[prefix]


def layout(request):
    """Context processor: `layout`, the base layout's links, static files and languages."""
    return {"layout": _constants()}


@receiver(setting_changed)
def _forget(**kwargs):
    # Another STATIC_URL, storage or URLconf (tests override them): work the constants out again.
    _by_prefix.clear()
