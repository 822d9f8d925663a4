"""The history page's results (its count, rows and pagination) and the filter bar above them,
kept per user in the default cache while nothing they show has changed.

Rendering the 25 rows and counting the user's attempts are most of the page's cost, and a
learner pages through the same history many times between two grades. The key holds
everything the results show or depend on:

- the user's change counter (questions/changes.py), which every write to their attempts,
  cards, recordings and notes moves on (a grade, an undo, a reset, a skip or a suspension, a
  recording attached or deleted, a star, a superuser's edit in the admin);
- the bank's change counter, which every write to a question or a topic moves on (titles
  and languages, the rows' topics and the filter's options);
- the request: its query string (the filters, the page, and the pagination links keep its
  other parameters), whether it asks for the htmx partial, the language, the time zone and
  the leech threshold.

Only the results of a few known filters and page numbers are kept (cacheable()).

Both counters are read by one statement of fixed SQL (questions/progress/state.py): two rows
by key, whatever the size of the history or the bank. An entry never goes stale, it is only
no longer asked for: any worker's copy under a key is right for that key.
"""

import hashlib
import re

from questions.progress.state import user_state

# Long enough for paging back and forth between two grades.
CACHE_SECONDS = 600
# The parameters whose every value is a few known ones (a topic, a grade, a mode) or a page
# number: only such results are kept. A search of the answers or a date range is read afresh,
# so that endless distinct query strings cannot fill a shared cache.
KEPT_PARAMETERS = frozenset({"topic", "rating", "mode", "page"})
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,3}")


def cacheable(request, filters):
    """Whether this request's results are kept: only known, valid filters, each given once,
    and at most a page number of four digits (`filters`: the bound form, or None without
    parameters)."""
    if filters is not None and filters.errors:
        return False
    for name, values in request.GET.lists():
        if name not in KEPT_PARAMETERS or len(values) != 1:
            return False
    page = request.GET.get("page")
    return page is None or PAGE_NUMBER.fullmatch(page) is not None


def results_key(request, profile, language):
    """The cache key of this request's history results (one query)."""
    parts = (
        language,
        profile.time_zone,
        profile.leech_threshold,
        bool(request.htmx),
        sorted(request.GET.lists()),
        user_state(request.user),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"history:{request.user.pk}:{digest}"
