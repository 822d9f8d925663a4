"""Every user-facing string has a Chinese translation.

The test extracts the strings of every template and of the app's Python code the way
`makemessages` does (Django's templatize, then GNU xgettext) and looks each one up in the
committed zh_Hans catalogue, so a new string without a translation fails here.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
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
