from datetime import timedelta

from django import template

from questions.durations import format_clock
from questions.rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def clock(value):
    """A length as m:ss (questions/durations.format_clock), from a timedelta or seconds."""
    if isinstance(value, int | float):
        value = timedelta(seconds=value)
    return format_clock(value)
