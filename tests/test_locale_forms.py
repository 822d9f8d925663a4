"""Forms keep what they show in any interface language: a date or number input carries an ISO
value (a browser rejects 2026/12/12 in <input type="date"> and the next save would clear it), and
a Settings page sent back as a browser would send it changes nothing. Signup takes the browser's
time zone; every page that answers GET answers HEAD too."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.test import Client

from questions.study.models import profile_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


class FormValues(HTMLParser):
    """What a browser would submit from the first form with method=post in <main>: the inputs'
    values, the selected options and the textareas' text, by name."""

    def __init__(self):
        super().__init__()
        self.values, self.types = {}, {}
        self._main = self._form = self._done = False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._main = self._main or tag == "main"
        if tag == "form" and attrs.get("method") == "post" and self._main and not self._done:
            self._form = True
        if not self._form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values[name] = attrs.get("value", "")
            self.types[name] = attrs.get("type", "text")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form:
            self._form, self._done = False, True


def form_values(html):
    parser = FormValues()
    parser.feed(html)
    return parser


SETTINGS = {
    "time_zone": "Asia/Shanghai",
    "new_per_day": 15,
    "reviews_per_day": 150,
    "desired_retention": 0.85,
    "leech_threshold": 6,
    "interview_date": date(2030, 12, 12),
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_settings_sent_back_as_shown_keep_every_field(language):
    user = make_user("settings-user")
    profile = profile_for(user)
    for name, value in SETTINGS.items():
        setattr(profile, name, value)
    profile.save()
    client = Client(headers={"accept-language": language})
    client.force_login(user)

    shown = form_values(client.get("/accounts/settings/").content.decode())
    assert shown.values["interview_date"] == "2030-12-12"
    assert shown.types["interview_date"] == "date"
    for name in ("new_per_day", "reviews_per_day", "desired_retention", "leech_threshold"):
        assert shown.types[name] == "number", name
        float(shown.values[name])  # what a number input accepts: no local separators

    response = client.post("/accounts/settings/", shown.values)
    assert response.status_code == 302, response.content.decode()[:2000]
    profile.refresh_from_db()
    assert {name: getattr(profile, name) for name in SETTINGS} == SETTINGS


def test_signup_takes_the_time_zone_the_browser_sent(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "zoned",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "time_zone": "Asia/Shanghai",
        },
    )
    assert response.status_code == 302
    assert profile_for(response.wsgi_request.user).time_zone == "Asia/Shanghai"


@pytest.mark.parametrize("sent", ["", "Mars/Olympus_Mons", "x" * 500])
def test_signup_without_a_known_time_zone_keeps_utc(client, sent):
    data = {"username": "unzoned", "password1": PASSWORD, "password2": PASSWORD, "time_zone": sent}
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302
    assert profile_for(response.wsgi_request.user).time_zone == "UTC"


def test_the_signup_form_asks_the_browser_for_its_time_zone_and_the_username(client):
    body = client.get("/accounts/signup/").content.decode()
    assert 'name="time_zone"' in body
    assert "data-browser-time-zone" in body
    assert 'autocomplete="username"' in body


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/questions/",
        "/accounts/login/",
        "/accounts/signup/",
        "/practice/",
        "/practice/random/",
        "/history/",
        "/stats/",
        "/mock/",
        "/mock/new/",
        "/accounts/settings/",
        "/accounts/delete/",
        "/healthz",
    ],
)
def test_every_page_answers_head_as_it_answers_get(alice_client, url):
    get = alice_client.get(url)
    head = alice_client.head(url)
    assert head.status_code == get.status_code
    assert head.status_code in (200, 302)
    assert head.content == b""
