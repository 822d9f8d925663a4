"""An editor adds a question in the admin, and it comes up in practice."""

import re

import pytest
from playwright.sync_api import expect

from questions.bank.models import Question, Topic
from tests.browser.conftest import PASSWORD
from tests.factories import make_editors_group, make_user

pytestmark = pytest.mark.browser


def fill_if_shown(page, selector, value):
    field = page.locator(selector)
    if field.count() and field.first.is_visible() and field.first.is_editable():
        field.first.fill(value)


def editors_group():
    return make_editors_group()


def test_an_editor_adds_a_question_that_comes_up_in_practice(page):
    editor = make_user("editor", is_staff=True)
    editor.groups.add(editors_group())
    Topic.objects.create(name="Browser testing", slug="browser-testing")

    page.goto("/admin/questions/question/add/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/questions/question/add/$"))

    page.locator("#id_topic").select_option(label="Browser testing")
    page.locator("#id_title").fill("What does a headless browser test prove?")
    page.locator("#id_prompt").fill("Explain what a **real-browser test** checks that others miss.")
    # The answer is the text before the key points; the points below are listed after it.
    page.locator("#id_answer").fill("A real browser runs what other tests only read.")
    fill_if_shown(page, "#id_external_key", "browser:1")
    fill_if_shown(page, "#id_key_points-0-position", "1")
    page.locator("#id_key_points-0-label").fill("JavaScript")
    page.locator("#id_key_points-0-detail").fill("The page's scripts run in a real engine.")
    # The form has one empty key point row; the admin's script adds the next.
    page.get_by_text(re.compile("Add another key point", re.IGNORECASE)).click()
    fill_if_shown(page, "#id_key_points-1-position", "2")
    page.locator("#id_key_points-1-label").fill("CSP")
    page.locator("#id_key_points-1-detail").fill("The Content-Security-Policy lets them run.")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    question = Question.objects.get(title="What does a headless browser test prove?")
    assert question.key_points.count() == 2

    # The editor is a user too: the new question is the one to practise in its topic.
    page.goto("/practice/?topic=browser-testing")
    expect(page.locator("#question-title")).to_have_text(question.title)
    page.get_by_label("Your answer").fill("Scripts run, and the CSP allows them.")
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator(".key-points li")).to_have_count(2)
