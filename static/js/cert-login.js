/* 憑證登入: ask the server for a challenge, have the local signing component (HiPKI, or the stand-in
   signer in dev) sign it with the card, then post the signature. The PIN goes only to the local component. */
(function () {
  "use strict";
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-arc-csrf"] || ""; }
    catch (e) { return ""; }
  }
  function show(el, text) { el.textContent = text; el.hidden = false; }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("cert-login");
    if (!form) { return; }
    var signer = form.getAttribute("data-signer-url");
    var status = document.getElementById("cert-status");
    var missing = document.getElementById("signer-missing");
    // Messages come translated from the page (Babel), not from this file.
    var msg = {
      pin: form.getAttribute("data-msg-pin"), none: form.getAttribute("data-msg-none"),
      ok: form.getAttribute("data-msg-ok"), busy: form.getAttribute("data-msg-busy")
    };

    document.getElementById("signer-check").addEventListener("click", function () {
      status.hidden = true; missing.hidden = true;
      fetch(signer + "/status").then(function (r) {
        if (!r.ok) { throw new Error("status"); }
        show(status, msg.ok); status.classList.add("ok");
      }).catch(function () { missing.hidden = false; });
    });

    form.addEventListener("submit", function (e) {
      if (form.dataset.signed === "1") { return; }
      e.preventDefault();
      status.hidden = true; missing.hidden = true;
      var pin = document.getElementById("f-pin");
      if (!pin.value) { show(status, msg.none); pin.focus(); return; }
      show(status, msg.busy);
      var body = new URLSearchParams();
      body.set("business_no", form.elements.business_no.value);
      fetch("/login/certificate/challenge", {
        method: "POST", credentials: "same-origin", body: body,
        headers: { "x-arc-csrf": csrfToken() }
      }).then(function (r) { return r.json(); }).then(function (data) {
        var challenge = data.challenge;
        return fetch(signer + "/sign", {
          method: "POST", headers: { "content-type": "application/json" },
          body: JSON.stringify({ challenge: challenge, pin: pin.value })
        }).then(function (r) {
          if (r.status === 401) { throw new Error("pin"); }
          if (!r.ok) { throw new Error("signer"); }
          return r.json();
        }).then(function (signed) {
          form.elements.challenge.value = challenge;
          form.elements.certificate.value = signed.certificate;
          form.elements.signature.value = signed.signature;
          var holder = form.querySelector("[data-chain]");
          (signed.chain || []).forEach(function (c) {
            var input = document.createElement("input");
            input.type = "hidden"; input.name = "chain"; input.value = c;
            holder.appendChild(input);
          });
          pin.value = "";
          form.dataset.signed = "1";
          form.submit();
        });
      }).catch(function (err) {
        if (err && err.message === "pin") { show(status, msg.pin); pin.value = ""; pin.focus(); }
        else { status.hidden = true; missing.hidden = false; }
      });
    });
  });
})();
