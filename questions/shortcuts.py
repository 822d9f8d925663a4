"""Small helpers shared by the app's views."""

from django.shortcuts import get_object_or_404, render

from questions.bank.models import Question


def get_published_question(pk):
    """The published question `pk` with its topic, or 404 (drafts are invisible to users).

    Without search_text, a second copy of the texts that only search reads.
    """
    questions = Question.objects.published().select_related("topic").defer("search_text")
    return get_object_or_404(questions, pk=pk)


def bad_request(request, message):
    """A 400 with a message: the alert partial for htmx (swapped into #htmx-alert), else a page."""
    template = "questions/bad_request.html" + ("#alert" if request.htmx else "")
    return render(request, template, {"message": message}, status=400)
