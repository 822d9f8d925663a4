import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

EDITORS_GROUP = "Editors"


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editors group: they can manage the question bank in the "
        "admin (questions, key points, topics, tags, problem reports) and look at attempts, "
        "but not manage users or change what users did. The password is read from standard "
        "input with --password-from-stdin (one line), else asked for twice at the terminal."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="Used to reset a forgotten password.")
        parser.add_argument(
            "--password-from-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )

    def handle(self, *args, **options):
        User = get_user_model()
        username = options["username"].strip()
        if not username:
            raise CommandError("the username is empty")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"a user named {username!r} already exists")
        email = options["email"].strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"{email!r} is not an email address") from None
        try:
            group = Group.objects.get(name=EDITORS_GROUP)
        except Group.DoesNotExist:
            raise CommandError("the Editors group is missing: run manage.py migrate") from None

        password = self.read_password(options["password_from_stdin"])
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("the password is too weak: " + " ".join(error.messages)) from None
        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(group)
        self.stdout.write(f"created editor {username}")

    def read_password(self, from_stdin):
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("no password on standard input")
            return password
        if not sys.stdin.isatty():
            raise CommandError("no terminal to ask for a password: use --password-from-stdin")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("the passwords differ")
        if not password:
            raise CommandError("the password is empty")
        return password
