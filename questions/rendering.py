"""HTML written in Python: markdown to safe HTML for questions, answers, explanations and
notes, and the options of a filter's select."""

from functools import lru_cache

import markdown
import nh3
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

# nh3's defaults already drop <script>, on* attributes and javascript: URLs. Links written by
# editors or users must not pass the referrer or get a handle on the opener.
_CLEAN_OPTIONS = {"link_rel": "noopener noreferrer nofollow"}


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Render and sanitize; cached per process, so a bank text is converted once, not per view."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, **_CLEAN_OPTIONS))  # noqa: S308 - sanitized just above


def select_options(field) -> SafeString:
    """The <option> elements of a bound choice field, the one its data names selected: one
    format_html_join, not a template tag per option (the filter bars of the question list and
    the history). Choices are iterated once: a ModelChoiceField's would COUNT for a len()."""
    chosen = "" if field.data is None else str(field.data)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in iter(field.field.choices)
        ),
    )
