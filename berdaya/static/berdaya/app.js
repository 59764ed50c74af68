// Berdaya: small behaviours for pages served without inline scripts.
(function () {
  "use strict";

  // A select marked data-autosubmit submits its form when changed (the language switch).
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]")) e.target.form.submit();
  });

  // A button or form marked data-confirm asks first.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  }, true);

  // Forms marked data-draft="key" keep what was typed in this browser until they are sent, so a
  // dropped connection or a closed tab on a slow line does not lose the clerk's work.
  function draftKey(form) { return "berdaya-draft:" + form.getAttribute("data-draft"); }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "password" && el.type !== "file" && el.type !== "hidden" &&
        el.type !== "submit";
    });
  }
  function saveDraft(form) {
    var data = {};
    fields(form).forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    try { localStorage.setItem(draftKey(form), JSON.stringify(data)); } catch (err) { /* full */ }
  }
  function restoreDraft(form) {
    var raw = null;
    try { raw = localStorage.getItem(draftKey(form)); } catch (err) { return; }
    if (!raw) return;
    var data = JSON.parse(raw), restored = false;
    fields(form).forEach(function (el) {
      if (!(el.name in data)) return;
      if (el.type === "checkbox") {
        if (el.checked !== data[el.name]) { el.checked = data[el.name]; restored = true; }
      } else if (!el.value && data[el.name]) { el.value = data[el.name]; restored = true; }
    });
    var note = form.querySelector(".draft-note");
    if (restored && note) note.classList.add("show");
  }
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    restoreDraft(form);
    form.addEventListener("input", function () { saveDraft(form); });
    form.addEventListener("submit", function () {
      try { localStorage.removeItem(draftKey(form)); } catch (err) { /* ignore */ }
    });
    var discard = form.querySelector("[data-draft-discard]");
    if (discard) discard.addEventListener("click", function () {
      try { localStorage.removeItem(draftKey(form)); } catch (err) { /* ignore */ }
      window.location.reload();
    });
  });
})();
