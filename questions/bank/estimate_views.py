"""The question admin's page of the key points the coverage estimate missed
(questions/bank/estimate_misses.py); QuestionAdmin.get_urls() wires it in."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from questions.bank.estimate_misses import RECENT_ATTEMPTS, estimate_misses
from questions.bank.models import Question
from questions.validation import id_or_404


@require_safe
def estimate_view(request, model_admin, object_id):
    # Refused before the lookup, so that who may not see questions cannot tell which exist.
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    question = get_object_or_404(Question, pk=id_or_404(object_id))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("What the automatic estimate missed in %(title)s") % {"title": question.title},
        "question": question,
        "misses": estimate_misses(question),
        "limit": RECENT_ATTEMPTS,
    }
    return TemplateResponse(request, "admin/questions/question/estimate.html", context)
