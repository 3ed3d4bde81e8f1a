/* Classification charts: ECharts pies and the revenue bar, from the page's JSON (no data in the markup). */
(function () {
  "use strict";
  var PALETTE = ["#4f46e5", "#10b981", "#f59e0b", "#ef4444", "#06b6d4", "#8b5cf6", "#64748b"];
  var charts = [];

  function pie(el, rows) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: PALETTE,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll", textStyle: { fontSize: 11 } },
      series: [{ type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"], avoidLabelOverlap: true,
        label: { show: false }, data: rows.map(function (r) { return { name: r.name, value: r.value }; }) }]
    });
    return chart;
  }

  function bars(el, data) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#4f46e5", "#cbd5e1"],
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      legend: { bottom: 0, data: data.names },
      grid: { left: 40, right: 12, top: 16, bottom: 48 },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ name: data.names[0], type: "bar", data: data.actual, barMaxWidth: 36 },
               { name: data.names[1], type: "bar", data: data.expected, barMaxWidth: 36 }]
    });
    return chart;
  }

  function start() {
    var source = document.getElementById("classification-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      if (key === "revenue") { charts.push(bars(el, data.revenue)); }
      else if (data[key] && data[key].length) { charts.push(pie(el, data[key])); }
    });
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
