// Keyboard shortcuts for practice and focus handling after htmx swaps. No framework.
(function () {
  "use strict";

  // Fields that take keys themselves. Radio buttons count: a key pressed while choosing what
  // to report must not grade or skip the question. Checkboxes do not: 1-4 grade from the checklist.
  function inTextField(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !["checkbox", "button", "submit"].includes(el.type)) ||
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
  document.addEventListener("htmx:afterSettle", function (event) {
    focusTarget(event.detail.elt);
    keepFocus(event.detail);
  });

  // A swap that replaces the control the user just used (a form swapped for its result, an
  // outerHTML swap) drops focus to <body>, and keyboard users start again from the top of the
  // page. Put focus on the new content instead. htmx itself keeps focus on controls with an id.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var active = document.activeElement;
    event.detail.xhr.focusWasInside = Boolean(active && active !== document.body && event.detail.elt.contains(active));
  });
  function keepFocus(detail) {
    var active = document.activeElement;
    if (!detail.xhr || !detail.xhr.focusWasInside || (active && active !== document.body)) return;
    var region = detail.target;
    if (region && !region.isConnected && region.id) region = document.getElementById(region.id);
    if (!region || !region.isConnected) return;
    if (!region.hasAttribute("tabindex")) region.setAttribute("tabindex", "-1");
    region.focus({ preventScroll: true });
  }

  // An error response fills #htmx-alert (see the htmx-config meta in base.html); the next
  // successful swap clears it, or the old error would stay on screen next to the new content.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var alert = document.getElementById("htmx-alert");
    if (alert && !event.detail.isError && event.detail.shouldSwap) alert.replaceChildren();
  });
})();
