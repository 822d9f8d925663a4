// Answering out loud: the Record / Stop control of templates/questions/_recorder.html, and the
// practice timer of _answer_timer.html. The recording (Opus in WebM or Ogg, whichever the
// browser's MediaRecorder writes) goes into the form's hidden file input, so that the form sends
// it with the typed answer, through htmx or without it. The server checks it again.
(function () {
  "use strict";

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  // The first container the browser records Opus audio in.
  var TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/ogg"];
  function recordingType() {
    if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia ||
        typeof DataTransfer === "undefined") return null;
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported(TYPES[i])) return TYPES[i];
    }
    return null;
  }

  // A recording made for an answer outlives its panel being drawn again (a hint, a reveal the
  // server sent back): the panel with the same key picks it up.
  var kept = null; // {key, file, seconds}
  var active = null; // the recorder running now, if any

  function setUp(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var type = recordingType();
    var status = root.querySelector("[data-recorder-status]");
    var fallback = root.querySelector("[data-recorder-fallback]");
    if (!type) {
      fallback.textContent = root.dataset.unsupportedText;
      return;
    }
    var parts = {
      root: root,
      type: type,
      status: status,
      controls: root.querySelector("[data-recorder-controls]"),
      record: root.querySelector("[data-record]"),
      stop: root.querySelector("[data-stop]"),
      clock: root.querySelector("[data-record-clock]"),
      level: root.querySelector("[data-level]"),
      preview: root.querySelector("[data-preview]"),
      discard: root.querySelector("[data-discard]"),
      input: root.querySelector("[data-recording-input]"),
    };
    fallback.hidden = true;
    parts.controls.hidden = false;
    parts.record.addEventListener("click", function () { start(parts); });
    parts.stop.addEventListener("click", function () { stop(); });
    parts.discard.addEventListener("click", function () {
      clear(parts);
      parts.status.textContent = root.dataset.discardedText;
      kept = null;
    });
    // A recording the server refused is not offered again.
    if (root.hasAttribute("data-refused")) kept = null;
    if (kept && kept.key === root.dataset.key) show(parts, kept.file, kept.seconds);
  }

  function clear(parts) {
    parts.input.value = "";
    if (parts.preview.src) URL.revokeObjectURL(parts.preview.src);
    parts.preview.removeAttribute("src");
    parts.preview.hidden = true;
    parts.discard.hidden = true;
    parts.clock.textContent = "0:00";
  }

  function show(parts, file, seconds) {
    var files = new DataTransfer();
    files.items.add(file);
    parts.input.files = files.files;
    parts.preview.src = URL.createObjectURL(file);
    parts.preview.hidden = false;
    parts.discard.hidden = false;
    parts.clock.textContent = clock(seconds);
    parts.record.textContent = parts.root.dataset.againText;
  }

  function start(parts) {
    if (active) return;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      record(parts, stream);
    }, function () {
      parts.status.textContent = parts.root.dataset.deniedText;
    });
  }

  function record(parts, stream) {
    clear(parts);
    var recorder = new MediaRecorder(stream, { mimeType: parts.type, audioBitsPerSecond: 32000 });
    var maxSeconds = Number(parts.root.dataset.maxSeconds) || 300;
    var maxBytes = Number(parts.root.dataset.maxBytes) || 10485760;
    var chunks = [];
    var bytes = 0;
    var began = Date.now();
    var session = { parts: parts, recorder: recorder, stream: stream, done: [] };
    active = session;
    session.meter = meter(stream, parts.level);
    recorder.addEventListener("dataavailable", function (event) {
      if (!event.data.size) return;
      chunks.push(event.data);
      bytes += event.data.size;
      // A margin under the server's limit: the chunk after this one must fit too.
      if (bytes > maxBytes * 0.95) limit();
    });
    recorder.addEventListener("stop", function () {
      clearInterval(session.ticker);
      session.meter.stop();
      stream.getTracks().forEach(function (track) { track.stop(); });
      var seconds = (Date.now() - began) / 1000;
      var mime = (recorder.mimeType || parts.type).split(";")[0];
      var file = new File(chunks, "answer." + (mime === "audio/ogg" ? "ogg" : "webm"), { type: mime });
      active = null;
      parts.stop.hidden = true;
      parts.record.hidden = false;
      parts.record.disabled = false;
      if (document.contains(parts.root) && file.size) {
        kept = { key: parts.root.dataset.key, file: file, seconds: seconds };
        show(parts, file, seconds);
        if (!session.limited) parts.status.textContent = parts.root.dataset.recordedText;
        parts.record.focus();
      }
      session.done.forEach(function (callback) { callback(); });
    });
    function limit() {
      if (session.limited) return;
      session.limited = true;
      parts.status.textContent = parts.root.dataset.limitText;
      stop();
    }
    session.ticker = setInterval(function () {
      var seconds = (Date.now() - began) / 1000;
      parts.clock.textContent = clock(seconds);
      if (seconds >= maxSeconds) limit();
      // The panel was replaced (skip, another question) while recording: stop listening.
      if (!document.contains(parts.root)) stop();
    }, 250);
    recorder.start(1000);
    parts.record.hidden = true;
    parts.stop.hidden = false;
    parts.stop.focus();
    parts.status.textContent = parts.root.dataset.recordingText;
  }

  function stop(callback) {
    if (!active) {
      if (callback) callback();
      return;
    }
    if (callback) active.done.push(callback);
    if (active.recorder.state !== "inactive") active.recorder.stop();
  }

  // The level meter: the loudness of the last few milliseconds, from an AnalyserNode.
  function meter(stream, element) {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !element) return { stop: function () {} };
    var context = new Context();
    var analyser = context.createAnalyser();
    analyser.fftSize = 512;
    context.createMediaStreamSource(stream).connect(analyser);
    var samples = new Uint8Array(analyser.fftSize);
    var frame = 0;
    function draw() {
      analyser.getByteTimeDomainData(samples);
      var sum = 0;
      for (var i = 0; i < samples.length; i++) {
        var value = (samples[i] - 128) / 128;
        sum += value * value;
      }
      // Speech sits around 0.05-0.3 RMS; scaled so that a normal voice fills most of the bar.
      element.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      frame = requestAnimationFrame(draw);
    }
    draw();
    return {
      stop: function () {
        cancelAnimationFrame(frame);
        element.value = 0;
        context.close();
      },
    };
  }

  // Reveal or Submit pressed while recording: the recording stops, then the form is sent with it.
  document.addEventListener("htmx:confirm", function (event) {
    if (!active || !event.detail.elt.contains) return;
    var form = event.detail.elt.closest ? event.detail.elt.closest("form") : null;
    if (!form || !form.contains(active.parts.root)) return;
    event.preventDefault();
    stop(function () { event.detail.issueRequest(true); });
  });

  // --- The practice timer -------------------------------------------------------------------

  var TIMER_KEY = "answer-timer-hidden";

  function setUpTimer(timer) {
    if (timer.dataset.ready) return;
    timer.dataset.ready = "1";
    timer.dataset.since = String(Date.now());
    var toggle = timer.querySelector("[data-timer-toggle]");
    var box = timer.querySelector("[data-elapsed-box]");
    box.hidden = false;
    toggle.hidden = false;
    applyHidden(timer);
    toggle.addEventListener("click", function () {
      try {
        if (localStorage.getItem(TIMER_KEY)) localStorage.removeItem(TIMER_KEY);
        else localStorage.setItem(TIMER_KEY, "1");
      } catch (error) { /* storage refused: the choice lasts this page */ }
      timer.classList.toggle("timer-hidden");
      applyHidden(timer, timer.classList.contains("timer-hidden"));
    });
  }

  function applyHidden(timer, hidden) {
    if (hidden === undefined) {
      try { hidden = Boolean(localStorage.getItem(TIMER_KEY)); } catch (error) { hidden = false; }
    }
    timer.classList.toggle("timer-hidden", hidden);
    var toggle = timer.querySelector("[data-timer-toggle]");
    toggle.textContent = hidden ? timer.dataset.showText : timer.dataset.hideText;
    toggle.setAttribute("aria-expanded", hidden ? "false" : "true");
  }

  function tickTimers() {
    document.querySelectorAll("[data-answer-timer][data-ready]").forEach(function (timer) {
      var elapsed = (Date.now() - Number(timer.dataset.since)) / 1000;
      var over = elapsed > Number(timer.dataset.suggested);
      timer.querySelector("[data-elapsed]").textContent = clock(elapsed);
      if (over && !timer.classList.contains("over")) {
        timer.classList.add("over");
        timer.querySelector("[data-over]").textContent = timer.dataset.overText;
      }
    });
  }

  function scan() {
    document.querySelectorAll("[data-recorder]").forEach(setUp);
    document.querySelectorAll("[data-answer-timer]").forEach(setUpTimer);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
  document.addEventListener("htmx:afterSettle", scan);
  setInterval(tickTimers, 1000);
})();
