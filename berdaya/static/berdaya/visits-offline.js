// Berdaya follow-up visits without signal. The visit form is kept in this phone's IndexedDB
// first (with its photos, made smaller here), then sent; without signal it waits there and is
// sent when the phone is back online. Each record carries the key the server gave the form:
// sending it twice (a retry after a dropped answer) saves the visit once.
//
// The queue is offline-queue.js, shared with the distribution pages (offline.js); what is the
// visits' own: several photos per record, the server's reasons shown under each field, and
// the pages under /pemantauan/, kept by the small service worker registered here.
(function () {
  "use strict";
  // Parts of a form shown only for one answer: data-show-when="business_status=stopped".
  function toggle(form) {
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split("="), name = rule[0], want = rule[1];
      var chosen = form.querySelector("[name='" + name + "']:checked");
      var show = !!chosen && chosen.value === want;
      el.classList.toggle("d-none", !show && !el.querySelector(".visit-field-error"));
    });
  }
  document.querySelectorAll("form[data-visit-offline]").forEach(function (form) {
    toggle(form);
    form.addEventListener("change", function () { toggle(form); });
  });

  var config = document.getElementById("visit-offline-config");
  if (!config) return;
  var USER = config.getAttribute("data-user") || "";
  var T = JSON.parse(config.getAttribute("data-messages") || "{}");
  // The queue itself (IndexedDB, sending, what waits): offline-queue.js.
  var queue = window.BerdayaQueue({
    db: "berdaya-visits", user: USER, messages: T, count: "[data-visit-queue-count]",
    box: "visit-queue", emptyId: "visit-queue-empty", emptyClass: "text-muted small mb-0",
    itemClass: "visit-queued", others: false,
    files: function (data, record) {
      (record.photos || []).forEach(function (p, i) {
        data.append("photos", p, "foto-" + record.key.slice(0, 8) + "-" + (i + 1) + ".jpg");
      });
    }
  });
  var flush = queue.flush, show = queue.show;

  function notice(kind, text) {
    var el = document.getElementById("visit-notice");
    if (!el) return;
    el.className = "alert alert-" + kind;
    el.textContent = text;
    el.classList.remove("d-none");
    el.scrollIntoView({ block: "nearest" });
  }

  // The server's reasons, each under its field, and all of them at the top.
  function showErrors(form, body) {
    form.querySelectorAll(".visit-field-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".is-invalid").forEach(function (el) { el.classList.remove("is-invalid"); });
    var fields = (body && body.fields) || {};
    Object.keys(fields).forEach(function (name) {
      var anchor = form.querySelector("[data-field='" + name + "']");
      if (!anchor) return;
      var input = anchor.querySelector("input, select, textarea");
      if (input) input.classList.add("is-invalid");
      fields[name].forEach(function (msg) {
        var d = document.createElement("div");
        d.className = "invalid-feedback d-block visit-field-error";
        d.textContent = msg;
        anchor.appendChild(d);
      });
    });
    notice("danger", ((body && body.errors) || []).join(" "));
  }

  document.querySelectorAll("form[data-visit-offline]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.indexedDB || !window.fetch || !window.Promise) return;  // the plain form is sent
      e.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      var keyInput = form.querySelector("input[name=client_key]");
      if (keyInput && !keyInput.value) keyInput.value = queue.uuid();
      var files = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { files.push(f); });
      });
      Promise.all(files.map(queue.resize)).then(function (photos) {
        var fields = queue.fieldsOf(form, ["captured_at"]);
        fields.push(["captured_at", new Date().toISOString()]);
        var record = {
          key: keyInput ? keyInput.value : queue.uuid(), url: form.action, user: USER,
          label: form.getAttribute("data-offline-label") || document.title, fields: fields,
          photos: photos.filter(function (p) { return !!p; }), created: Date.now(),
          status: "waiting", errors: []
        };
        return queue.put(record).then(function () { return queue.send(record); }).then(function (res) {
          if (button) button.disabled = false;
          if (res.state === "done") {
            try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
            window.location.assign((res.body && res.body.url) || window.location.href);
            return;
          }
          if (res.state === "refused") {
            // Refused while the form is open: corrected here, so it does not wait in the queue.
            return queue.remove(record.key).then(function () { showErrors(form, res.body); });
          }
          try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
          notice("warning", res.state === "signin" ? (T.signin || "") : (T.queued || ""));
          form.querySelectorAll("input, select, textarea, button").forEach(function (el) { el.disabled = true; });
          show();
        });
      });
    });
  });

  if ("serviceWorker" in navigator) {
    var sw = config.getAttribute("data-sw"), scope = config.getAttribute("data-scope");
    if (sw) navigator.serviceWorker.register(sw, { scope: scope }).catch(function () { /* http */ });
  }
  // Signing out forgets the pages kept for this user (records not yet sent stay queued).
  var out = document.getElementById("sign-out");
  if (out && navigator.serviceWorker && navigator.serviceWorker.controller) {
    out.addEventListener("click", function () {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    });
  }
  // "Keep for offline use": the list page asks the service worker to keep the visit forms.
  document.querySelectorAll("[data-visit-prepare]").forEach(function (button) {
    button.addEventListener("click", function () {
      var status = document.querySelector("[data-visit-prepared]");
      if (!navigator.serviceWorker || !navigator.serviceWorker.controller) {
        if (status) status.textContent = T.nosw || "";
        return;
      }
      var urls = [window.location.pathname];
      document.querySelectorAll("[data-offline-url]").forEach(function (a) { urls.push(a.getAttribute("href")); });
      navigator.serviceWorker.controller.postMessage({ type: "cache-urls", urls: urls });
      button.disabled = true;
    });
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "cached") {
        var status = document.querySelector("[data-visit-prepared]");
        if (status) status.textContent = (T.cached || "").replace("%(n)s", e.data.count);
        document.querySelectorAll("[data-visit-prepare]").forEach(function (b) { b.disabled = false; });
      }
    });
  }
  var sendNow = document.getElementById("visit-queue-send");
  if (sendNow) sendNow.addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { flush(); });
  setInterval(function () { flush(); }, 30000);
  show().then(flush);
  window.berdayaVisits = { flush: flush, all: queue.all };
})();
