"""The Editors group: manage the bank (topics, tags, questions, key points) and view attempts.

No user management and no editing of users' attempts or cards.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "topic": ["add", "change", "delete", "view"],
    "tag": ["add", "change", "delete", "view"],
    "question": ["add", "change", "delete", "view"],
    "keypoint": ["add", "change", "delete", "view"],
    "historicalquestion": ["view"],
    "historicalkeypoint": ["view"],
    "similarquestion": ["view"],
    "questionreport": ["view", "change"],
    "attempt": ["view"],
}


def create_editors(apps, schema_editor):
    # Permissions are normally made after migrate; make them now so the group can use them.
    # The historical app config lacks models_module, which create_permissions checks first.
    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Editors")
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="questions", codename__in=codenames
    )
    group.permissions.set(permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Editors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0003_search_trigram_indexes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
