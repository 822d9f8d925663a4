"""The practice screen as a daily user lives in it, in a real browser: no keystroke loses work
(typing after a grade, Space to reveal, undo only on screen), nothing fails silently (offline,
a server error), an unsent answer survives a reload, the grade's notice stays in sight on a phone,
and the keyboard hints show only where there is a keyboard."""

import re

import pytest
from playwright.sync_api import expect

from questions.study.models import Attempt, ReviewCard
from tests.browser.conftest import MOBILE

pytestmark = pytest.mark.browser

ANSWER = "预训练模型在大规模数据上训练，获得丰富的知识表示，泛化能力强。"
TYPED_AFTER_GRADE = "Use a smaller learning rate, BERT"


def open_practice(page):
    page.goto("/practice/")
    page.wait_for_function("window.htmx !== undefined")
    expect(page.get_by_role("button", name="Reveal answer")).to_be_visible()
    return page.locator("#question-title").inner_text()


def reveal(page, answer=ANSWER):
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.get_by_role("group", name="How well did you answer?")).to_be_visible()


def test_typing_right_after_a_grade_goes_into_the_next_answer_box(user_page, user):
    page = user_page
    first = open_practice(page)
    reveal(page)
    # After the reveal, focus is on the checklist, where 1-4 grade.
    expect(page.locator(".key-points input[type=checkbox]").first).to_be_focused()
    page.keyboard.press("3")
    # Typing at once, before the next question is even there: U, S and H are letters here.
    page.keyboard.type(TYPED_AFTER_GRADE)

    answer_box = page.get_by_label("Your answer")
    expect(answer_box).to_be_focused()
    expect(answer_box).to_have_value(TYPED_AFTER_GRADE)
    expect(page.locator(".message.graded")).to_contain_text(f"Graded “{first}” Good")
    expect(page.locator("#question-title")).not_to_have_text(first)
    # The grade stands and nothing was skipped.
    assert Attempt.objects.filter(user=user).count() == 1
    assert not ReviewCard.objects.filter(user=user, skipped_until__isnull=False).exists()


def test_a_grade_key_pressed_the_moment_the_checklist_arrives_grades_in_place(user_page, user):
    """The key comes in the task right after the reveal's swap: the grade form must already be
    htmx's, or the browser submits it as a plain form and reloads the page (losing what the
    learner types next)."""
    page = user_page
    first = open_practice(page)
    page.evaluate(
        """() => {
          window.notReloaded = true;
          document.addEventListener("htmx:afterSwap", function pressThree() {
            if (!document.querySelector("[data-shortcut='3']")) return;
            document.removeEventListener("htmx:afterSwap", pressThree);
            // The next task after the swap's: the first moment a real key can come.
            setTimeout(() => document.activeElement.dispatchEvent(
              new KeyboardEvent("keydown", { key: "3", bubbles: true, cancelable: true })));
          });
        }"""
    )
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator(".message.graded")).to_contain_text(f"Graded “{first}” Good")
    assert page.evaluate("window.notReloaded") is True
    assert Attempt.objects.filter(user=user).count() == 1


def test_space_reveals_when_not_typing_and_types_a_space_when_typing(user_page):
    page = user_page
    open_practice(page)
    answer_box = page.get_by_label("Your answer")
    expect(answer_box).to_be_focused()
    page.keyboard.type("Attention ")
    expect(answer_box).to_have_value("Attention ")
    page.keyboard.press("Escape")
    expect(answer_box).not_to_be_focused()
    page.keyboard.press(" ")
    expect(page.get_by_role("group", name="How well did you answer?")).to_be_visible()
    expect(page.locator(".attempt-text")).to_contain_text("Attention")


def test_undo_by_key_works_only_while_its_notice_is_on_screen(user_page, user):
    page = user_page
    open_practice(page)
    reveal(page)
    page.keyboard.press("2")
    notice = page.locator(".message.graded")
    expect(notice).to_be_visible()
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Escape")
    # Out of sight (unstuck here, and the page scrolled far below it): U does nothing.
    page.evaluate(
        "document.querySelector('.message.graded').style.position = 'static';"
        "document.body.style.minHeight = (document.body.scrollHeight + 3000) + 'px';"
        "window.scrollTo(0, document.body.scrollHeight)"
    )
    expect(notice).not_to_be_in_viewport()
    page.keyboard.press("u")
    page.wait_for_timeout(300)  # time for a request that must not happen
    assert Attempt.objects.filter(user=user).count() == 1
    # Back in sight: U takes the grade back.
    page.evaluate("window.scrollTo(0, 0)")
    page.keyboard.press("u")
    expect(page.locator("#practice").get_by_text("Grade undone.")).to_be_visible()
    assert Attempt.objects.filter(user=user).count() == 0


def test_a_skip_can_be_undone(user_page, user):
    page = user_page
    first = open_practice(page)
    page.get_by_role("button", name=re.compile("^Skip for today")).click()
    notice = page.locator(".message.graded")
    expect(notice).to_contain_text(f"Skipped “{first}”")
    expect(page.locator("#question-title")).not_to_have_text(first)
    notice.get_by_role("button", name=re.compile("^Undo")).click()
    expect(page.locator("#question-title")).to_have_text(first)
    assert not ReviewCard.objects.filter(user=user, skipped_until__isnull=False).exists()


