/* The few lines of script: the session countdown and its dialog, tab sync, focus on the error summary.
   Everything works without it; it only makes waiting and errors clearer. No inline script (CSP). */
(function () {
  "use strict";
  var KEY = "arc-session-deadline"; // a number only: no personal data in localStorage
  var deadline = null;
  var timer = null;

  function countdown() { return document.getElementById("countdown"); }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function fmt(s) { s = Math.max(0, Math.floor(s)); return pad(Math.floor(s / 60)) + ":" + pad(s % 60); }

  function deadlineFromPage() {
    var c = countdown();
    if (!c) { return null; }
    var rem = parseInt(c.getAttribute("data-remaining"), 10);
    return isNaN(rem) ? null : Date.now() + rem * 1000;
  }
  function publish() { try { localStorage.setItem(KEY, String(deadline)); } catch (e) { /* private mode */ } }

  function expire() {
    clearInterval(timer);
    var form = document.getElementById("expire-form");
    if (form) { form.submit(); } else { window.location.assign("/login?reason=expired"); }
  }

  function tick() {
    var c = countdown();
    if (!c || deadline === null) { return; }
    var left = (deadline - Date.now()) / 1000;
    c.textContent = fmt(left);
    var copy = document.querySelector("[data-countdown-copy]");
    if (copy) { copy.textContent = fmt(left); }
    var warn = parseInt(c.getAttribute("data-warning"), 10) || 120;
    var dlg = document.getElementById("session-warning");
    if (left <= 0) { expire(); return; }
    if (dlg && typeof dlg.showModal === "function") {
      if (left <= warn && !dlg.open) {
        dlg.showModal();
        var btn = document.getElementById("session-continue");
        if (btn) { btn.focus(); }
      } else if (left > warn && dlg.open) {
        dlg.close();
      }
    }
  }

  function reset(seconds) {
    deadline = Date.now() + seconds * 1000;
    publish();
    tick();
  }

  function start() {
    deadline = deadlineFromPage();
    if (deadline === null) { return; }
    publish();
    tick();
    timer = setInterval(tick, 1000);
    var dlg = document.getElementById("session-warning");
    if (dlg) {
      dlg.addEventListener("cancel", function (e) { // Escape = stay signed in
        e.preventDefault();
        var btn = document.getElementById("session-continue");
        if (btn) { btn.click(); }
      });
    }
  }

  // Another tab extended the session or loaded a page: follow it.
  window.addEventListener("storage", function (e) {
    if (e.key === KEY && e.newValue) {
      var d = parseInt(e.newValue, 10);
      if (!isNaN(d)) { deadline = d; tick(); }
    }
  });

  // Every htmx answer of a signed-in page tells the server's remaining time.
  document.addEventListener("htmx:afterRequest", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (!xhr) { return; }
    var rem = xhr.getResponseHeader("X-Session-Remaining");
    if (rem !== null && rem !== "" && !isNaN(parseInt(rem, 10))) { reset(parseInt(rem, 10)); }
  });

  function focusSummary(root) {
    var el = (root || document).querySelector("[data-autofocus]");
    if (el) { el.focus(); }
  }
  document.addEventListener("htmx:afterSettle", function (e) { focusSummary(e.detail && e.detail.elt); });

  document.addEventListener("DOMContentLoaded", function () {
    start();
    focusSummary(document);
  });
})();
