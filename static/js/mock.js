// Mock interview countdown. The server keeps the time and marks late answers overtime; this
// only shows the time left, counted from the element's data-deadline. data-server-now (the
// server's clock when it rendered the page) corrects for a device clock that is off.
(function () {
  "use strict";

  function format(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function endOf(timer) {
    if (!timer.dataset.end) {
      var deadline = Date.parse(timer.dataset.deadline);
      var serverNow = Date.parse(timer.dataset.serverNow);
      if (isNaN(deadline)) return NaN;
      var skew = isNaN(serverNow) ? 0 : Date.now() - serverNow;
      timer.dataset.end = String(deadline + skew);
    }
    return Number(timer.dataset.end);
  }

  function announce(timer, key) {
    var region = timer.closest("article, main").querySelector("[data-timer-announce]");
    if (!region || timer.dataset.announced === key) return;
    timer.dataset.announced = key;
    region.textContent = region.dataset[key] || "";
  }

  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (timer) {
      var end = endOf(timer);
      if (isNaN(end)) return;
      var left = Math.ceil((end - Date.now()) / 1000);
      var box = timer.closest(".mock-timer") || timer;
      if (left <= 0) {
        // "Time is up" replaces "Time left: 0:00", label and all.
        var label = box.querySelector("[data-timer-label]");
        if (label) label.hidden = true;
        timer.textContent = timer.dataset.expiredText;
        box.classList.add("expired");
        announce(timer, "expiredText");
        return;
      }
      timer.textContent = format(left);
      box.classList.toggle("ending", left <= 60);
      if (left <= 60) announce(timer, "minuteText");
    });
  }

  tick();
  setInterval(tick, 1000);
})();
