from django import template

from questions.study import notes

register = template.Library()


@register.inclusion_tag("questions/_note.html#note-panel", takes_context=True)
def question_note(context, question):
    """The user's star and note on the question; one query, none for anonymous visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if question is None or user is None or not user.is_authenticated:
        return {"question": None}
    return notes.panel_context(request, question, note=notes.note_for(user, question))
