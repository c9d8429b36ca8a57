/* 環境檢查: is this browser, and the local certificate component, ready? Runs only in the browser; the
   messages come translated from the page. Nothing is sent to our server. */
(function () {
  "use strict";
  function set(root, name, ok, text) {
    var badge = root.querySelector('[data-check="' + name + '"] [data-result]');
    badge.textContent = text;
    badge.className = "badge " + (ok === true ? "badge--ok" : ok === false ? "badge--danger" : "badge--off");
  }
  function cookiesWork() {
    try {
      document.cookie = "arc_env_check=1; path=/; SameSite=Strict";
      var ok = document.cookie.indexOf("arc_env_check=1") !== -1;
      document.cookie = "arc_env_check=; path=/; max-age=0; SameSite=Strict";
      return ok && navigator.cookieEnabled !== false;
    } catch (e) { return false; }
  }
  function storageWorks() {
    try { localStorage.setItem("arc-env-check", "1"); localStorage.removeItem("arc-env-check"); return true; }
    catch (e) { return false; }
  }
  function modern() {
    return typeof window.fetch === "function" && typeof window.Promise === "function" &&
      typeof window.FormData === "function" && typeof window.URLSearchParams === "function";
  }

  function run(root) {
    var m = root.dataset;
    var summary = document.getElementById("env-summary");
    var help = document.getElementById("env-signer-help");
    summary.hidden = true; help.hidden = true;
    set(root, "javascript", true, m.msgYes);
    var checks = { cookies: cookiesWork(), modern: modern(), storage: storageWorks(), secure: window.isSecureContext === true };
    var browserOk = true;
    Object.keys(checks).forEach(function (k) {
      set(root, k, checks[k], checks[k] ? m.msgYes : m.msgNo);
      if (!checks[k] && k !== "secure") { browserOk = false; }
    });
    set(root, "signer", null, m.msgChecking);
    var done = function (signerOk) {
      set(root, "signer", signerOk, signerOk ? m.msgYes : m.msgNo);
      help.hidden = signerOk;
      summary.textContent = !browserOk ? m.msgBrowserNo : signerOk ? m.msgAllOk : m.msgBrowserOk;
      summary.className = browserOk && signerOk ? "notice" : "notice notice--warn";
      summary.hidden = false;
    };
    if (!checks.modern) { done(false); return; }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 4000);
    fetch(root.getAttribute("data-signer-url") + "/status", controller ? { signal: controller.signal } : {})
      .then(function (r) { clearTimeout(timer); done(r.ok); })
      .catch(function () { clearTimeout(timer); done(false); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("env-check");
    if (!root) { return; }
    var again = document.getElementById("env-run");
    again.hidden = false;
    again.addEventListener("click", function () { run(root); });
    run(root);
  });
})();
