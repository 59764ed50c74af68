// Berdaya monitoring outcomes: ECharts drawn from the JSON the page carries (no inline script:
// the CSP forbids it). Tooltips are drawn on the canvas (renderMode "richText"): HTML tooltips
// would need inline styles the CSP refuses.
(function () {
  "use strict";
  var source = document.getElementById("outcomes-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var L = data.labels || {};
  var lang = (data.lang || "id").indexOf("en") === 0 ? "en-US" : "id-ID";
  var number = new Intl.NumberFormat(lang);
  var pct = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var COLORS = { running: "#3b82c4", growing: "#2e9d6a", stagnant: "#d99a2b", stopped: "#b5562d", none: "#9aa5b1" };
  var charts = [];

  function rupiah(v) { return v === null || v === undefined ? "—" : "Rp" + number.format(v); }
  function shortRupiah(v) {
    if (v >= 1e6) return "Rp" + number.format(Math.round(v / 1e5) / 10) + (lang === "en-US" ? "m" : " jt");
    if (v >= 1e3) return "Rp" + number.format(Math.round(v / 1e3)) + (lang === "en-US" ? "k" : " rb");
    return rupiah(v);
  }

  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    // CSSOM, not a style attribute: allowed by the CSP.
    el.style.height = (parseInt(el.getAttribute("data-height"), 10) || 300) + "px";
    el.style.width = "100%";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }
  function ready(chart) { chart.getDom().setAttribute("data-ready", "1"); }

  // Survival: a step curve from 100% at month 0, with its confidence band below and above.
  var survival = make("chart-survival");
  if (survival) {
    var pts = (data.survival && data.survival.points) || [];
    var curve = pts.map(function (p) { return [p.t, p.s]; });
    var lower = pts.map(function (p) { return [p.t, p.lo === null ? p.s : p.lo]; });
    var width = pts.map(function (p) {
      var lo = p.lo === null ? p.s : p.lo, hi = p.hi === null ? p.s : p.hi;
      return [p.t, Math.max(0, hi - lo)];
    });
    survival.setOption({
      color: ["#1f6f4a"],
      tooltip: { trigger: "axis", renderMode: "richText",
                 valueFormatter: function (v) { return pct.format(v); } },
      grid: { left: 8, right: 16, top: 24, bottom: 28, containLabel: true },
      xAxis: { type: "value", min: 0, name: L.months, nameLocation: "middle", nameGap: 22,
               axisLabel: { formatter: function (v) { return number.format(v); } } },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return pct.format(v); } } },
      series: [
        { name: "lo", type: "line", step: "end", data: lower, stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } },
        { name: L.band, type: "line", step: "end", data: width, stack: "band", symbol: "none",
          lineStyle: { opacity: 0 }, areaStyle: { color: "#2e9d6a", opacity: 0.15 }, silent: true,
          tooltip: { show: false } },
        { name: L.survival, type: "line", step: "end", data: curve, symbol: "circle", symbolSize: 4,
          lineStyle: { width: 2 } }
      ]
    });
    ready(survival);
  }

  var status = make("chart-status");
  if (status) {
    var mix = data.status_mix || [];
    status.setOption({
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: function (p) { return p.name + ": " + number.format(p.value); } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: mix.map(function (m) { return m.name; }) },
      series: [{ type: "bar", barMaxWidth: 22, label: { show: true, position: "right" },
                 data: mix.map(function (m) { return { value: m.value, itemStyle: { color: COLORS[m.key] || "#7a4fa3" } }; }) }]
    });
    ready(status);
  }

  var reasons = make("chart-reasons");
  if (reasons) {
    var rs = data.stop_reasons || [];
    reasons.setOption({
      color: ["#b5562d"],
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: function (p) { return p.name + ": " + number.format(p.value); } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rs.map(function (r) { return r.name; }),
               axisLabel: { width: 160, overflow: "truncate" } },
      series: [{ type: "bar", barMaxWidth: 18, label: { show: true, position: "right" },
                 data: rs.map(function (r) { return r.value; }) }]
    });
    ready(reasons);
  }

  var revenue = make("chart-revenue");
  if (revenue) {
    var types = (data.by_business_type || []).filter(function (t) { return t.before !== null || t.after !== null; });
    revenue.setOption({
      color: ["#9aa5b1", "#2e9d6a"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
                 valueFormatter: function (v) { return rupiah(v); } },
      legend: { top: 0, data: [L.before, L.after] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: shortRupiah } },
      yAxis: { type: "category", inverse: true, data: types.map(function (t) { return t.name; }),
               axisLabel: { width: 150, overflow: "truncate" } },
      series: [
        { name: L.before, type: "bar", barMaxWidth: 14, data: types.map(function (t) { return t.before; }) },
        { name: L.after, type: "bar", barMaxWidth: 14, data: types.map(function (t) { return t.after; }) }
      ]
    });
    ready(revenue);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
