"""The password-reset page, its mail sent by a worker (questions/accounts/tasks.py).

Django's own view and form, except that the mail is queued instead of sent inside the request:
the page answers at once whatever the mail server does, and a mail that cannot be sent is a
failed task editors see in the admin instead of an error page (or a silent loss).
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation

from questions.accounts.tasks import send_password_reset_mail


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The worker makes the link's token itself: none is stored in the queue.
        send_password_reset_mail.enqueue(
            user_id=context["user"].pk,
            to_email=to_email,
            domain=context["domain"],
            site_name=context["site_name"],
            protocol=context["protocol"],
            language=translation.get_language(),
            subject_template_name=subject_template_name,
            email_template_name=email_template_name,
            html_email_template_name=html_email_template_name,
            from_email=from_email,
        )


password_reset = auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm)
