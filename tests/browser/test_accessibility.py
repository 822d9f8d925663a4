"""Accessibility in a real browser: axe-core finds nothing serious on the main pages, in English
and Chinese, light and dark; every control has a name; the pages fit a phone and 200% zoom; dark
mode and reduced motion are honoured."""

import re
from functools import cache

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, MOBILE, PASSWORD, REVEAL_BUTTON, require_tool

pytestmark = pytest.mark.browser

# axe rules that check that a control has an accessible name: none of these may fail at all.
NAME_RULES = {
    "aria-command-name",
    "aria-input-field-name",
    "aria-toggle-field-name",
    "button-name",
    "input-button-name",
    "label",
    "link-name",
    "select-name",
    "svg-img-alt",
}
RUN_AXE = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@cache
def axe_source():
    return AXE.read_text()


def axe_problems(page):
    """Violations that are serious or critical, or that leave a control without a name."""
    require_tool(AXE, "run scripts/ensure-axe.sh (npm install axe-core into var/node)")
    # A <script> tag would be refused by the CSP; evaluating the source is not.
    page.evaluate(axe_source())
    violations = page.evaluate(RUN_AXE)
    return [
        v for v in violations if v["impact"] in ("serious", "critical") or v["id"] in NAME_RULES
    ]


def tour(page, user):
    """Visit the main pages as a visitor, then as `user`; yield each page's name when it is ready.

    The practice page is visited before and after revealing an answer, and one grade leaves
    something in the history and stats.
    """
    page.goto("/accounts/signup/")
    yield "signup"
    page.goto("/accounts/login/")
    yield "login"
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/practice/$"))

    page.goto("/")
    yield "home"
    page.goto("/questions/")
    yield "question list"
    page.locator(".question-list a.title").first.click()
    expect(page.locator("h1")).to_be_visible()
    yield "question"
    page.goto("/practice/")
    page.wait_for_function("window.htmx !== undefined")
    yield "practice"
    page.locator("#answer-text").fill("预训练模型在大规模数据上训练，泛化能力强。")
    page.locator(REVEAL_BUTTON).first.click()
    expect(page.locator(".key-points input[type=checkbox]").first).to_be_focused()
    yield "practice, answer revealed"
    page.locator(".grades button").nth(2).click()
    expect(page.locator(".message.graded")).to_be_visible()
    yield "practice, graded"
    page.goto("/history/")
    yield "history"
    page.goto("/stats/")
    yield "stats"
    page.goto("/mock/new/")
    yield "new mock interview"
    page.locator("#id_count").fill("3")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[role=timer][data-deadline]")).to_be_visible()
    yield "mock interview"
    page.goto("/mock/")
    yield "mock interviews"
    page.goto("/accounts/settings/")
    yield "settings"


# The tour's pages in two groups, so that each test stays short.
FIRST_PAGES = {
    "signup",
    "login",
    "home",
    "question list",
    "question",
    "practice",
    "practice, answer revealed",
    "practice, graded",
}


@pytest.mark.parametrize(
    "first_pages", [True, False], ids=["visitor-and-practice", "progress-mock"]
)
@pytest.mark.parametrize(
    ("locale", "color_scheme"),
    [("en-US", "light"), ("en-US", "dark"), ("zh-CN", "light"), ("zh-CN", "dark")],
    ids=["english", "english-dark", "chinese", "chinese-dark"],
)
def test_the_main_pages_have_no_serious_accessibility_problems(
    open_page, user, locale, color_scheme, first_pages
):
    page = open_page(locale=locale, color_scheme=color_scheme)
    found = {}
    for name in tour(page, user):
        if (name in FIRST_PAGES) == first_pages:
            found[name] = axe_problems(page)
        if first_pages and found.keys() == FIRST_PAGES:
            break
    assert len(found) >= 6
    assert {name: problems for name, problems in found.items() if problems} == {}


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"], ids=["english", "chinese"])
def test_the_main_pages_fit_a_phone_without_scrolling_sideways(open_page, user, locale):
    page = open_page(locale=locale, viewport=MOBILE, is_mobile=True, has_touch=True)
    too_wide = {}
    for name in tour(page, user):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > MOBILE["width"]:
            too_wide[name] = width
    assert too_wide == {}


def test_the_main_pages_fit_at_200_percent_zoom(open_page, user):
    # A 1280-px window at 200% zoom lays pages out in 640 CSS pixels at twice the density.
    page = open_page(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    too_wide = {}
    for name in tour(page, user):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 640:
            too_wide[name] = width
    assert too_wide == {}


BACKGROUND = "getComputedStyle(document.body).backgroundColor"
COLOUR = "getComputedStyle(document.body).color"


def test_it_follows_the_dark_colour_scheme(page):
    page.goto("/")
    light = page.evaluate(BACKGROUND), page.evaluate(COLOUR)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(BACKGROUND), page.evaluate(COLOUR)
    assert brightness(dark[0]) < 100 < 200 < brightness(light[0])
    assert brightness(dark[1]) > 200 > 100 > brightness(light[1])


def brightness(css_colour):
    """The mean of the red, green and blue of an "rgb(…)" colour, 0 to 255."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_colour)[:3])
    return (red + green + blue) / 3


# The htmx request indicator is the page's one transition; an indicator is put in for the check.
INDICATOR_TRANSITION = """() => {
  const indicator = document.createElement("span");
  indicator.className = "htmx-indicator htmx-request";
  document.body.append(indicator);
  const duration = getComputedStyle(indicator).transitionDuration;
  indicator.remove();
  return duration;
}"""


def test_it_turns_transitions_off_for_reduced_motion(page):
    page.goto("/")
    assert page.evaluate(INDICATOR_TRANSITION) == "0.2s"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(INDICATOR_TRANSITION) == "0s"
