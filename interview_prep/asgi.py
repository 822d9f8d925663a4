import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interview_prep.settings")

application = get_asgi_application()

from questions.checks import refuse_to_serve  # noqa: E402 - needs the apps loaded above

refuse_to_serve()
