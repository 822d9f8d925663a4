from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from questions.shortcuts import bad_request, get_published_question, redirect_to_next, safe_next
from questions.study import notes

# --- Stars and notes --------------------------------------------------------------------------


def _note_panel(request, question, **context):
    next_url = safe_next(request, question.get_absolute_url())
    return render(
        request,
        "questions/_note.html#note-panel",
        notes.panel_context(request, question, next_url=next_url, **context),
    )


@require_POST
@login_required
def star(request, pk):
    question = get_published_question(pk)
    value = request.POST.get("starred")
    if value not in ("0", "1"):
        return bad_request(request, _("Send starred=1 to star the question or 0 to unstar it."))
    note = notes.set_star(request.user, question, value == "1")
    if request.htmx:
        return _note_panel(request, question, note=note)
    messages.success(request, _("Starred.") if note.starred else _("Star removed."))
    return redirect_to_next(request, question.get_absolute_url())


@require_POST
@login_required
def note(request, pk):
    question = get_published_question(pk)
    form = notes.NoteForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            # 200, so that htmx puts the form with its error back in place.
            return _note_panel(
                request, question, note=notes.note_for(request.user, question), form=form
            )
        return bad_request(request, " ".join(form.errors["text"]))
    note = notes.save_text(request.user, question, form.cleaned_data["text"])
    if request.htmx:
        return _note_panel(request, question, note=note, saved=True)
    messages.success(request, _("Note saved."))
    return redirect_to_next(request, question.get_absolute_url())
