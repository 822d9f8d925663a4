"""Where mail goes when no mail server is configured (DJANGO_EMAIL_HOST empty) in production.

A password-reset mail carries a link that logs its holder in: printed to the log, as Django's
console backend would, it lands wherever logs are collected and kept. This backend logs that a
mail was not sent, and to how many recipients, never its text or its addresses. Development
(DJANGO_DEBUG=1) keeps the console backend, which prints the link to click.
"""

import logging

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)


class LogOnlyEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            logger.warning(
                "mail not sent: no mail server is configured (DJANGO_EMAIL_HOST); "
                'subject="%s" recipients=%d',
                message.subject.replace('"', "'")[:100],
                len(message.recipients()),
            )
        return 0
