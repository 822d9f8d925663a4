"""Practice in a real browser: with the mouse, with the keyboard only, and without JavaScript.
Then the attempts are in the history and the day on the stats page."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from questions.study.models import Attempt, profile_for
from tests.browser.conftest import PASSWORD
from tests.browser.helpers import ANSWERS, expect_question, expect_revealed

pytestmark = pytest.mark.browser

# Set on the window once; a full page load would drop it.
MARK_WINDOW = "window.__sameDocument = true"
SAME_WINDOW = "window.__sameDocument === true"


def sign_up(page, username):
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/practice/$"))


def expect_history_and_stats(page, user, titles):
    page.goto("/history/")
    expect(page.locator("#history-results").get_by_role("status")).to_have_text("3 attempts")
    listed = page.locator(".history-list a.title")
    expect(listed).to_have_count(3)
    assert sorted(listed.all_inner_texts()) == sorted(titles)

    page.goto("/stats/")
    figures = page.locator(".stat-figures")
    expect(figures.locator("div", has_text="Reviewed today").locator("dd")).to_have_text("3")
    expect(figures.locator("div", has_text="Reviews in all").locator("dd")).to_have_text("3")
    expect(figures.locator("div", has_text="Current streak").locator("dd")).to_have_text("1 day")
    # Today's cell in the calendar, and the one row of the table under it.
    today = timezone.localdate(timezone=ZoneInfo(profile_for(user).time_zone))
    calendar = page.locator("section", has=page.locator(".heatmap"))
    expect(calendar.locator("rect title", has_text=re.compile(r": 3\D*$"))).to_have_count(1)
    calendar.get_by_text("Reviews per day as a table").click()
    rows = calendar.locator("details tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(f"time[datetime='{today.isoformat()}']")).to_be_visible()
    expect(rows.locator("td").last).to_have_text("3")


def test_it_practises_three_questions_without_reloading_the_page(page):
    sign_up(page, "newcomer")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate(MARK_WINDOW)
    progress = page.locator("#day-progress")

    titles = []
    for number, answer in enumerate(ANSWERS, start=1):
        titles.append(expect_question(page))
        page.get_by_label("Your answer").fill(answer)
        page.get_by_role("button", name="Reveal answer").click()
        expect_revealed(page)
        # Correct the checklist: untick what was ticked for us, tick the second point.
        points = page.locator(".key-points input[type=checkbox]")
        first_checked = points.first.is_checked()
        points.first.set_checked(not first_checked)
        points.nth(1).check()
        page.get_by_role("button", name=re.compile(r"^Good")).click()
        graded = page.locator(".message.graded")
        expect(graded).to_contain_text(f"Graded “{titles[-1]}” Good")
        expect(progress).to_contain_text(f"Reviewed today {number}")
        assert page.evaluate(SAME_WINDOW), "the page reloaded"

    user = get_user_model().objects.get(username="newcomer")
    attempts = Attempt.objects.filter(user=user).order_by("created_at")
    assert [attempt.question.title for attempt in attempts] == titles
    assert all(attempt.rating == 3 for attempt in attempts)
    assert all(2 in attempt.ticked for attempt in attempts)
    expect_history_and_stats(page, user, titles)


def test_it_practises_with_the_keyboard_only(user_page, user):
    page = user_page
    page.goto("/practice/")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate(MARK_WINDOW)

    titles = []
    for number, answer in enumerate(ANSWERS, start=1):
        titles.append(expect_question(page))
        answer_box = page.get_by_label("Your answer")
        # On the page and after each grade, focus is in the answer box.
        expect(answer_box).to_be_focused()
        # Digits typed into the answer are text, not grades.
        page.keyboard.type(f"{answer} 3")
        expect(answer_box).to_have_value(f"{answer} 3")
        page.keyboard.press("Control+Enter")
        expect_revealed(page)
        # The checklist has focus; Space ticks; Tab walks it; 4 grades Easy from a checkbox.
        first = page.locator(".key-points input[type=checkbox]").first
        expect(first).to_be_focused()
        was_checked = first.is_checked()
        page.keyboard.press("Space")
        assert first.is_checked() is not was_checked
        page.keyboard.press("Tab")
        expect(page.locator(".key-points input[type=checkbox]").nth(1)).to_be_focused()
        page.keyboard.press("4")
        expect(page.locator(".message.graded")).to_contain_text(f"Graded “{titles[-1]}” Easy")
        expect(page.locator("#day-progress")).to_contain_text(f"Reviewed today {number}")

    assert page.evaluate(SAME_WINDOW), "the page reloaded"
    assert list(Attempt.objects.filter(user=user).values_list("rating", flat=True)) == [4, 4, 4]
    expect_history_and_stats(page, user, titles)


def test_it_practises_without_javascript(open_page, user):
    page = open_page(user, java_script_enabled=False)
    page.goto("/practice/")

    titles = []
    for answer in ANSWERS:
        titles.append(expect_question(page))
        page.get_by_label("Your answer").fill(answer)
        page.get_by_role("button", name="Reveal answer").click()
        expect(page).to_have_url(re.compile(r"/practice/\d+/reveal/$"))
        expect(page.locator("#reference")).to_be_visible()
        page.locator(".key-points input[type=checkbox]").first.check()
        page.get_by_role("button", name=re.compile(r"^Hard")).click()
        # Post, redirect, get: back on the practice page with the grade's message and its undo.
        expect(page).to_have_url(re.compile(r"/practice/$"))
        expect(page.get_by_role("status").filter(has_text="Graded")).to_contain_text(titles[-1])
        expect(page.get_by_role("button", name=re.compile("Undo the last grade"))).to_be_visible()

    assert list(Attempt.objects.filter(user=user).values_list("rating", flat=True)) == [2, 2, 2]
    expect_history_and_stats(page, user, titles)


def test_it_undoes_hints_and_skips_with_single_keys(user_page, user):
    page = user_page
    page.goto("/practice/")
    first_title = expect_question(page)
    page.keyboard.type(ANSWERS[0])
    page.keyboard.press("Control+Enter")
    expect_revealed(page)
    page.keyboard.press("3")
    expect(page.locator(".message.graded")).to_contain_text(first_title)
    assert Attempt.objects.filter(user=user).count() == 1

    # U takes the grade back: the same question, with the answer written before. Focus is in
    # the next answer box, where U is a letter: Escape leaves it first.
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    expect(page.locator("#practice").get_by_text("Grade undone.")).to_be_visible()
    expect(page.locator("#question-title")).to_have_text(first_title)
    expect(page.get_by_label("Your answer")).to_have_value(ANSWERS[0])
    assert Attempt.objects.filter(user=user).count() == 0

    # H shows a hint; S skips the question until tomorrow. Single keys act outside text fields.
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("h")
    expect(page.locator(".hints li")).to_have_count(1)
    expect(page.get_by_label("Your answer")).to_have_value(ANSWERS[0])
    # The swap gives the answer box focus back; wait for it before tabbing out of it.
    expect(page.get_by_label("Your answer")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Your answer")).not_to_be_focused()
    page.keyboard.press("s")
    expect(page.locator(".message.graded")).to_contain_text(f"Skipped “{first_title}”")
    expect(page.locator("#question-title")).not_to_have_text(first_title)
    assert Attempt.objects.filter(user=user).count() == 0


def test_it_shows_a_refused_grade_in_the_alert_region(user_page, user):
    page = user_page
    page.goto("/practice/")
    page.get_by_label("Your answer").fill(ANSWERS[0])
    page.get_by_role("button", name="Reveal answer").click()
    expect_revealed(page)
    token = page.locator("#practice input[name=token]")
    real_token = token.input_value()
    token.evaluate("input => { input.value = 'tampered'; }")
    page.get_by_role("button", name=re.compile(r"^Good")).click()

    # The 400 response's message goes to the alert region; the answer stays on screen.
    alert = page.locator("#htmx-alert").get_by_role("alert")
    expect(alert).to_contain_text("The practice token is invalid. Reload the page.")
    expect(page.locator("#reference")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Good"))).to_be_enabled()
    assert not Attempt.objects.filter(user=user).exists()

    # Once the grade goes through, the message goes away.
    token.evaluate("(input, value) => { input.value = value; }", real_token)
    page.get_by_role("button", name=re.compile(r"^Good")).click()
    expect(page.locator(".message.graded")).to_be_visible()
    expect(page.locator("#htmx-alert")).to_be_empty()
    assert Attempt.objects.filter(user=user).count() == 1


def test_it_keeps_the_focus_near_the_control_a_swap_replaced(user_page):
    page = user_page
    page.goto("/practice/")
    page.get_by_label("Your answer").fill(ANSWERS[0])
    page.get_by_role("button", name="Reveal answer").click()
    expect_revealed(page)

    # The star button keeps its id across the swap, so htmx keeps the focus on it.
    page.locator(".star-button").focus()
    page.keyboard.press("Enter")
    starred = page.get_by_role("button", name=re.compile("Starred"))
    expect(starred).to_be_focused()

    # The saved note and the sent report replace their forms: focus goes to what replaced them.
    notes = page.locator(".note-panel")
    notes.get_by_text("Add a note").click()
    notes.locator("textarea").fill("Bigrams for Chinese.")
    notes.locator("textarea").press("Tab")
    page.keyboard.press("Enter")
    expect(notes.get_by_role("status")).to_have_text("Note saved.")
    expect(notes).to_be_focused()

    page.get_by_text("Report a problem").click()
    page.get_by_label("The question is unclear").check()
    page.keyboard.press("1")  # a key pressed while choosing a reason does not grade
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    sent = page.locator(".report").get_by_role("status")
    expect(sent).to_contain_text("Thank you.")
    expect(page.locator(".report div[id^=report-]")).to_be_focused()
    expect(page.get_by_role("group", name="How well did you answer?")).to_be_visible()
    assert not Attempt.objects.exists()
