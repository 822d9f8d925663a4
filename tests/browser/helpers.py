"""Helpers the browser tests share (fixtures are in tests/browser/conftest.py)."""

from playwright.sync_api import expect

ANSWERS = [
    "预训练模型在大规模数据上训练，获得丰富的知识表示，泛化能力强。",
    "它可以减少特定任务所需的数据量，加速训练过程。",
    "Transfer learning: reuse the weights, then fine-tune on the task.",
]


def expect_question(page):
    """The practice panel shows a question ready for an answer; returns its title."""
    expect(page.get_by_role("button", name="Reveal answer")).to_be_visible()
    return page.locator("#question-title").inner_text()


def expect_revealed(page):
    expect(page.locator("#reference")).to_be_visible()
    # Focus goes to the checklist, where the user goes on (ticks, then 1-4).
    expect(page.locator(".key-points input[type=checkbox]").first).to_be_focused()
    expect(page.get_by_role("group", name="How well did you answer?")).to_be_visible()
