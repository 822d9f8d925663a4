from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from questions.accounts import throttles
from questions.accounts.deletion_forms import DeleteAccountForm
from questions.study.models import Attempt

# --- Account ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@never_cache
def account_delete(request):
    user = request.user
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST":
        if refused := throttles.password_check_limited(request):
            return refused
        if form.is_valid():
            username = user.get_username()
            with transaction.atomic():
                # Cascades to the profile, cards, attempts, notes, plans, mock interviews and
                # reports; the questions themselves belong to the bank and stay.
                user.delete()
            logout(request)
            messages.success(
                request,
                _("The account %(name)s and all its data are deleted. Goodbye!")
                % {"name": username},
            )
            return redirect("questions:home")
    context = {
        "form": form,
        "attempt_count": Attempt.objects.filter(user=user).count(),
    }
    return render(request, "history/account_delete.html", context)
