// Berdaya offline, for the distribution pages: registers the service worker, and sends the
// attendance and handover forms through the phone's queue (offline-queue.js), so a record made
// where there is no signal is kept and sent when the phone is back online. Each record carries
// a key made here: sending it twice creates nothing twice on the server.
(function () {
  "use strict";
  var config = document.getElementById("offline-config");
  if (!config) return;
  var USER = config.getAttribute("data-user") || "";
  var T = JSON.parse(config.getAttribute("data-messages") || "{}");
  // The queue itself (IndexedDB, sending, what waits): offline-queue.js.
  var queue = window.BerdayaQueue({
    db: "berdaya-offline", user: USER, messages: T, count: "[data-offline-count]",
    box: "offline-queue", emptyId: "offline-empty", emptyClass: "text-muted small",
    itemClass: "offline-record", others: true,
    files: function (data, record) {
      if (record.photo) data.append("photo", record.photo, record.photoName || "foto.jpg");
    }
  });
  var flush = queue.flush, show = queue.show;

  function notice(form, kind, text) {
    var el = form.querySelector("[data-offline-notice]") || document.getElementById("offline-notice");
    if (!el) return;
    el.className = "alert alert-" + kind;
    el.textContent = text;
    el.classList.remove("d-none");
    el.scrollIntoView({ block: "nearest" });
  }

  // A form marked data-offline: kept in the queue first, then sent.
  document.querySelectorAll("form[data-offline]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.indexedDB || !window.fetch) return;  // an old phone: the plain form is sent
      e.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      var fileInput = form.querySelector("input[type=file][name=photo]");
      var file = fileInput && fileInput.files && fileInput.files[0];
      var key = queue.uuid();
      queue.resize(file).then(function (photo) {
        var fields = queue.fieldsOf(form, ["client_key", "captured_at"]);
        fields.push(["client_key", key]);
        fields.push(["captured_at", new Date().toISOString()]);
        var record = {
          key: key, kind: form.getAttribute("data-offline"), url: form.action, user: USER,
          label: form.getAttribute("data-offline-label") || document.title, fields: fields,
          photo: photo, photoName: "foto-" + key.slice(0, 8) + ".jpg",
          created: Date.now(), status: "waiting", errors: []
        };
        return queue.put(record).then(function () { return queue.send(record); }).then(function (res) {
          if (button) button.disabled = false;
          if (res.state === "done") {
            try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
            if (res.body && res.body.url) { window.location.assign(res.body.url); return; }
            notice(form, "success", T.saved || "");
            window.location.reload();
            return;
          }
          if (res.state === "refused") {
            queue.remove(record.key);
            notice(form, "danger", (res.body.errors || []).join(" "));
            return;
          }
          try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
          form.reset();
          notice(form, "warning", res.state === "signin" ? (T.signin || "") : (T.queued || ""));
          show();
        });
      });
    });
  });

  // The position, when the facilitator asks for it (optional; the photo's own GPS is removed).
  document.querySelectorAll("[data-gps]").forEach(function (button) {
    button.addEventListener("click", function () {
      var form = button.form, status = form.querySelector("[data-gps-status]");
      if (!navigator.geolocation) return;
      if (status) status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.elements.latitude.value = pos.coords.latitude.toFixed(6);
        form.elements.longitude.value = pos.coords.longitude.toFixed(6);
        form.elements.gps_accuracy.value = Math.round(pos.coords.accuracy);
        if (status) status.textContent = form.elements.latitude.value + ", " + form.elements.longitude.value;
      }, function (err) {
        if (status) status.textContent = err.message;
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
    });
  });

  // "Keep for offline use": cache the pages this page links to.
  document.querySelectorAll("[data-offline-prepare]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!navigator.serviceWorker || !navigator.serviceWorker.controller) {
        button.nextElementSibling && (button.nextElementSibling.textContent = T.nosw || "");
        return;
      }
      var urls = [window.location.pathname];
      document.querySelectorAll("[data-offline-url]").forEach(function (a) {
        urls.push(a.getAttribute("data-offline-url") || a.getAttribute("href"));
      });
      navigator.serviceWorker.controller.postMessage({ type: "cache-urls", urls: urls });
      button.disabled = true;
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* http */ });
    navigator.serviceWorker.addEventListener("message", function (e) {
      if (e.data && e.data.type === "cached") {
        document.querySelectorAll("[data-offline-prepared]").forEach(function (el) {
          el.textContent = (T.cached || "").replace("%(n)s", e.data.count);
        });
        document.querySelectorAll("[data-offline-prepare]").forEach(function (b) { b.disabled = false; });
      }
    });
  }
  // Signing out forgets the cached pages of this user (records not yet sent stay queued).
  var out = document.getElementById("sign-out");
  if (out && navigator.serviceWorker && navigator.serviceWorker.controller) {
    out.addEventListener("click", function () {
      navigator.serviceWorker.controller.postMessage({ type: "forget" });
    });
  }
  var sendNow = document.getElementById("offline-send");
  if (sendNow) sendNow.addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () { flush(); });
  setInterval(function () { flush(); }, 30000);
  show().then(flush);
  window.berdayaOffline = { flush: flush, all: queue.all };
})();
