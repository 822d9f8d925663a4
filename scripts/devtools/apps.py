from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "scripts.devtools"
    label = "devtools"
    verbose_name = "Development tools"
