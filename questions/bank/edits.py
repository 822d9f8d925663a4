"""A question's derived data: its search text and its near-duplicate scores.

Every writer of questions or key points calls questions_changed() once its writes are done,
inside their transaction: Question.save() for the question's own fields, and the writers of
key points for those (the admin's change form after its inline, version restores, the
Duplicate action, imports). There is no signal and no collector: a writer that changes key
points and does not call it leaves the search text stale.
"""

from questions.bank.models import Question


def questions_changed(question_ids, *, search_text=True):
    """Bring these questions' derived data up to date: the search text now (search_text=False
    when the writer has written it, as save() and the importer do), the near-duplicate scores
    once the transaction commits (questions/bank/similarity.py decides how)."""
    from questions.bank import similarity  # similarity reads the models this module serves

    question_ids = sorted(set(question_ids))
    if search_text:
        Question.refresh_search_texts(question_ids)
    similarity.schedule_updates(question_ids)
