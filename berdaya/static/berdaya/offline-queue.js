// Berdaya's queue of forms made without signal, shared by the distribution pages (offline.js:
// attendance and handovers) and the follow-up visits (visits-offline.js). A record is kept in
// this phone's IndexedDB first, then sent; what could not be sent waits there and goes when
// the phone is back online, oldest first. Each record carries a key, so sending it twice (a
// retry after a dropped answer) creates nothing twice on the server.
//
// BerdayaQueue(options) -> {put, remove, all, send, flush, show, resize, uuid, fieldsOf}
//   db        the IndexedDB database (one per part of Berdaya, so each has its own queue)
//   user      the signed-in user's name: a shared phone sends only its own user's records
//   messages  the page's translated texts (empty, waiting, refused, discard, others)
//   count     selector of the badges showing how many records wait
//   box       id of the element listing the records, with emptyId, emptyClass, itemClass
//   others    whether the list says that other users' records wait here too
//   files     function (FormData, record): appends the record's photos
(function () {
  "use strict";
  var STORE = "queue", PHOTO_SIDE = 1600, PHOTO_QUALITY = 0.8;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Photos are made smaller here before they are kept or sent.
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

  // The form's values as [name, value] pairs, without files, the CSRF token and `skip`.
  function fieldsOf(form, skip) {
    var out = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit") return;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.name === "csrfmiddlewaretoken" || (skip || []).indexOf(el.name) >= 0) return;
      out.push([el.name, el.value]);
    });
    return out;
  }

  window.BerdayaQueue = function (options) {
    var USER = options.user || "", T = options.messages || {};

    function openDb() {
      return new Promise(function (resolve, reject) {
        var req = indexedDB.open(options.db, 1);
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

    // One send. Resolves to {state: "done" | "refused" | "signin" | "offline", body}: refused
    // means the server said no (with its reasons), signin that the session ended.
    function send(record) {
      var data = new FormData();
      record.fields.forEach(function (f) { data.append(f[0], f[1]); });
      if (options.files) options.files(data, record);
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

    // Everything of this user that waits, oldest first (attendance marked at a session goes
    // before the handover made right after it); a refused record stays, with its reasons.
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

    // What waits on this phone: the badges, and the list where the page has one.
    function show() {
      return all().then(function (records) {
        var mine = records.filter(function (r) { return r.user === USER; });
        var waiting = mine.filter(function (r) { return r.status !== "refused"; }).length;
        var others = records.length - mine.length;
        document.querySelectorAll(options.count).forEach(function (el) {
          el.textContent = waiting ? String(waiting) : "";
          el.classList.toggle("d-none", !waiting);
        });
        var box = document.getElementById(options.box);
        if (!box) return;
        box.textContent = "";
        if (!mine.length) {
          var p = document.createElement("p"); p.className = options.emptyClass; p.id = options.emptyId;
          p.textContent = T.empty || "";
          box.appendChild(p);
        }
        mine.forEach(function (r) {
          var item = document.createElement("div");
          item.className = "border rounded p-2 mb-2 small " + options.itemClass;
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
        if (options.others && others) {
          var note = document.createElement("p"); note.className = "small text-muted";
          note.textContent = T.others || "";
          box.appendChild(note);
        }
      });
    }

    return {
      put: put, remove: remove, all: all, send: send, flush: flush, show: show,
      resize: resize, uuid: uuid, fieldsOf: fieldsOf
    };
  };
})();
