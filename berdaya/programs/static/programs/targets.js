// Targets page: tells at once, as numbers are typed, whether the targets of the chosen
// envelope cost more than its ceiling, and how the regional quotas add up. The server checks
// the same when the form is saved; this only saves a round trip.
(function () {
  "use strict";
  var form = document.querySelector("form[data-target-check]");
  if (!form) return;
  var over = document.getElementById("live-over");
  var quotaNote = document.getElementById("live-quota");
  function num(el) {
    var v = el ? parseInt(String(el.value).replace(/[^0-9]/g, ""), 10) : NaN;
    return isNaN(v) ? 0 : v;
  }
  function rupiah(n) {
    var s = String(Math.abs(n)), out = "";
    while (s.length > 3) { out = "." + s.slice(-3) + out; s = s.slice(0, -3); }
    return (n < 0 ? "-" : "") + "Rp" + s + out;
  }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function check() {
    var units = num(form.elements.units);
    var valueField = form.elements.value_per_unit;
    var value = valueField ? num(valueField) : parseInt(form.getAttribute("data-value"), 10) || 0;
    var perNeed = form.getAttribute("data-per-need") === "1";
    var cost = perNeed ? num(form.elements.budget) : units * value;
    var sel = form.elements.envelope;
    var opt = sel && sel.selectedIndex >= 0 ? sel.options[sel.selectedIndex] : null;
    if (opt && opt.getAttribute("data-amount")) {
      var amount = parseInt(opt.getAttribute("data-amount"), 10) || 0;
      var total = cost + (parseInt(opt.getAttribute("data-others"), 10) || 0);
      if (total > amount) {
        over.textContent = fill(form.getAttribute("data-over-text"), {
          cost: rupiah(total), over: rupiah(total - amount), amount: rupiah(amount)});
        over.classList.remove("d-none");
      } else {
        over.classList.add("d-none");
      }
    } else {
      over.classList.add("d-none");
    }
    var sum = 0;
    form.querySelectorAll(".quota-input").forEach(function (el) { sum += num(el); });
    quotaNote.textContent = fill(form.getAttribute("data-quota-text"), {sum: sum, units: units});
    quotaNote.classList.toggle("text-danger", sum > units);
  }
  form.addEventListener("input", check);
  form.addEventListener("change", check);
  check();
})();
