"""Issue 8's controls in a real browser: suspend, report a problem (and see the editor resolve
it), and an interview date that changes what is due."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from questions.bank.models import QuestionReport
from questions.study.models import ReviewCard, profile_for
from tests.browser.helpers import expect_question, expect_revealed

pytestmark = pytest.mark.browser


def test_a_user_suspends_a_question_and_brings_it_back(user_page, user):
    page = user_page
    page.goto("/practice/")
    title = expect_question(page)
    page.get_by_role("button", name="Suspend").click()
    expect(page.locator(".message.graded")).to_contain_text(f"Suspended “{title}”")
    expect(page.locator("#question-title")).not_to_have_text(title)
    assert ReviewCard.objects.get(user=user).suspended

    page.goto("/accounts/settings/")
    suspended = page.locator("#suspended-heading").locator("..")
    expect(suspended.get_by_role("link", name=title)).to_be_visible()
    suspended.get_by_role("button", name="Unsuspend").click()
    expect(page.get_by_text("No suspended questions")).to_be_visible()
    assert not ReviewCard.objects.get(user=user).suspended


def test_a_user_reports_a_problem_and_sees_it_resolved(user_page, user):
    page = user_page
    page.goto("/practice/")
    title = expect_question(page)
    page.get_by_text("Report a problem").click()
    page.get_by_label("The question is unclear").check()
    page.get_by_label("Comment (optional)").fill("第三点和第二点说的是同一件事？")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("status").filter(has_text="Thank you")).to_contain_text(title)

    report = QuestionReport.objects.get(user=user)
    # The editor resolves it in the admin (tested there); here its effect on the reporter.
    report.status = "resolved"
    report.resolved_at = timezone.now()
    report.save()
    page.goto(f"/questions/{report.question_id}/")
    reports = page.get_by_role("heading", name="Your reports").locator("+ ul")
    expect(reports).to_contain_text("The question is unclear")
    expect(reports).to_contain_text("Resolved")


def test_an_interview_date_caps_what_is_due(user_page, user):
    page = user_page
    interview = timezone.now().date() + timedelta(days=3)
    page.goto("/accounts/settings/")
    page.get_by_label("Interview date").fill(interview.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()

    page.goto("/practice/")
    expect(page.locator("#day-progress")).to_contain_text(re.compile(r"Interview in \d days?"))
    expect_question(page)
    page.get_by_label("Your answer").fill("预训练模型泛化能力强，可以减少数据需求，加速训练。")
    page.get_by_role("button", name="Reveal answer").click()
    expect_revealed(page)
    easy = page.get_by_role("button", name=re.compile("^Easy"))
    # Without the interview, Easy on a new question waits more than a week (8 days); with it,
    # no button goes past the interview, 3 days away.
    expect(easy.locator(".interval")).to_have_text(re.compile(r"^(\d+[mh]|[1-3]d)$"))
    easy.click()
    expect(page.locator(".message.graded")).to_be_visible()
    card = ReviewCard.objects.get(user=user)
    local_due = card.due.astimezone(profile_for(user).zone).date()
    assert local_due <= interview
