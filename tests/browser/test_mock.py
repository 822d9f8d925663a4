"""A mock interview in a real browser: the timer runs, answers go in without reloading the page,
and the report grades each answer in place."""

import re

import pytest
from playwright.sync_api import expect

from questions.study.models import Attempt, AttemptMode, MockSession, MockStatus

pytestmark = pytest.mark.browser


def test_it_runs_a_mock_interview_end_to_end(user_page, user):
    page = user_page
    page.goto("/mock/new/")
    page.get_by_label("Number of questions").fill("3")
    page.get_by_label("Minutes per question").fill("1")
    page.get_by_role("button", name="Start").click()
    expect(page).to_have_url(re.compile(r"/mock/\d+/$"))
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.__sameDocument = true")

    timer = page.get_by_role("timer", name="Time left")
    expect(timer).to_have_text(re.compile(r"^(1:00|0:[0-5]\d)$"))
    # The countdown runs in the page: its text changes within a couple of seconds.
    shown = timer.inner_text()
    expect(timer).not_to_have_text(shown, timeout=3_000)

    progress = page.locator(".mock-progress")
    expect(progress).to_have_text("Question 1 of 3")
    page.get_by_label("Your answer").fill("预训练模型在大规模数据上学习通用的表示。")
    page.get_by_role("button", name="Submit and go on").click()

    expect(progress).to_have_text("Question 2 of 3")
    expect(page.get_by_label("Your answer")).to_be_focused()
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    expect(timer).to_have_text(re.compile(r"^(1:00|0:[0-5]\d)$"))
    page.get_by_label("Your answer").fill("Fine-tuning adapts the weights to the task.")
    page.get_by_label("Your answer").press("Control+Enter")

    expect(progress).to_have_text("Question 3 of 3")
    page.get_by_label("Your answer").fill("")
    page.get_by_role("button", name="Submit and finish").click()

    # The last answer ends the interview: the report, a page of its own.
    expect(page.get_by_role("heading", name="Mock interview report", level=1)).to_be_visible()
    session = MockSession.objects.get(user=user)
    assert session.status == MockStatus.FINISHED
    items = page.locator("section.mock-item")
    expect(items).to_have_count(3)
    expect(items.nth(2)).to_contain_text("You did not write an answer.")
    summary = page.locator("#mock-summary")
    expect(summary).to_contain_text("0 of 3")

    page.evaluate("window.__sameDocument = true")
    for number, grade in enumerate(["Good", "Hard", "Again"], start=1):
        item = page.locator(f"#item-{number}")
        item.get_by_role("button", name=grade, exact=True).click()
        expect(item.get_by_role("status")).to_have_text(f"Your grade: {grade}")
        # The graded item replaced the form and its buttons: the focus goes to the item.
        expect(item).to_be_focused()
        expect(summary).to_contain_text(f"{number} of 3")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"

    attempts = Attempt.objects.filter(user=user)
    assert sorted(attempts.values_list("rating", flat=True)) == [1, 2, 3]
    assert set(attempts.values_list("mode", flat=True)) == {AttemptMode.MOCK}
