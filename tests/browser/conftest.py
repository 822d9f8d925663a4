"""Browser tests: Debian's Chromium, driven by Playwright (pytest-playwright), against live_server.

pytest-playwright provides `browser`, `context`, `page` and `new_context`; this file points them at
/usr/bin/chromium (Playwright never downloads a browser here) and at the live server, loads the
sample bank for every test, and fails a test whose pages broke the Content-Security-Policy or
threw a JavaScript error.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from tests.factories import make_user

# Playwright's sync API keeps an event loop in the test thread; Django refuses ORM calls while a
# loop runs there unless told it is safe. It is: the tests and the live server take turns.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(settings.BASE_DIR) / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
CHINESE_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
PASSWORD = "correct-horse-battery"
# The practice form's first button, whatever the language.
REVEAL_BUTTON = "#practice form[action$='/reveal/'] button[type=submit]"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 812}
# Generous for a busy two-core machine; a passing step takes a fraction of it.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)

# Reports every CSP violation of the page as a console error the test collects (Chromium also
# logs its own "Refused to ..." line; this one names the directive for sure).
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI);
});
"""


def require_tool(path, how_to_install):
    """Skip when a tool the browser tests need is missing; with CI=true, fail instead."""
    if path.exists():
        return
    message = f"{path} is missing: {how_to_install}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_tool(CHROMIUM, "run scripts/ensure-chromium.sh (Debian's chromium package)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """page.goto("/practice/") goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "viewport": DESKTOP}


@pytest.fixture(autouse=True)
def sample_bank(transactional_db):
    """The 30 sample questions: live_server tests flush the database after each test."""
    call_command("load_sample_bank", verbosity=0)


class PageProblems(list):
    """CSP violations and uncaught JavaScript errors seen on the pages of one test."""

    def watch(self, page):
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.append(f"JavaScript error: {error}"))
        return page

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.append(text)


@pytest.fixture
def page_problems():
    return PageProblems()


@pytest.fixture
def page(page, page_problems):
    page.set_default_timeout(TIMEOUT_MS)
    page_problems.watch(page)
    yield page
    assert not page_problems, f"the pages broke the CSP or threw: {page_problems}"


@pytest.fixture
def open_page(browser, browser_context_args, page_problems, live_server):
    """A page in a context of its own (no JavaScript, another locale, a phone's viewport…),
    logged in as `user` when given, and watched for CSP violations and errors like `page`."""
    contexts = []

    def _open_page(user=None, **context_args):
        context = browser.new_context(**{**browser_context_args, **context_args})
        contexts.append(context)
        if user is not None:
            log_in(context, user, live_server.url)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page_problems.watch(page)

    yield _open_page
    for context in contexts:
        context.close()
    assert not page_problems, f"the pages broke the CSP or threw: {page_problems}"


@pytest.fixture
def user(transactional_db):
    return make_user("browser-user", password=PASSWORD)


@pytest.fixture
def user_page(page, user, live_server):
    """`page`, logged in as `user`."""
    log_in(page.context, user, live_server.url)
    return page


def log_in(context, user, url):
    """Log a browser context in with the session cookie of a test client: no login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": url}])
