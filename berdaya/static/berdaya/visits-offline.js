// Berdaya follow-up visits without signal. The visit form is kept in this phone's IndexedDB
// first (with its photos, made smaller here), then sent; without signal it waits there and is
// sent when the phone is back online. Each record carries the key the server gave the form:
// sending it twice (a retry after a dropped answer) saves the visit once.
//
// Why not distribution's offline.js: it sends a single photo (input "photo") and its service
// worker keeps only /penyaluran/ pages. A visit has several photos, and its pages live under
// /pemantauan/, kept by the small service worker registered here (scope /pemantauan/).
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
  var DB = "berdaya-visits", STORE = "queue";
  var PHOTO_SIDE = 1600, PHOTO_QUALITY = 0.8;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // --- IndexedDB -----------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function write(fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, "readwrite");
        t.oncomplete = function () { db.close(); resolve(); };
        t.onerror = function () { db.close(); reject(t.error); };
        fn(t.objectStore(STORE));
      });
    });
  }
  function put(record) { return write(function (s) { s.put(record); }); }
  function remove(key) { return write(function (s) { s.delete(key); }); }
  function all() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var req = db.transaction(STORE).objectStore(STORE).getAll();
        req.onsuccess = function () { db.close(); resolve(req.result || []); };
        req.onerror = function () { db.close(); reject(req.error); };
      });
    });
  }

  // --- Photos are made smaller before they are kept or sent ---------------------------------
  function resize(file) {
    if (!file || !file.size || !/^image\//.test(file.type)) return Promise.resolve(file || null);
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        var scale = Math.min(1, PHOTO_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
        canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        URL.revokeObjectURL(url);
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", PHOTO_QUALITY);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }

  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  // One send. Resolves to {state: "done" | "refused" | "signin" | "offline", body}.
  function send(record) {
    var data = new FormData();
    record.fields.forEach(function (f) { data.append(f[0], f[1]); });
    (record.photos || []).forEach(function (p, i) {
      data.append("photos", p, "foto-" + record.key.slice(0, 8) + "-" + (i + 1) + ".jpg");
    });
    return fetch(record.url, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) {
        return { state: "signin" };
      }
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (body) {
          return remove(record.key).then(function () { return { state: "done", body: body }; });
        });
      }
      if (response.status === 422) {
        return response.json().then(function (body) { return { state: "refused", body: body }; });
      }
      return { state: "offline" };
    }, function () { return { state: "offline" }; });
  }

  var flushing = false;
  function flush() {
    if (flushing || !navigator.onLine) return Promise.resolve();
    flushing = true;
    return all().then(function (records) {
      var mine = records.filter(function (r) { return r.user === USER && r.status !== "refused"; });
      mine.sort(function (a, b) { return a.created - b.created; });
      var chain = Promise.resolve(true);
      mine.forEach(function (r) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(r).then(function (res) {
            if (res.state === "refused") {
              r.status = "refused";
              r.errors = (res.body && res.body.errors) || [];
              return put(r).then(function () { return true; });
            }
            return res.state === "done";
          });
        });
      });
      return chain;
    }).then(show, show).then(function () { flushing = false; }, function () { flushing = false; });
  }

  // --- What waits on this phone ---------------------------------------------------------------
  function show() {
    return all().then(function (records) {
      var mine = records.filter(function (r) { return r.user === USER; });
      var waiting = mine.filter(function (r) { return r.status !== "refused"; }).length;
      document.querySelectorAll("[data-visit-queue-count]").forEach(function (el) {
        el.textContent = waiting ? String(waiting) : "";
        el.classList.toggle("d-none", !waiting);
      });
      var box = document.getElementById("visit-queue");
      if (!box) return;
      box.textContent = "";
      if (!mine.length) {
        var p = document.createElement("p"); p.className = "text-muted small mb-0"; p.id = "visit-queue-empty";
        p.textContent = T.empty || "";
        box.appendChild(p);
      }
      mine.forEach(function (r) {
        var item = document.createElement("div");
        item.className = "border rounded p-2 mb-2 small visit-queued";
        item.setAttribute("data-key", r.key);
        var title = document.createElement("div");
        title.className = "fw-semibold";
        title.textContent = r.label + " · " + new Date(r.created).toLocaleString();
        item.appendChild(title);
        var state = document.createElement("div");
        state.textContent = r.status === "refused" ? (T.refused || "") : (T.waiting || "");
        item.appendChild(state);
        (r.errors || []).forEach(function (e) {
          var d = document.createElement("div"); d.className = "text-danger"; d.textContent = e;
          item.appendChild(d);
        });
        if (r.status === "refused") {
          var drop = document.createElement("button");
          drop.type = "button"; drop.className = "btn btn-outline-danger btn-sm mt-1";
          drop.textContent = T.discard || "";
          drop.addEventListener("click", function () { remove(r.key).then(show); });
          item.appendChild(drop);
        }
        box.appendChild(item);
      });
    });
  }

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

  function fieldsOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.name === "csrfmiddlewaretoken" || el.name === "captured_at") return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  document.querySelectorAll("form[data-visit-offline]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.indexedDB || !window.fetch || !window.Promise) return;  // the plain form is sent
      e.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      var keyInput = form.querySelector("input[name=client_key]");
      if (keyInput && !keyInput.value) keyInput.value = uuid();
      var files = [];
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { files.push(f); });
      });
      Promise.all(files.map(resize)).then(function (photos) {
        var fields = fieldsOf(form);
        fields.push(["captured_at", new Date().toISOString()]);
        var record = {
          key: keyInput ? keyInput.value : uuid(), url: form.action, user: USER,
          label: form.getAttribute("data-offline-label") || document.title, fields: fields,
          photos: photos.filter(function (p) { return !!p; }), created: Date.now(),
          status: "waiting", errors: []
        };
        return put(record).then(function () { return send(record); }).then(function (res) {
          if (button) button.disabled = false;
          if (res.state === "done") {
            try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
            window.location.assign((res.body && res.body.url) || window.location.href);
            return;
          }
          if (res.state === "refused") {
            // Refused while the form is open: corrected here, so it does not wait in the queue.
            return remove(record.key).then(function () { showErrors(form, res.body); });
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
  window.berdayaVisits = { flush: flush, all: all };
})();
