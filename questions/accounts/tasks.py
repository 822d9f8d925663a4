"""Accounts' background tasks (Django's tasks API; `manage.py run_worker` runs them).

Arguments are plain values: a task is stored as JSON (database backend) or sent to Redis, and
may run on another machine once the request that queued it has finished.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


@task()
def send_password_reset_mail(
    *,
    user_id,
    to_email,
    domain,
    site_name,
    protocol,
    language,
    subject_template_name="registration/password_reset_subject.txt",
    email_template_name="registration/password_reset_email.html",
    html_email_template_name=None,
    from_email=None,
):
    """Write and send one password-reset mail, in the language of the request that asked.

    The reset link's token is made here, not passed in, so that it is never stored in the
    queue (a table editors can read, or Redis). A user deleted meanwhile gets no mail.
    """
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if user is None:
        return
    context = {
        "email": to_email,
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        PasswordResetForm().send_mail(
            subject_template_name,
            email_template_name,
            context,
            from_email,
            to_email,
            html_email_template_name=html_email_template_name,
        )
