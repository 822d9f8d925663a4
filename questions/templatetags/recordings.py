from django import template

from questions.durations import format_clock
from questions.study import recordings

register = template.Library()


@register.simple_tag
def recording_limits():
    """The recorder's hard limits (settings), for its data attributes and its help text."""
    return {
        "seconds": int(recordings.max_duration().total_seconds()),
        "bytes": recordings.max_bytes(),
        "clock": format_clock(recordings.max_duration()),
    }
