"""No request makes a 500: every URL of the URLconf, with hostile path ids, hostile values in each
parameter of each form its pages show, wrong methods, garbage htmx headers, too many fields,
bodies too big and broken multipart, as an anonymous visitor, a user and an editor.

Settings are the production ones (DEBUG off; the client returns the 500 page instead of raising)
and the count is bounded, so that the test runs in the suite on SQLite and PostgreSQL. Each run
prints its figure: requests sent and server errors seen. Every request runs in a savepoint that
is rolled back after a server error, so that on PostgreSQL one failed statement does not turn
every later request into a 500 too.
"""

import collections
import itertools
import random
import re
import time

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client

from tests import fuzz_values as fv
from tests.factories import make_question, make_topic, make_user

pytestmark = pytest.mark.django_db

# Bounds. A safety net: a role stops after this many requests (the figure then says so).
MAX_REQUESTS_PER_ROLE = 4000
# Admin pages offer many fields (inline formsets): this many of each form's fields are fuzzed,
# a different sample on each form.
MAX_FIELDS_PER_FORM = 3
# Each field gets every core value and this many others (and one raw byte string).
MORE_VALUES_PER_FIELD = 1
# Forms whose plain submission destroys what the rest of the run needs.
DESTRUCTIVE = ("/delete/", "/logout/", "/accounts/delete/", "/password_change/")
PASSWORD = "fuzz-a-long-passphrase-16"


class Fuzzer:
    """Sends requests through one client, counts them and keeps each 5xx with its cause."""

    def __init__(self, role, client, user=None, forms_under="/"):
        self.role, self.client, self.user = role, client, user
        # The editor fuzzes the admin's forms; the user role already covers the app's.
        self.forms_under = forms_under
        self.sent, self.errors, self._addresses = 0, [], itertools.count(1)
        self._exception = None
        self.forms, self._form_keys = [], set()
        self.seconds = collections.Counter()  # by the path's first segments: where time goes

    def _on_exception(self, sender, request=None, **kwargs):
        import sys

        self._exception = repr(sys.exc_info()[1])[:300]

    def request(self, method, path, what="", **kwargs):
        if self.sent >= MAX_REQUESTS_PER_ROLE:
            return None
        self.sent += 1
        number = next(self._addresses)
        # A fresh address each time: the signup limit and the login lockout count per address
        # and would otherwise answer 429 before the view reads the hostile value.
        kwargs.setdefault(
            "REMOTE_ADDR", f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        )
        self._exception = None
        savepoint = transaction.savepoint()
        got_request_exception.connect(self._on_exception)
        started = time.monotonic()
        try:
            response = self.client.generic(method, path, **kwargs)
        finally:
            got_request_exception.disconnect(self._on_exception)
            self.seconds["/".join(path.split("/")[:4])] += time.monotonic() - started
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
            self.errors.append((self.role, method, path[:120], what[:80], self._exception))
        else:
            transaction.savepoint_commit(savepoint)
        if self.user is not None and any(part in path for part in DESTRUCTIVE):
            self.client.force_login(self.user)  # the request may have logged us out
        return response

    def get(self, path, what="", query="", **kwargs):
        return self.request("GET", path, what, QUERY_STRING=query, **kwargs)

    def post(self, path, body="", what="", content_type=None, **kwargs):
        content_type = content_type or "application/x-www-form-urlencoded"
        data = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        return self.request("POST", path, what, data=data, content_type=content_type, **kwargs)

    def collect(self, response, page_path):
        """Keep the forms of a page, once each (by method, action and field names)."""
        if response is None or response.status_code != 200:
            return
        if not response.get("Content-Type", "").startswith("text/html"):
            return
        for form in fv.page_forms(response.content.decode(), page_path):
            if not form.action.startswith(self.forms_under) or form.key() in self._form_keys:
                continue
            self._form_keys.add(form.key())
            self.forms.append(form)

    def report(self, capsys, seconds):
        capped = " (stopped at the cap)" if self.sent >= MAX_REQUESTS_PER_ROLE else ""
        with capsys.disabled():
            print(
                f"\nfuzz [{self.role}]: {self.sent} requests sent{capped}, {len(self.errors)} 5xx "
                f"seen, {len(self.forms)} forms fuzzed, {seconds:.1f} s"
            )
            slowest = ", ".join(f"{p} {s:.1f} s" for p, s in self.seconds.most_common(4))
            print(f"fuzz [{self.role}]: most time in {slowest}")
        # One line per (method, path, exception), with how often and one request that did it.
        grouped = collections.defaultdict(list)
        for _role, method, path, what, exception in self.errors:
            path = re.sub(r"/\d+/", "/<id>/", path.split("?")[0])
            grouped[method, path, re.sub(r"'.*'", "…", (exception or "")[:90])].append(what)
        lines = [f"{len(w)} x {m} {p}: {e} (e.g. {w[0]!r})" for (m, p, e), w in grouped.items()]
        assert not self.errors, "\n".join(sorted(lines))


