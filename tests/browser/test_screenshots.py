"""Screenshots of the main pages for README.md, written to docs/screenshots/ with SCREENSHOTS=1.

    SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py

Without SCREENSHOTS=1 these tests skip, so that a normal run leaves the tree alone.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import CHINESE_CATALOGUE, DESKTOP, MOBILE, REVEAL_BUTTON
from tests.browser.helpers import ANSWERS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        os.environ.get("SCREENSHOTS") != "1",
        reason="screenshots are written to docs/screenshots/ only with SCREENSHOTS=1",
    ),
]

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
MAX_BYTES = 200_000


def shoot(page, name):
    path = SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=path, full_page=False)
    assert path.stat().st_size < MAX_BYTES, f"{path} is larger than {MAX_BYTES} bytes"


def practise(page, count):
    """Grade `count` questions Good, and leave the next one revealed."""
    page.goto("/practice/")
    for answer in ANSWERS[:count]:
        page.locator("#answer-text").fill(answer)
        page.locator(REVEAL_BUTTON).first.click()
        page.locator(".grades button").nth(2).click()
        expect(page.locator(".message.graded")).to_be_visible()
    page.locator("#answer-text").fill(ANSWERS[0])
    page.locator(REVEAL_BUTTON).first.click()
    expect(page.locator(".key-points input[type=checkbox]").first).to_be_focused()


LANGUAGES = [
    pytest.param("en-US", "", id="english"),
    pytest.param(
        "zh-CN",
        "-zh",
        id="chinese",
        marks=pytest.mark.skipif(
            not CHINESE_CATALOGUE.exists(), reason="no Chinese catalogue (django.mo) yet"
        ),
    ),
]


@pytest.mark.parametrize(("locale", "suffix"), LANGUAGES)
def test_it_takes_screenshots_of_practice(open_page, user, locale, suffix):
    desktop = open_page(user, locale=locale, viewport=DESKTOP)
    desktop.goto("/practice/")
    expect(desktop.locator("#answer-text")).to_be_focused()
    shoot(desktop, f"practice-desktop{suffix}")
    practise(desktop, 3)
    desktop.locator(".grades").scroll_into_view_if_needed()
    shoot(desktop, f"practice-answer-desktop{suffix}")

    phone = open_page(user, locale=locale, viewport=MOBILE, is_mobile=True, has_touch=True)
    phone.goto("/practice/")
    phone.locator("#answer-text").fill(ANSWERS[1])
    phone.locator(REVEAL_BUTTON).first.click()
    expect(phone.locator(".key-points input[type=checkbox]").first).to_be_focused()
    shoot(phone, f"practice-answer-mobile{suffix}")


def test_it_takes_screenshots_of_progress_and_mock(open_page, user):
    page = open_page(user, viewport=DESKTOP, color_scheme="dark")
    practise(page, 3)
    page.goto("/stats/")
    shoot(page, "stats-desktop-dark")

    phone = open_page(user, viewport=MOBILE, is_mobile=True, has_touch=True)
    phone.goto("/mock/new/")
    phone.locator("#id_count").fill("3")
    phone.locator("main form button[type=submit]").click()
    expect(phone.locator("[role=timer][data-deadline]")).to_be_visible()
    shoot(phone, "mock-mobile")
