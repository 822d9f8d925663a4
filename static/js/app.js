// Keyboard shortcuts for practice, focus after htmx swaps, failed requests said out loud, and
// answers kept in the browser until they are graded. No framework.
(function () {
  "use strict";

  // Keyboard hints are shown only when the keys work (app.css hides them without JavaScript).
  document.documentElement.classList.add("js");

  // Fields that take keys themselves. Radio buttons count: a key pressed while choosing what
  // to report must not grade or skip the question. Checkboxes do not: 1-4 grade from the checklist.
  function inTextField(el) {
    return el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
      (el.tagName === "INPUT" && !["checkbox", "button", "submit"].includes(el.type)) ||
      el.isContentEditable);
  }

  // Elements on which Space and Enter already do something (press, tick, follow, open).
  var INTERACTIVE = "a[href], button, input, select, textarea, summary, label, [contenteditable], [role=button]";

  // Whether any part of `el` is inside the viewport: a shortcut that takes something back acts
  // only while the user can see what it takes back.
  function onScreen(el) {
    var box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight;
  }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    // Ctrl+Enter or Cmd+Enter in the answer box reveals the reference answer.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.matches("textarea[data-reveal-on-submit]")) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    // Escape leaves the answer box, so that the single keys below can be used.
    if (event.key === "Escape" && target.matches("textarea[data-reveal-on-submit]")) {
      target.blur();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || inTextField(target)) return;
    if (bufferWhilePending(event)) return;
    // Space or Enter reveals the answer (Anki's habit), where they would do nothing else.
    if (event.key === " " || event.key === "Enter") {
      var reveal = document.querySelector("[data-reveal-button]");
      if (reveal && !reveal.disabled && !(target.closest && target.closest(INTERACTIVE))) {
        event.preventDefault();
        reveal.click();
      }
      return;
    }
    // 1-4 grade once the answer is revealed; other single keys are listed on the page.
    var button = document.querySelector('[data-shortcut="' + CSS.escape(event.key.toLowerCase()) + '"]');
    if (!button || button.disabled) return;
    var notice = button.closest("[data-shortcut-while-visible]");
    if (notice && !onScreen(notice)) return;
    event.preventDefault();
    button.click();
  });

  // Keys typed while the practice screen waits for its next question (right after a grade) are
  // neither shortcuts nor lost: they go into the next answer box once it is there.
  var pending = 0;
  var typedAhead = "";
  function bufferWhilePending(event) {
    if (!pending || event.key.length !== 1) return false;
    // A grade key pressed twice is not the start of an answer.
    if (!typedAhead && /[0-9 ]/.test(event.key)) return true;
    event.preventDefault();
    typedAhead += event.key;
    return true;
  }
  function practiceRequest(event) {
    var target = event.detail.target;
    return Boolean(target && target.id === "practice");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (practiceRequest(event)) pending += 1;
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    if (practiceRequest(event)) pending = Math.max(0, pending - 1);
  });

  // After a swap, move focus where the user goes on: the next answer box, or after a reveal the
  // checklist (or the suggested grade). This runs as the new content goes in, before the next key.
  // The top of the new content is scrolled into view, so that its notice and question are seen.
  function focusTarget(root) {
    var target = root.querySelector("[data-autofocus]");
    if (!target) return false;
    if (root.getBoundingClientRect().top < 0) root.scrollIntoView({ block: "start" });
    target.focus({ preventScroll: true });
    if (target.tagName === "TEXTAREA") {
      if (typedAhead) {
        target.value += typedAhead;
        target.dispatchEvent(new Event("input", { bubbles: true }));
      }
      target.selectionStart = target.selectionEnd = target.value.length;
    }
    typedAhead = "";
    if (target.getBoundingClientRect().bottom > window.innerHeight) target.scrollIntoView({ block: "nearest" });
    return true;
  }
  // Screen readers hear what a swap did (graded, skipped, undone) through one live region that
  // is always on the page: a region that arrives with the swap is often not announced.
  function announce(root) {
    var region = document.getElementById("announcer");
    var notice = root.querySelector("[data-announce]");
    if (region && notice) region.textContent = notice.textContent.replace(/\s+/g, " ").trim();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = event.detail.target;
    if (root && !root.isConnected && root.id) root = document.getElementById(root.id);
    if (!root || !root.isConnected) return;
    restoreDrafts(root);
    updateCounters(root);
    focusTarget(root);
    announce(root);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
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
    // An error page (a 404 for a question that was deleted, say) is not a message for the alert.
    if (event.detail.isError && /<html/i.test(event.detail.serverResponse || "")) {
      event.detail.shouldSwap = false;
      showFailure(event.detail, "server");
    }
  });

  // --- A failed request is never silent --------------------------------------------------------
  // No network, no answer in time, or a server error: nothing was swapped, the form and its text
  // are as they were, and the alert says so with a button that sends the same request again.
  function retryFor(detail) {
    var config = detail.requestConfig || {};
    var event = config.triggeringEvent;
    var submitter = event && event.submitter;
    var elt = detail.elt;
    if (submitter && submitter.isConnected) return function () { submitter.click(); };
    if (!elt || !elt.isConnected) return null;
    if (elt.tagName === "FORM") return function () { elt.requestSubmit(); };
    if (elt.matches("a[href], button")) return function () { elt.click(); };
    return function () {
      htmx.ajax(config.verb ? config.verb.toUpperCase() : "GET", config.path, { source: elt, target: detail.target });
    };
  }
  function showFailure(detail, kind, keepMessage) {
    var alert = document.getElementById("htmx-alert");
    if (!alert) return;
    var box = keepMessage && alert.firstElementChild;
    if (!box) {
      box = document.createElement("div");
      box.className = "message error";
      box.setAttribute("role", "alert");
      var text = document.createElement("p");
      text.textContent = alert.dataset[kind + "Text"];
      box.append(text);
      alert.replaceChildren(box);
    }
    var retry = retryFor(detail);
    if (retry) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = alert.dataset.retryText;
      button.addEventListener("click", function () {
        alert.replaceChildren();
        retry();
      });
      box.append(button);
    }
    typedAhead = "";
  }
  document.addEventListener("htmx:sendError", function (event) {
    showFailure(event.detail, navigator.onLine === false ? "offline" : "network");
  });
  document.addEventListener("htmx:timeout", function (event) {
    showFailure(event.detail, "timeout");
  });
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    // A 4xx carries its own message, already swapped into the alert: add the retry to it.
    var swapped = status >= 400 && status < 500 && !/<html/i.test(event.detail.xhr.responseText || "");
    showFailure(event.detail, "server", swapped);
  });

  // --- Answers kept in the browser until graded -----------------------------------------------
  // Every change of an answer box with data-draft-key is saved in localStorage; an empty box of
  // the same question gets it back after a reload or a closed tab. A successful request from a
  // form with data-draft-done (the grade) forgets it; logging out forgets them all.
  var DRAFT_PREFIX = "draft:";
  var DRAFT_DAYS = 7;
  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage blocked: the answer still stays in the form
    }
  }
  function readDraft(key) {
    var store = storage();
    try {
      var draft = store && JSON.parse(store.getItem(key));
      return (draft && draft.text) || "";
    } catch (error) {
      return "";
    }
  }
  function saveDraft(key, text) {
    var store = storage();
    if (!store) return;
    try {
      if (text.trim()) store.setItem(key, JSON.stringify({ text: text, saved: Date.now() }));
      else store.removeItem(key);
    } catch (error) {
      // full storage: the answer still stays in the form
    }
  }
  function forgetDrafts(test) {
    var store = storage();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0 && test(key)) store.removeItem(key);
    }
  }
  function restoreDrafts(root) {
    root.querySelectorAll("textarea[data-draft-key]").forEach(function (box) {
      if (box.value.trim()) return; // the server's text wins: an undo brings the answer back
      var text = readDraft(box.dataset.draftKey);
      if (!text) return;
      box.value = text;
      var note = document.querySelector('[data-draft-restored-for="' + box.id + '"]');
      if (note) note.hidden = false;
    });
  }
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("textarea")) return;
    if (box.dataset.draftKey) saveDraft(box.dataset.draftKey, box.value);
    updateCounter(box);
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // The element that sent the request: once swapped out, htmx reports the event on the target.
    var sender = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    var form = sender && sender.closest && sender.closest("[data-draft-done]");
    if (form && event.detail.successful) saveDraft(form.dataset.draftDone, "");
  });
  document.addEventListener("submit", function (event) {
    if (event.target.matches("[data-forget-drafts]")) forgetDrafts(function () { return true; });
  });
  var weekAgo = Date.now() - DRAFT_DAYS * 24 * 3600 * 1000;
  forgetDrafts(function (key) {
    try {
      return JSON.parse(storage().getItem(key)).saved < weekAgo;
    } catch (error) {
      return true;
    }
  });

  // --- How long an answer is, near its limit ---------------------------------------------------
  // The server counts characters, and a line break arrives as two (CR LF): count the same way.
  function length(text) {
    return Array.from(text).length + (text.match(/\n/g) || []).length;
  }
  function updateCounter(box) {
    var counter = box.id && document.querySelector('[data-counter-for="' + box.id + '"]');
    if (!counter) return;
    var max = Number(counter.dataset.max);
    var count = length(box.value);
    var over = count > max;
    counter.hidden = count < max * 0.8;
    counter.classList.toggle("over", over);
    counter.textContent = (over ? counter.dataset.overText : counter.dataset.text)
      .replace("{count}", count.toLocaleString())
      .replace("{max}", max.toLocaleString());
    if (over) box.setAttribute("aria-invalid", "true");
    else if (!(box.closest(".field") || box).querySelector(".errorlist")) box.removeAttribute("aria-invalid");
  }
  function updateCounters(root) {
    root.querySelectorAll("textarea").forEach(updateCounter);
  }

  // --- The browser's time zone: sent with the signup, offered in the settings ------------------
  function browserTimeZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }
  var zone = browserTimeZone();
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    if (!input.value) input.value = zone;
  });
  document.querySelectorAll("[data-time-zone-offer]").forEach(function (offer) {
    var select = document.getElementById(offer.dataset.timeZoneOffer);
    var known = select && Array.prototype.some.call(select.options, function (option) { return option.value === zone; });
    if (!zone || !known || select.value === zone) return;
    offer.querySelectorAll("[data-text]").forEach(function (el) {
      el.textContent = el.dataset.text.replace("{zone}", zone.replace(/_/g, " "));
    });
    offer.querySelector("button").addEventListener("click", function () {
      select.value = zone;
      offer.hidden = true;
      select.focus();
    });
    offer.hidden = false;
  });

  restoreDrafts(document);
  updateCounters(document);
})();
