"""Every user-facing string has a Chinese translation.

The test extracts the strings of every template and of the app's Python code the way
`makemessages` does (Django's templatize, then GNU xgettext) and looks each one up in the
committed zh_Hans catalogue, so a new string without a translation fails here.
"""

import contextlib
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation.template import templatize

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "pgettext_lazy:1c,2",
    "npgettext:1c,2,3",
    "npgettext_lazy:1c,2,3",
    "ngettext:1,2",
]

# make test installs gettext (scripts/ensure-gettext.sh); only outside CI may it be missing.
pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None and os.environ.get("CI") != "true", reason="needs GNU gettext"
)


def extracted_msgids(tmp_path):
    sources = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        target = tmp_path / (str(template.relative_to(ROOT)).replace("/", "__") + ".py")
        target.write_text(templatize(template.read_text(encoding="utf-8"), origin=str(template)))
        sources.append(target)
    sources += [
        path
        for path in sorted((ROOT / "questions").rglob("*.py"))
        if "migrations" not in path.parts
    ]
    sources.append(ROOT / "interview_prep" / "settings.py")
    pot = tmp_path / "all.pot"
    subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "-o", str(pot)]
        + [f"--keyword={keyword}" for keyword in KEYWORDS]
        + [str(source) for source in sources],
        check=True,
    )
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(pot))}


def test_every_string_is_translated_into_chinese(tmp_path):
    catalogue = polib.pofile(str(CATALOGUE))
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in catalogue
        if entry.translated() and not entry.obsolete and "fuzzy" not in entry.flags
    }
    missing = sorted(msgid for _ctx, msgid in extracted_msgids(tmp_path) - translated)
    assert not missing, f"{len(missing)} strings lack a zh_Hans translation, e.g. {missing[:10]}"


def test_the_catalogue_keeps_placeholders():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.translated() and "%(" in entry.msgid:
            for placeholder in re.findall(r"%\(\w+\)[sdf]", entry.msgid):
                assert placeholder in (entry.msgstr or entry.msgstr_plural.get(0, "")), entry.msgid


# --- Rendered pages: what a Chinese editor or learner actually sees ------------------------------

# Latin words that are names, not English: formats, products, the editors' group (a name in
# the data), and the admin index's third-party apps (django-axes, django-tasks), whose own
# catalogues have no Chinese; their pages are not checked.
NOT_ENGLISH = {
    "FSRS",
    "CSV",
    "JSON",
    "Anki",
    "Markdown",
    "markdown",
    "URL",
    "HTML",
    "UTC",
    "Ctrl",
    "Enter",
    "Esc",
    "Space",
    "Editors",
    "Axes",
    "Tasks",
    "Database",
    "Backend",
    "Django",
}
THIRD_PARTY_APPS = {"axes", "django_tasks_database"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")


class _VisibleText(HTMLParser):
    """Latin words in the text and the labelling attributes of a page, leaving out what is
    data, not interface: elements with a lang attribute, form values, code and keys."""

    DATA = {"script", "style", "textarea", "code", "pre", "kbd", "option", "title"}
    VOID = {"input", "meta", "link", "br", "img", "hr", "col", "source", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.words = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("title", "aria-label", "placeholder", "alt"):
            if attrs.get(name) and not (tag == "img" and name == "alt"):
                self._check(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self._check(attrs.get("value") or "")
        if tag not in self.VOID:
            self.stack.append((tag, "lang" in attrs))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not any(tag in self.DATA or has_lang for tag, has_lang in self.stack):
            self._check(data)

    def _check(self, text):
        self.words += [(word, " ".join(text.split())[:80]) for word in LATIN_WORD.findall(text)]


def english_on(body):
    parser = _VisibleText()
    parser.feed(body)
    return [(word, text) for word, text in parser.words if word not in NOT_ENGLISH]


def chinese_pages():
    """The admin's pages for every registered model (list, add, change, history) and the
    practice screen in each of its modes, as a Chinese superuser sees them."""
    from django.contrib import admin
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from tests.factories import make_question, make_topic

    topic = make_topic("预训练模型", slug="pretrained")
    question = make_question(topic=topic, title="预训练模型的优点")
    user = get_user_model().objects.create_superuser("管理员", "admin@example.com", "pw-管理员-1")
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    client.post(f"/questions/{question.pk}/report/", {"kind": "unclear", "comment": "不清楚"})
    urls = [
        "/admin/",
        reverse("admin:questions_question_import"),
        f"/practice/{question.pk}/",
        "/practice/random/",
        "/practice/?starred=1",
    ]
    for model in admin.site._registry:
        if model._meta.app_label in THIRD_PARTY_APPS:
            continue
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        obj = model._default_manager.first()
        for view, args in (("add", []), ("change", [obj]), ("history", [obj])):
            if view != "add" and obj is None:
                continue
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"{info}_{view}", args=[a.pk for a in args]))
    for url in urls:
        response = client.get(url)
        if response.status_code == 200:
            yield url, response.content.decode()


@pytest.mark.django_db
def test_chinese_admin_and_practice_pages_have_no_english_left():
    found = {url: english_on(body) for url, body in chinese_pages()}
    assert len(found) > 10
    left = {url: words[:5] for url, words in found.items() if words}
    assert not left, f"English on {len(left)} Chinese pages: {left}"
