/* Classification charts: ECharts pies and the revenue bar, from the page's JSON (no data in the markup). */
(function () {
  "use strict";
  var charts = [];

  function pie(el, rows) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    // no legend: the table under the chart is the legend, its badges in the slices' colours
    chart.setOption({
      animationDuration: 400,
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      series: [{ type: "pie", radius: ["45%", "80%"], center: ["50%", "50%"], label: { show: false },
        data: rows.map(function (r) { return { name: r.name, value: r.value, itemStyle: { color: r.color } }; }) }]
    });
    return chart;
  }

  function bars(el, data) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      animationDuration: 400,
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