# --- The world the requests find ----------------------------------------------------------------


@pytest.fixture
def world(db):
    topic = make_topic("Fuzz topic", slug="fuzz-topic")
    questions = [make_question(topic=topic) for _ in range(4)]
    make_question(topic=topic, is_published=False)
    user = make_user("fuzz-user", password=PASSWORD, email="fuzz@example.org")
    editor = make_user("fuzz-editor", password=PASSWORD, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    return {"topic": topic, "questions": questions, "user": user, "editor": editor}


def _first_pk(model_name, app_label="questions"):
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return "1"
    obj = model._default_manager.order_by("pk").first()
    return str(obj.pk) if obj else "1"


def _user_history(client, world):
    """An attempt, a finished mock interview and a running one, made as a user would."""
    question = world["questions"][0]
    page = client.get(f"/practice/{question.pk}/")
    reveal = next(f for f in fv.page_forms(page.content.decode(), "/") if "/reveal/" in f.action)
    answered = client.post(reveal.action, dict(reveal.fields) | {"text": "预训练模型"})
    grade = next(f for f in fv.page_forms(answered.content.decode(), "/") if "/grade/" in f.action)
    assert client.post(grade.action, dict(grade.fields) | {"rating": "3"}).status_code == 302
    for _ in range(2):
        started = client.post("/mock/new/", {"count": "3", "minutes": "1"})
        assert started.status_code == 302, started.content[:500]
    finished = started["Location"]
    for _ in range(3):
        page = client.get(finished)
        forms = fv.page_forms(page.content.decode(), finished)
        answer = next((f for f in forms if "/answer/" in f.action), None)
        if answer is None:
            break
        client.post(answer.action, dict(answer.fields) | {"text": "answer"})


def path_values(name, kinds, world):
    """A valid value for each path parameter of a pattern, by its name."""
    values = {}
    for kwarg, kind in kinds.items():
        if kind == "int" and name.startswith("questions:"):
            model = {"attempt": "Attempt"}.get(name.split(":")[1])
            if name.split(":")[1].startswith("mock"):
                model = "MockItem" if kwarg == "item_id" else "MockSession"
            values[kwarg] = _first_pk(model) if model else str(world["questions"][0].pk)
        elif kwarg in ("object_id", "history_id", "arg0", "arg1", "id"):
            admin_model = name.split(":")[-1].rsplit("_", 1)[0].split("_", 1)
            if name == "admin:questions_question_simple_history":
                admin_model = ["questions", "question"]
            if kwarg in ("history_id", "arg1"):
                values[kwarg] = _first_pk("HistoricalQuestion")
            elif len(admin_model) == 2:
                values[kwarg] = _first_pk(admin_model[1], admin_model[0])
            else:
                values[kwarg] = "1"
        elif kind not in ("int", "str", "path"):  # a regex: its first alternative, or a word
            values[kwarg] = kind.split("|")[0] if re_plain(kind) else "nothing-here"
        else:
            values[kwarg] = {"content_type_id": "1", "uidb64": "MQ", "token": "set-password"}.get(
                kwarg, "1"
            )
    return values


def re_plain(kind):
    return all(part.replace("_", "").isalnum() for part in kind.split("|"))


# --- The attacks --------------------------------------------------------------------------------


def fuzz_paths(fuzzer, world, hostile_admin_ids):
    """Every pattern with valid ids (collecting its forms), then with each hostile id."""
    for name, template, kinds in fv.url_patterns():
        valid = path_values(name, kinds, world)
        path = fv.fill(template, valid)
        response = fuzzer.get(path, f"{name} valid")
        fuzzer.collect(response, path)
        for parameter in fv.QUERY_PARAMETERS.get(name, []):
            for value in fv.CORE_VALUES:
                query = _urlencode([(parameter, value)])
                fuzzer.get(path, f"{name} ?{parameter}={value[:20]!r}", query=query)
        if name.startswith("admin:") and not hostile_admin_ids:
            kinds = {}  # the admin sends anyone else to its login page, whatever the id
        for kwarg in kinds:
            for value in fv.PATH_IDS:
                fuzzer.get(fv.fill(template, valid | {kwarg: value}), f"{name} {kwarg}={value}")
        if not any(part in path for part in DESTRUCTIVE):
            fuzzer.post(path, "", f"{name} empty POST")


def _urlencode(pairs):
    from urllib.parse import quote_plus

    return "&".join(
        f"{quote_plus(str(n), safe='', encoding='utf-8', errors='surrogatepass')}="
        f"{quote_plus(str(v), safe='', encoding='utf-8', errors='surrogatepass')}"
        for n, v in pairs
    )


def _send_form(fuzzer, form, pairs, what, raw=""):
    body = _urlencode(pairs) + (("&" + raw) if raw else "")
    if form.method == "GET":
        base, _sep, query = form.action.partition("?")
        return fuzzer.get(base, what, query=body + ("&" + query if query else ""))
    return fuzzer.post(form.action, body, what)


def fuzz_forms(fuzzer, rng):
    """Each field of each form collected: every hostile value, raw bytes, repeated, missing."""
    done = 0
    while done < len(fuzzer.forms):
        form = fuzzer.forms[done]
        done += 1
        names = [n for n in dict(form.fields) if n != "csrfmiddlewaretoken"]
        if len(names) > MAX_FIELDS_PER_FORM:
            names = sorted(rng.sample(names, MAX_FIELDS_PER_FORM))
        if "next" not in names and not form.action.startswith("/admin/"):
            names.append("next")
        for part, extra in fv.EXTRA_FORM_FIELDS.items():
            names += [name for name in extra if part in form.action and name not in names]
        safe = not any(part in form.action for part in DESTRUCTIVE)
        if safe:  # the plain submission: its answer may hold the next step's form (grade)
            response = _send_form(fuzzer, form, form.fields, f"{form.action} as shown")
            fuzzer.collect(response, form.action)
            if response is not None and "/grade/" in form.action:  # a replayed token
                _send_form(fuzzer, form, form.fields, f"{form.action} replayed")
        for name in names:
            values = fv.CORE_VALUES + rng.sample(fv.MORE_VALUES, MORE_VALUES_PER_FIELD)
            values += fv.NEXT_VALUES if name == "next" else []
            for value in values:
                pairs = [(n, v) for n, v in form.fields if n != name] + [(name, value)]
                _send_form(fuzzer, form, pairs, f"{form.action} {name}={value[:20]!r}")
            others = [(n, v) for n, v in form.fields if n != name]
            raw = rng.choice(fv.RAW_VALUES)
            _send_form(fuzzer, form, others, f"{form.action} {name} raw {raw}", f"{name}={raw}")
            _send_form(fuzzer, form, others, f"{form.action} without {name}")
            repeated = others + [(name, "1"), (name, "abc"), (name, "")]
            _send_form(fuzzer, form, repeated, f"{form.action} {name} repeated")
        for file_field in form.files:
            for file_name, content in fv.IMPORT_FILES.items():
                _send_file(fuzzer, form, file_field, file_name, content)


def _send_file(fuzzer, form, field, file_name, content):
    boundary = "fuzzboundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n'.encode()
        for n, v in form.fields
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    content_type = f"multipart/form-data; boundary={boundary}"
    response = fuzzer.post(form.action, body, f"{form.action} file {file_name}", content_type)
    # A preview offers to confirm: confirm it twice, as a double click would.
    if response is not None and response.status_code == 200:
        for confirm in fv.page_forms(response.content.decode(), form.action):
            if any(n == "confirm" for n, _v in confirm.fields):
                for _ in range(2):
                    _send_form(fuzzer, confirm, confirm.fields, f"{confirm.action} confirm")


def fuzz_requests(fuzzer, post_paths):
    """Whatever the parameters: wrong methods, htmx headers, too many fields, broken bodies."""
    for path in post_paths:
        for method in fv.WRONG_METHODS:
            fuzzer.request(method, path, f"{method}")
        for i, headers in enumerate([] if path.startswith("/admin/") else fv.HTMX_HEADERS):
            if i < 2:
                fuzzer.get(path, f"htmx {sorted(headers)}", **headers)
            fuzzer.post(path, "text=x&next=abc", f"htmx {sorted(headers)}", **headers)
        fuzzer.post(path, fv.MANY_FIELDS, "1,200 fields")
        fuzzer.get(path, "1,200 fields", query=fv.MANY_FIELDS)
        fuzzer.post(path, fv.HUGE_BODY, "3 MB body")
        for content_type, body in fv.BROKEN_MULTIPART:
            fuzzer.post(path, body, f"multipart {content_type[:40]}", content_type)
        fuzzer.post(path, b"\xff\xfe\x00", "not UTF-8", "application/x-www-form-urlencoded")
        fuzzer.post(path, b'{"a": 1}', "JSON body", "application/json")


def run(fuzzer, world, capsys, hostile_admin_ids=False):
    started = time.monotonic()
    fuzz_paths(fuzzer, world, hostile_admin_ids)
    fuzz_forms(fuzzer, random.Random(16))
    post_paths = sorted(
        {f.action.partition("?")[0] for f in fuzzer.forms if f.method == "POST"}
        - {f.action for f in fuzzer.forms if any(p in f.action for p in DESTRUCTIVE)}
    )
    # The admin's pages share one request handling: two of them stand for the rest.
    admin_paths = [p for p in post_paths if p.startswith("/admin/")]
    post_paths = [p for p in post_paths if not p.startswith("/admin/")] + [
        p for p in admin_paths if p.endswith(("/import/", "/question/"))
    ]
    fuzz_requests(fuzzer, post_paths)
    fuzzer.report(capsys, time.monotonic() - started)


def test_it_never_answers_an_anonymous_visitor_with_a_server_error(world, capsys):
    run(Fuzzer("anonymous", Client(raise_request_exception=False)), world, capsys)


def test_it_never_answers_a_user_with_a_server_error(world, capsys):
    client = Client(raise_request_exception=False)
    client.force_login(world["user"])
    _user_history(client, world)
    run(Fuzzer("user", client, world["user"]), world, capsys)


def test_it_never_answers_an_editor_with_a_server_error(world, capsys):
    client = Client(raise_request_exception=False)
    client.force_login(world["editor"])
    fuzzer = Fuzzer("editor", client, world["editor"], forms_under="/admin/")
    run(fuzzer, world, capsys, hostile_admin_ids=True)
