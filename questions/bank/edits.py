"""A question's derived data after its texts change: its search text, rebuilt at once, and its
near-duplicate scores, recomputed after commit (questions/similarity.py).

Saving a question or saving or deleting a key point reports the question here
(questions/signals.py). Outside collected(), each report brings the question up to date;
inside, it only notes the question, and each noted question is brought up to date once when
the block ends without an error. Writers that save key points one by one (the admin's form, a
version restore) or many at once (an import) open the block.
"""

import threading
from contextlib import contextmanager

from questions.bank.models import Question

_noted = threading.local()


@contextmanager
def collected():
    if getattr(_noted, "ids", None) is not None:  # nested: the outermost block updates
        yield
        return
    ids = _noted.ids = set()
    try:
        yield
    finally:
        _noted.ids = None
    _bring_up_to_date(ids)


def edited(question_ids, *, search_text=True):
    """Report questions whose texts changed: noted inside collected(), else brought up to date
    now. search_text=False when the writer has rebuilt it already (Question.save)."""
    ids = getattr(_noted, "ids", None)
    if ids is not None:
        ids.update(question_ids)
    else:
        _bring_up_to_date(question_ids, search_text=search_text)


def _bring_up_to_date(question_ids, *, search_text=True):
    from questions.bank import similarity

    if search_text:
        Question.refresh_search_texts(question_ids)
    for question_id in sorted(question_ids):
        similarity.schedule_update(question_id)
