// Berdaya dashboards: ECharts drawn from the JSON the page carries (no inline script: CSP).
// Bars and funnel steps open the list behind them. Tooltips are drawn on the canvas
// (renderMode "richText"), since HTML tooltips would need inline styles the CSP refuses.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var lang = (data.lang || "id").indexOf("en") === 0 ? "en-US" : "id-ID";
  var number = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var COLORS = ["#9aa5b1", "#3b82c4", "#2e9d6a", "#1f6f4a", "#d99a2b", "#b5562d", "#7a4fa3"];
  var charts = [];

  function rupiah(v) { return "Rp" + number.format(v); }
  function shortRupiah(v) {
    if (v >= 1e9) return "Rp" + number.format(Math.round(v / 1e8) / 10) + (lang === "en-US" ? "bn" : " M");
    if (v >= 1e6) return "Rp" + number.format(Math.round(v / 1e5) / 10) + (lang === "en-US" ? "m" : " jt");
    return rupiah(v);
  }

  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    // CSSOM, not a style attribute: allowed by the CSP.
    el.style.height = (parseInt(el.getAttribute("data-height"), 10) || 320) + "px";
    el.style.width = "100%";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    el.setAttribute("data-ready", "1");
    return chart;
  }

  function follow(chart, linkOf) {
    chart.on("click", function (p) {
      var url = linkOf(p);
      if (url) window.location.href = url;
    });
  }

  var tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
    valueFormatter: function (v) { return number.format(v); } };
  var narrow = window.matchMedia("(max-width: 576px)").matches;

  // Per region: the target and each stage, as horizontal bars (region names stay readable).
  var regions = make("chart-regions");
  if (regions && data.regions) {
    regions.setOption({
      color: COLORS,
      tooltip: tooltip,
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { formatter: function (v) { return number.format(v); } } },
      yAxis: { type: "category", inverse: true, data: data.regions,
               axisLabel: { width: narrow ? 90 : 160, overflow: "truncate" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 14, cursor: "pointer" };
      })
    });
    follow(regions, function (p) {
      var s = data.series[p.seriesIndex];
      return s && s.links ? s.links[p.dataIndex] : null;
    });
  }

  var funnel = make("chart-funnel");
  if (funnel && data.funnel) {
    var top = Math.max.apply(null, data.funnel.map(function (f) { return f.value; }).concat([1]));
    funnel.setOption({
      color: COLORS,
      tooltip: { trigger: "item", renderMode: "richText",
                 formatter: function (p) { return p.name + ": " + number.format(p.value); } },
      series: [{
        type: "funnel", sort: "none", min: 0, max: top, minSize: "12%", left: "5%", width: "90%",
        top: 8, bottom: 8,
        label: { show: true, position: "inside", color: "#fff", fontSize: 11,
                 formatter: function (p) { return p.name + ": " + number.format(p.value); } },
        labelLayout: { hideOverlap: true },
        data: data.funnel.map(function (f) { return { name: f.name, value: f.value }; })
      }]
    });
    follow(funnel, function (p) { return data.funnel[p.dataIndex] && data.funnel[p.dataIndex].link; });
  }

  var budget = make("chart-budget");
  if (budget && data.budget) {
    budget.setOption({
      color: ["#3b82c4", "#2e9d6a"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText",
                 valueFormatter: function (v) { return rupiah(v); } },
      legend: { top: 0 },
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: shortRupiah, hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: data.regions,
               axisLabel: { width: narrow ? 90 : 160, overflow: "truncate" } },
      series: [
        { name: data.budget.names[0], type: "bar", data: data.budget.committed, barMaxWidth: 14 },
        { name: data.budget.names[1], type: "bar", data: data.budget.realised, barMaxWidth: 14 }
      ]
    });
  }

  // Poverty: the official rate per region by year, and the target as a line and a point.
  var poverty = make("chart-poverty");
  if (poverty && data.poverty) {
    var pv = data.poverty;
    var target = pv.target || (pv.targets && pv.targets[0]);
    var years = pv.years.map(String);
    var series = pv.series.map(function (s, i) {
      return { name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 6,
               lineStyle: { width: s.code === "64" ? 3 : 1.5 } };
    });
    if (target) {
      series.push({
        name: (pv.labels.target || "Target") + " " + target.year,
        type: "line", data: years.map(function (y) { return y === String(target.year) ? target.rate : null; }),
        symbol: "diamond", symbolSize: 12, lineStyle: { opacity: 0 },
        markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed", color: "#b5562d" },
                    label: { position: "insideEndTop", formatter: percent.format(target.rate) + "%" },
                    data: [{ yAxis: target.rate }] }
      });
    }
    poverty.setOption({
      tooltip: { trigger: "axis", renderMode: "richText",
                 valueFormatter: function (v) { return v == null ? "—" : percent.format(v) + "%"; } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: function (v) { return percent.format(v) + "%"; } } },
      series: series
    });
    if (!pv.series.length) {
      poverty.setOption({ title: { text: pv.labels.empty || "",
                                   left: "center", top: "middle", textStyle: { fontSize: 12, color: "#666" } } });
    }
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
