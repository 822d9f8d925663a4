"""Answering out loud in Chromium, with its fake microphone (a beep) granted without a prompt:
record, hear it back before and after the reveal, grade; in a mock interview too; on a phone's
width; in both languages. Without a microphone, and without JavaScript, typing works."""

import re

import pytest
from playwright.sync_api import expect

from questions.study.models import Attempt, MockSession
from questions.study.recordings import Recording
from tests.browser.conftest import (
    CHINESE_CATALOGUE,
    CHROMIUM,
    CHROMIUM_ARGS,
    MOBILE,
    TIMEOUT_MS,
    log_in,
    require_tool,
)

pytestmark = pytest.mark.browser

REVEAL = "[data-reveal-button]"
FAKE_MICROPHONE = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
# Record, Stop and the spoken answer's caption in each language.
WORDS = {
    "en-US": {"record": "Record", "stop": "Stop", "spoken": "Your spoken answer"},
    "zh-CN": {"record": "录音", "stop": "停止", "spoken": "你的口头回答"},
}


@pytest.fixture(scope="session")
def microphone_browser(playwright):
    require_tool(CHROMIUM, "run scripts/ensure-chromium.sh (Debian's chromium package)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS + FAKE_MICROPHONE, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def speaking_page(microphone_browser, page_problems, live_server, user, recordings_dir):
    """A logged-in page of the browser with a microphone, watched like `page`."""
    contexts = []

    def _open(locale="en-US", viewport=None):
        context = microphone_browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 800}
        )
        contexts.append(context)
        log_in(context, user, live_server.url)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto_base = live_server.url
        return page_problems.watch(page)

    yield _open
    for context in contexts:
        context.close()
    assert not page_problems, f"the pages broke the CSP or threw: {page_problems}"


def record(page, words, seconds=1.5):
    page.get_by_role("button", name=words["record"], exact=True).click()
    stop = page.get_by_role("button", name=words["stop"], exact=True)
    expect(stop).to_be_visible()
    expect(page.locator("[data-record-clock]")).not_to_have_text("0:00", timeout=5000)
    page.wait_for_timeout(seconds * 1000)
    stop.click()
    expect(page.locator("[data-preview]")).to_be_visible()


def plays(page, selector):
    """Whether the audio element plays from its source (through the owner-only view)."""
    return page.evaluate(
        """(selector) => new Promise((resolve) => {
            const audio = document.querySelector(selector);
            audio.muted = true;
            const played = () => resolve(audio.currentTime > 0);
            audio.addEventListener("timeupdate", played, { once: true });
            audio.addEventListener("error", () => resolve(false), { once: true });
            audio.play().catch(() => resolve(false));
        })""",
        selector,
    )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_it_records_reveals_plays_back_and_grades(speaking_page, locale, user):
    if locale == "zh-CN" and not CHINESE_CATALOGUE.exists():
        pytest.skip("locale/zh_Hans/LC_MESSAGES/django.mo is not built (make translations)")
    words = WORDS[locale]
    page = speaking_page(locale)
    page.goto(page.goto_base + "/practice/")
    page.locator("#answer-text").fill("Pre-training on large data, then fine-tuning.")
    record(page, words)
    assert plays(page, "[data-preview]")
    page.locator(REVEAL).click()

    player = page.locator("figure.recording audio")
    expect(player).to_be_visible()
    expect(page.locator("figure.recording figcaption")).to_contain_text(words["spoken"])
    expect(page.locator("#reference")).to_be_visible()
    assert plays(page, "figure.recording audio")
    recording = Recording.objects.get()
    assert recording.content_type in ("audio/webm", "audio/ogg")
    assert recording.duration.total_seconds() > 1

    page.locator(".grades button").nth(2).click()
    expect(page.locator(".graded")).to_be_visible()
    recording.refresh_from_db()
    assert recording.attempt == Attempt.objects.get(user=user)

    page.goto(page.goto_base + recording.attempt.get_absolute_url())
    assert plays(page, "figure.recording audio")


def test_a_recording_made_while_recording_is_sent_when_reveal_is_pressed(speaking_page):
    page = speaking_page()
    page.goto(page.goto_base + "/practice/")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("[data-record-clock]")).not_to_have_text("0:00", timeout=5000)
    page.wait_for_timeout(1200)
    page.locator(REVEAL).click()  # without pressing Stop
    expect(page.locator("figure.recording audio")).to_be_visible()
    assert Recording.objects.count() == 1


def test_a_recording_outlives_a_hint_and_the_timer_counts(speaking_page):
    page = speaking_page()
    page.goto(page.goto_base + "/practice/")
    expect(page.locator("[data-elapsed]")).not_to_have_text("0:00", timeout=5000)
    record(page, WORDS["en-US"])
    page.get_by_role("button", name=re.compile("^Hint")).click()
    expect(page.locator(".hints")).to_be_visible()
    expect(page.locator("[data-preview]")).to_be_visible()  # the panel was drawn again
    expect(page.locator("[data-record]")).to_have_text("Record again")
    page.locator(REVEAL).click()
    expect(page.locator("figure.recording audio")).to_be_visible()
    assert Recording.objects.count() == 1


def test_it_records_a_mock_answer_on_a_phone_and_plays_it_in_the_report(speaking_page, user):
    page = speaking_page(viewport=MOBILE)
    page.goto(page.goto_base + "/mock/new/")
    page.get_by_label("Number of questions").fill("3")
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".mock-question")).to_be_visible()
    record(page, WORDS["en-US"])
    page.locator("#mock form button[type=submit]").click()
    for number in (2, 3):
        # The next question's panel, with a recorder of its own, before answering it.
        expect(page.locator(".mock-progress")).to_have_text(f"Question {number} of 3")
        expect(page.locator("[data-record]")).to_have_text("Record")
        page.locator("#mock form button[type=submit]").click()
    expect(page.get_by_role("heading", name="Mock interview report")).to_be_visible()
    player = page.locator("figure.recording audio")
    expect(player).to_have_count(1)
    assert plays(page, "figure.recording audio")
    session = MockSession.objects.get(user=user)
    assert Recording.objects.get().mock_item.session == session


def test_without_a_microphone_it_says_so_and_typing_works(open_page, user, recordings_dir):
    # The regular browser has no fake device: getUserMedia finds no microphone.
    page = open_page(user)
    page.goto("/practice/")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator("[data-recorder-status]")).to_contain_text("type your answer")
    page.locator("#answer-text").fill("Typed, not spoken.")
    page.locator(REVEAL).click()
    expect(page.locator("#reference")).to_be_visible()
    expect(page.locator("figure.recording")).to_have_count(0)
    assert Recording.objects.count() == 0


def test_without_javascript_the_recorder_explains_itself_and_typing_works(open_page, user):
    page = open_page(user, java_script_enabled=False)
    page.goto("/practice/")
    expect(page.locator("[data-recorder-fallback]")).to_be_visible()
    expect(page.locator("[data-recorder-fallback]")).to_contain_text("JavaScript and a microphone")
    expect(page.locator("[data-record]")).to_be_hidden()
    page.locator("#answer-text").fill("Typed without JavaScript.")
    page.locator(REVEAL).click()
    expect(page.get_by_role("heading", name="Reference answer")).to_be_visible()
    page.locator(".grades button").nth(2).click()
    expect(page).to_have_url(re.compile(r"/practice/"))
    assert Attempt.objects.filter(user=user).count() == 1
