"""How the app writes a span of time. Two kinds, one formatter each, used by every page:

- an interval, the wait until a question comes back ("10m", "8d"), on the grade buttons, in
  the confirmation after a grade and wherever a next review is announced;
- a clock, the length of something timed ("2:05"): time spent on an answer, time left and
  time taken in a mock interview (static/js/mock.js counts down in the same form).
"""

from datetime import timedelta

from django.utils.translation import gettext as _


def format_interval(delta: timedelta) -> str:
    """Rounded to its largest unit: minutes, hours, days, months, years."""
    minutes = max(delta.total_seconds(), 0) / 60
    if minutes < 1:
        return _("<1m")
    if minutes < 60:
        return _("%(n)dm") % {"n": round(minutes)}
    hours = minutes / 60
    if hours < 24:
        return _("%(n)dh") % {"n": round(hours)}
    days = hours / 24
    if days < 30:
        return _("%(n)dd") % {"n": round(days)}
    if days < 365:
        return _("%(n)dmo") % {"n": round(days / 30)}
    return _("%(n).1fy") % {"n": days / 365}


def format_clock(delta: timedelta | None) -> str:
    """m:ss, or h:mm:ss from an hour; a dash when nothing was timed."""
    if delta is None:
        return "—"
    seconds = max(int(delta.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