def test_a_suspend_can_be_undone_with_its_key(user_page, user):
    page = user_page
    first = open_practice(page)
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".message.graded")).to_contain_text(f"Suspended “{first}”")
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    expect(page.locator("#question-title")).to_have_text(first)
    assert not ReviewCard.objects.filter(user=user, suspended=True).exists()


def test_an_offline_grade_says_so_keeps_the_answer_and_retries(user_page, user):
    page = user_page
    open_practice(page)
    reveal(page)
    page.context.set_offline(True)
    page.get_by_role("button", name=re.compile(r"^Good")).click()
    alert = page.locator("#htmx-alert").get_by_role("alert")
    expect(alert).to_contain_text("nothing was sent")
    expect(page.locator(".attempt-text")).to_contain_text(ANSWER)
    expect(page.get_by_role("button", name=re.compile(r"^Good"))).to_be_enabled()
    assert not Attempt.objects.filter(user=user).exists()

    page.context.set_offline(False)
    alert.get_by_role("button", name="Try again").click()
    expect(page.locator(".message.graded")).to_contain_text("Good")
    expect(page.locator("#htmx-alert")).to_be_empty()
    assert Attempt.objects.get(user=user).rating == 3


def test_a_server_error_says_so_and_keeps_the_answer(user_page):
    page = user_page
    open_practice(page)
    page.route("**/reveal/", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_label("Your answer").fill(ANSWER)
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#htmx-alert").get_by_role("alert")).to_contain_text("The server failed")
    expect(page.get_by_label("Your answer")).to_have_value(ANSWER)
    expect(page.get_by_role("button", name="Reveal answer")).to_be_enabled()


def test_an_unsent_answer_comes_back_after_a_reload_until_it_is_graded(user_page):
    page = user_page
    title = open_practice(page)
    page.get_by_label("Your answer").press_sequentially("Self-attention weighs every token")
    page.reload()
    expect(page.locator("#question-title")).to_have_text(title)
    expect(page.get_by_label("Your answer")).to_have_value("Self-attention weighs every token")
    expect(page.get_by_text("Your unsent answer was restored")).to_be_visible()

    # Revealed and reloaded before grading: still there.
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.get_by_role("group", name="How well did you answer?")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("Self-attention weighs every token")

    # Graded: gone from the browser's storage.
    page.get_by_role("button", name="Reveal answer").click()
    page.get_by_role("button", name=re.compile(r"^Good")).click()
    expect(page.locator(".message.graded")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('draft:'))") == []


def test_a_text_over_the_limit_is_refused_with_its_count_not_cut(user_page):
    page = user_page
    open_practice(page)
    long_text = "词" * 20_001
    page.get_by_label("Your answer").fill(long_text)
    expect(page.locator("#answer-text-count")).to_contain_text("Too long: 20,001 of 20,000")
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#text-errors")).to_contain_text("20001")
    assert len(page.get_by_label("Your answer").input_value()) == 20_001


def test_the_grade_notice_stays_in_sight_on_a_phone(open_page, user):
    page = open_page(user, viewport=MOBILE, is_mobile=True, has_touch=True)
    first = open_practice(page)
    reveal(page)
    page.get_by_role("button", name=re.compile(r"^Good")).click()
    notice = page.locator(".message.graded")
    expect(notice).to_contain_text(first)
    expect(notice).to_be_in_viewport()
    page.evaluate("window.scrollBy(0, 600)")
    expect(notice).to_be_in_viewport()
    expect(notice.get_by_role("button", name=re.compile("^Undo"))).to_be_in_viewport()


def test_keyboard_hints_show_with_a_keyboard_only(open_page, user):
    desktop = open_page(user)
    open_practice(desktop)
    expect(desktop.locator(".shortcuts").first).to_be_visible()
    expect(desktop.locator("button[data-shortcut=h] kbd")).to_be_visible()

    phone = open_page(user, viewport=MOBILE, is_mobile=True, has_touch=True)
    open_practice(phone)
    expect(phone.locator(".shortcuts").first).to_be_hidden()
    expect(phone.locator("button[data-shortcut=h] kbd")).to_be_hidden()

    without_js = open_page(user, java_script_enabled=False)
    without_js.goto("/practice/")
    expect(without_js.locator(".shortcuts").first).to_be_hidden()
    expect(without_js.get_by_role("button", name="Hint")).to_be_visible()


def test_the_mock_timer_stays_in_sight_and_the_answer_box_has_focus(user_page):
    page = user_page
    page.goto("/mock/new/")
    page.get_by_label("Number of questions").fill("3")
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.set_viewport_size(MOBILE)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    expect(page.get_by_role("timer", name="Time left")).to_be_in_viewport()
    page.get_by_label("Your answer").fill("迁移学习")
    page.get_by_role("button", name="Submit and go on").click()
    expect(page.locator(".mock-progress")).to_have_text("Question 2 of 3")
    expect(page.get_by_label("Your answer")).to_be_focused()


def test_a_suspended_question_is_not_listed_as_due_in_the_bank(user_page, user):
    page = user_page
    first = open_practice(page)
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".message.graded")).to_contain_text(first)
    page.goto("/questions/")
    row = page.locator(".question-list li", has=page.get_by_role("link", name=first, exact=True))
    expect(row).to_be_visible()
    expect(row.locator(".badge.status-due")).to_have_count(0)
    expect(row).to_contain_text("Suspended")
