"""Markdown to safe HTML for questions, answers, explanations and notes."""

from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# nh3's defaults already drop <script>, on* attributes and javascript: URLs. Links written by
# editors or users must not pass the referrer or get a handle on the opener.
_CLEAN_OPTIONS = {"link_rel": "noopener noreferrer nofollow"}


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    """Render and sanitize; cached per process, so a bank text is converted once, not per view."""
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return mark_safe(nh3.clean(html, **_CLEAN_OPTIONS))  # noqa: S308 - sanitized just above
