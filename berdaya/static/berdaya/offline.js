// Berdaya offline: registers the service worker, and sends the attendance and handover forms
// through a queue in this phone's IndexedDB, so a record made where there is no signal is kept
// and sent when the phone is back online. Each record carries a key made here: sending it
// twice (a retry after a dropped answer) creates nothing twice on the server.
(function () {
  "use strict";
  var config = document.getElementById("offline-config");
  if (!config) return;
  var USER = config.getAttribute("data-user") || "";
  var T = JSON.parse(config.getAttribute("data-messages") || "{}");
  var DB = "berdaya-offline", STORE = "queue";
  var PHOTO_SIDE = 1600, PHOTO_QUALITY = 0.8;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  // --- IndexedDB ---------------------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), out;
        t.oncomplete = function () { db.close(); resolve(out); };
        t.onerror = function () { db.close(); reject(t.error); };
        out = fn(t.objectStore(STORE));
      });
    });
  }
  function put(record) { return tx("readwrite", function (s) { s.put(record); }); }
  function remove(key) { return tx("readwrite", function (s) { s.delete(key); }); }
  function all() {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var req = db.transaction(STORE).objectStore(STORE).getAll();
        req.onsuccess = function () { db.close(); resolve(req.result || []); };
        req.onerror = function () { db.close(); reject(req.error); };
      });
    });
  }

  // --- Photos are made smaller here before they are kept or sent -------------------------
  function resize(file) {
    if (!file || !file.size || !/^image\//.test(file.type)) return Promise.resolve(file || null);
    return new Promise(function (resolve) {
      var url = URL.createObjectURL(file), img = new Image();
      img.onload = function () {
        var scale = Math.min(1, PHOTO_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
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

  // Send one record. Resolves to "done", "refused" (the server said no: kept with its reasons),
  // "signin" (the session ended: sign in, then it is sent) or "offline".
  function send(record) {
    var data = new FormData();
    record.fields.forEach(function (f) { data.append(f[0], f[1]); });
    if (record.photo) data.append("photo", record.photo, record.photoName || "foto.jpg");
    return fetch(record.url, {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 ||
          response.status === 403) return { state: "signin" };
      if (response.status === 200 || response.status === 201) {
        return response.json().then(function (body) {
          return remove(record.key).then(function () { return { state: "done", body: body }; });
        });
      }
      if (response.status === 422) {
        return response.json().then(function (body) {
          record.status = "refused";
          record.errors = body.errors || [];
          return put(record).then(function () { return { state: "refused", body: body }; });
        });
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
      // In the order they were made: attendance marked at a session goes before the handover
      // made right after it.
      mine.sort(function (a, b) { return a.created - b.created; });
      var chain = Promise.resolve(true);
      mine.forEach(function (r) {
        chain = chain.then(function (go) {
          if (!go) return false;
          return send(r).then(function (res) { return res.state === "done" || res.state === "refused"; });
        });
      });
      return chain;
    }).then(show, show).then(function () { flushing = false; }, function () { flushing = false; });
  }

  // --- What waits, shown on every distribution page ----------------------------------------
  function show() {
    return all().then(function (records) {
      var mine = records.filter(function (r) { return r.user === USER; });
      var waiting = mine.filter(function (r) { return r.status !== "refused"; }).length;
      var refused = mine.length - waiting, others = records.length - mine.length;
      document.querySelectorAll("[data-offline-count]").forEach(function (el) {
        el.textContent = waiting ? String(waiting) : "";
        el.classList.toggle("d-none", !waiting);
      });
      var box = document.getElementById("offline-queue");
      if (!box) return;
      box.textContent = "";
      if (!mine.length) {
        var p = document.createElement("p"); p.className = "text-muted small"; p.id = "offline-empty";
        p.textContent = T.empty || "";
        box.appendChild(p);
      }
      mine.forEach(function (r) {
        var item = document.createElement("div");
        item.className = "border rounded p-2 mb-2 small offline-record";
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
          drop.textContent = T.discard || "Discard";
          drop.addEventListener("click", function () { remove(r.key).then(show); });
          item.appendChild(drop);
        }
        box.appendChild(item);
      });
      if (refused || others) {
        var note = document.createElement("p"); note.className = "small text-muted";
        note.textContent = others ? (T.others || "") : "";
        box.appendChild(note);
      }
    });
  }

  function notice(form, kind, text) {
    var el = form.querySelector("[data-offline-notice]") || document.getElementById("offline-notice");
    if (!el) return;
    el.className = "alert alert-" + kind;
    el.textContent = text;
    el.classList.remove("d-none");
    el.scrollIntoView({ block: "nearest" });
  }

  function fieldsOf(form) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.name === "csrfmiddlewaretoken") return;
      out.push([el.name, el.value]);
    });
    return out;
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
      var key = uuid();
      resize(file).then(function (photo) {
        var fields = fieldsOf(form).filter(function (f) { return f[0] !== "client_key" && f[0] !== "captured_at"; });
        fields.push(["client_key", key]);
        fields.push(["captured_at", new Date().toISOString()]);
        var record = {
          key: key, kind: form.getAttribute("data-offline"), url: form.action, user: USER,
          label: form.getAttribute("data-offline-label") || document.title, fields: fields,
          photo: photo, photoName: "foto-" + key.slice(0, 8) + ".jpg",
          created: Date.now(), status: "waiting", errors: []
        };
        return put(record).then(function () { return send(record); }).then(function (res) {
          if (button) button.disabled = false;
          if (res.state === "done") {
            try { localStorage.removeItem("berdaya-draft:" + form.getAttribute("data-draft")); } catch (err) { /* ignore */ }
            if (res.body && res.body.url) { window.location.assign(res.body.url); return; }
            notice(form, "success", T.saved || "");
            window.location.reload();
            return;
          }
          if (res.state === "refused") {
            remove(record.key);
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
  window.berdayaOffline = { flush: flush, all: all };
})();
