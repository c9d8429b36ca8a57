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

  // A form answered with its field errors comes as a 400 marked X-Form-Errors (app/web/common.py):
  // htmx swaps no 4xx by itself, so without this the user would see nothing happen.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (xhr && xhr.status === 400 && xhr.getResponseHeader("X-Form-Errors") === "1") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
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

/* Group application: "+" adds one more file chooser, the photo shows before upload, the date text and
   its calendar follow each other, a submit form sends once. Everything works without it. */
(function () {
  "use strict";
  function addFile(btn) {
    var box = btn.closest("[data-file-choosers]");
    var first = box && box.querySelector("input[type=file]");
    if (!first) { return; }
    var copy = first.cloneNode(false);
    copy.value = "";
    box.insertBefore(copy, btn);
    copy.focus();
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function toIso(text) {
    var s = (text || "").trim().replace(/\//g, "-");
    var m = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(s);
    if (!m) { return ""; }
    return m[1] + "-" + pad(parseInt(m[2], 10)) + "-" + pad(parseInt(m[3], 10));
  }
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-add-file]");
    if (btn) { e.preventDefault(); addFile(btn); }
  });
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("input[type=file][data-preview]") && el.files && el.files[0]) {
      var img = document.getElementById(el.getAttribute("data-preview"));
      if (img && /^image\//.test(el.files[0].type)) {
        img.src = URL.createObjectURL(el.files[0]);
        img.hidden = false;
        var empty = document.querySelector("[data-photo-empty]");
        if (empty) { empty.hidden = true; }
      }
    }
    if (el.matches && el.matches("[data-date-picker]")) {
      var text = document.querySelector("[data-date-text='" + el.getAttribute("data-date-picker") + "']");
      if (text && el.value) {
        text.value = el.value.replace(/-/g, "/");
        text.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
    if (el.matches && el.matches("[data-date-text]")) {
      var picker = document.querySelector("[data-date-picker='" + el.getAttribute("data-date-text") + "']");
      if (picker) { picker.value = toIso(el.value); }
    }
    if (el.matches && el.matches("input[name=enrollment_status]")) {
      var sch = document.getElementById("f-scholarship");
      if (sch) { sch.disabled = el.value !== "R"; if (sch.disabled) { sch.checked = false; } }
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.hasAttribute && form.hasAttribute("data-submit-once")) {
      if (form.getAttribute("data-sent")) { e.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      var b = form.querySelector("button[type=submit]");
      if (b) { b.setAttribute("aria-disabled", "true"); b.classList.add("is-busy"); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-add-file], [data-date-picker]").forEach(function (el) { el.hidden = false; });
    var sch = document.getElementById("f-scholarship");
    var reg = document.getElementById("f-enrollment_status-R");
    if (sch && reg && !reg.checked) { sch.disabled = true; sch.checked = false; }
    document.querySelectorAll("[data-date-text]").forEach(function (t) {
      var p = document.querySelector("[data-date-picker='" + t.getAttribute("data-date-text") + "']");
      if (p) { p.value = toIso(t.value); }
    });
  });
})();

/* 線上繳費 - 列表: 全選 ticks or clears every group (without script the server reads all=1 itself). */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var box = ev.target;
    if (!box || !box.getAttribute) { return; }
    var name = box.getAttribute("data-check-all");
    if (name) {
      var form = box.form;
      if (!form) { return; }
      var boxes = form.querySelectorAll("input[type=checkbox][name='" + name + "']");
      for (var i = 0; i < boxes.length; i++) { boxes[i].checked = box.checked; }
    } else if (box.name && box.form) {
      var all = box.form.querySelector("input[data-check-all='" + box.name + "']");
      if (all && !box.checked) { all.checked = false; }
    }
  });
})();
