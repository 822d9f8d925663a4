// Keyboard shortcuts for practice and focus handling after htmx swaps. No framework.
(function () {
  "use strict";

  function inTextField(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(el.type)) ||
      el.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    // Ctrl+Enter or Cmd+Enter in the answer box reveals the reference answer.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea[data-reveal-on-submit]")) {
      event.preventDefault();
      event.target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || inTextField(event.target)) return;
    // 1-4 grade once the answer is revealed; other single keys are listed on the page.
    var button = document.querySelector('[data-shortcut="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  // After a swap, move focus where the user continues: the revealed answer or the next prompt.
  function focusTarget(root) {
    var target = root.querySelector("[data-autofocus]");
    if (target) target.focus({ preventScroll: false });
  }
  document.addEventListener("htmx:afterSettle", function (event) { focusTarget(event.detail.elt); });
})();
