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
        returnFocus = document.activeElement;
        dlg.showModal();
        var btn = document.getElementById("session-continue");
        if (btn) { btn.focus(); }
      } else if (left > warn && dlg.open) {
        dlg.close();
        announced = null;
        var back = returnFocus;
        returnFocus = null;
        if (back && back !== document.body && document.contains(back)) { back.focus(); }
      }
      if (dlg.open) { announce(dlg, left); }
    }
  }

  // Screen readers hear the warning once when it opens (two minutes left) and again at one minute, never
  // every second (the MOJ timeout-warning pattern): the ticking time itself is not a live region.
  var announced = null;
  var returnFocus = null;
  function announce(dlg, left) {
    var region = document.getElementById("session-announce");
    if (!region) { return; }
    var step = left <= 60 ? "1" : "2";
    if (announced === step) { return; }
    announced = step;
    region.textContent = dlg.getAttribute("data-announce-" + step) || "";
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
    return el;
  }
  // Content that htmx swaps in after a search, an upload or a paging link takes the focus (its heading, else
  // the region), so keyboard and screen-reader users land on what changed. Swaps that follow typing
  // (autosave, the district list) leave the focus where it is; a control the swap replaced is found again.
  var lastFocusId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var a = document.activeElement;
    lastFocusId = a && a !== document.body ? a.id || null : null;
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    var elt = e.detail && e.detail.elt;
    if (focusSummary(elt)) { return; }
    if (!elt || !elt.isConnected || elt.id === "countdown") { return; }
    var cfg = e.detail.requestConfig || {};
    var ev = cfg.triggeringEvent;
    var byUser = ev && (ev.type === "submit" || (ev.type === "click" && cfg.elt && cfg.elt.tagName === "A"));
    var lost = document.activeElement === document.body || document.activeElement === null;
    if (!byUser && !lost) { return; }
    var again = lastFocusId && document.getElementById(lastFocusId);
    if (!byUser && again) { again.focus(); return; }
    if (!byUser) {
      var control = elt.querySelector("input:not([type=hidden]), select, textarea, button, a[href]");
      if (control) { control.focus(); return; }
    }
    // A swapped region may name what should take the focus (the search's results, not its form's heading).
    var target = elt.querySelector("[data-swap-focus]") || elt.querySelector("h1, h2, h3") || elt;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });

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

/* Phones: a data table is shown as stacked rows below 48rem (app.css); each cell gets its column's header as
   data-label for the CSS to show beside it, and explicit table roles so screen readers keep the table when the
   CSS display changes. Without script the rows still stack, only the labels are missing. */
(function () {
  "use strict";
  function text(el) { return (el.textContent || "").replace(/\s+/g, " ").trim(); }
  function headers(table) {
    var rows = table.tHead ? table.tHead.rows : [];
    if (!rows.length) { return null; }
    var cols = [];
    var cells = rows[rows.length - 1].cells;
    for (var i = 0; i < cells.length; i++) {
      for (var s = 0; s < (cells[i].colSpan || 1); s++) { cols.push(text(cells[i])); }
    }
    return cols;
  }
  function label(table) {
    if (table.getAttribute("data-labelled")) { return; }
    table.setAttribute("data-labelled", "1");
    table.setAttribute("role", "table");
    var cols = headers(table);
    for (var g = 0; g < table.children.length; g++) {
      var group = table.children[g];
      if (/^(THEAD|TBODY|TFOOT)$/.test(group.tagName)) { group.setAttribute("role", "rowgroup"); }
    }
    for (var r = 0; r < table.rows.length; r++) {
      var row = table.rows[r];
      row.setAttribute("role", "row");
      var col = 0;
      for (var c = 0; c < row.cells.length; c++) {
        var cell = row.cells[c];
        if (cell.tagName === "TH") {
          cell.setAttribute("role", cell.parentNode.parentNode.tagName === "THEAD" ? "columnheader" : "rowheader");
        } else {
          cell.setAttribute("role", "cell");
          // A cell spanning columns (a row's continuation) or an empty one has no single header to show.
          var single = (cell.colSpan || 1) === 1 && text(cell) !== "";
          if (single && cols && cols[col] && !cell.hasAttribute("data-label") && row.cells.length > 1) {
            cell.setAttribute("data-label", cols[col]);
          }
        }
        col += cell.colSpan || 1;
      }
    }
  }
  function labelAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("table.table")) { label(scope); }
    scope.querySelectorAll("table.table").forEach(label);
  }
  document.addEventListener("DOMContentLoaded", function () { labelAll(document); });
  document.addEventListener("htmx:afterSettle", function (e) { labelAll(e.detail && e.detail.elt); });
})();
