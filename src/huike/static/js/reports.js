/* Report charts (ECharts, from the page's JSON): pie, bar, line, funnel; a click opens the customers
   behind a number; "PNG" downloads the chart as drawn. */
(function () {
  "use strict";
  var PALETTE = ["#4f46e5", "#0ea5e9", "#10b981", "#f59e0b", "#ef4444", "#8b5cf6", "#14b8a6", "#f97316", "#64748b"];
  var charts = {};

  function fmt(kind) {
    return function (v) {
      if (v === null || v === undefined) { return "—"; }
      return kind === "rate" ? v + "%" : (kind === "money" ? "¥" + Number(v).toLocaleString() : Number(v).toLocaleString());
    };
  }

  function pieOption(d, small) {
    var s = d.series[0];
    return {
      tooltip: { trigger: "item", valueFormatter: fmt(s.kind) },
      legend: small ? { show: false } : { type: "scroll", orient: "vertical", right: 0, top: "middle" },
      series: [{ name: s.name, type: "pie", radius: ["40%", "72%"], center: small ? ["50%", "50%"] : ["40%", "50%"],
        label: { show: !small, formatter: "{b}: {d}%" },
        data: d.categories.map(function (c, i) { return { name: c, value: s.data[i] }; }) }]
    };
  }

  function axisOption(d, type, small) {
    var kinds = [];
    d.series.forEach(function (s) { if (kinds.indexOf(s.kind) === -1) { kinds.push(s.kind); } });
    var manyLabels = d.categories.length > 6;
    return {
      tooltip: { trigger: "axis" },
      legend: d.series.length > 1 ? { type: "scroll", bottom: 0, itemGap: 16 } : { show: false },
      grid: { left: 8, right: 8, top: 24, bottom: d.series.length > 1 ? 40 : 8, containLabel: true },
      xAxis: { type: "category", data: d.categories, boundaryGap: type === "bar",
        axisLabel: { rotate: manyLabels || small ? 30 : 0, hideOverlap: true } },
      yAxis: kinds.slice(0, 2).map(function (k) {
        return { type: "value", axisLabel: { formatter: fmt(k) }, splitLine: { show: k === kinds[0] },
          minInterval: k === "int" || k === "money" ? 1 : 0, max: k === "rate" ? 100 : null };  // no ¥0.2 steps
      }),
      series: d.series.map(function (s) {
        return { name: s.name, type: type, data: s.data, yAxisIndex: Math.min(kinds.indexOf(s.kind), 1),
          barMaxWidth: 40, smooth: type === "line", areaStyle: type === "line" ? { opacity: 0.12 } : undefined,
          tooltip: { valueFormatter: fmt(s.kind) } };
      })
    };
  }

  function funnelOption(d) {
    var s = d.series[0];
    var data = d.categories.map(function (c, i) { return { name: c, value: s.data[i] }; });
    return {
      tooltip: { trigger: "item", valueFormatter: fmt(s.kind) },
      series: [{ name: s.name, type: "funnel", left: "10%", width: "80%", sort: "none", minSize: "8%", gap: 2,
        label: { position: "inside", formatter: "{b}: {c}" }, data: data }]
    };
  }

  function draw(el, d) {
    var small = el.classList.contains("dash-chart");
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var option = d.type === "pie" ? pieOption(d, small) : d.type === "funnel" ? funnelOption(d)
      : axisOption(d, d.type === "line" ? "line" : "bar", small);
    option.color = PALETTE;
    option.animationDuration = 300;
    chart.setOption(option);
    chart.on("click", function (p) {
      var url = d.links && d.links[p.dataIndex];
      if (url) { window.location.href = url; }
    });
    return chart;
  }

  function downloadPng(id) {
    var chart = charts[id];
    if (!chart) { return; }
    var a = document.createElement("a");
    a.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    a.download = id + ".png";
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function start() {
    var source = document.getElementById("report-charts");
    if (!source || typeof echarts === "undefined") { return; }
    var byId = {};
    JSON.parse(source.textContent).forEach(function (d) { byId[d.id] = d; });
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var d = byId[el.getAttribute("data-chart")];
      if (d) { charts[d.id] = draw(el, d); }
    });
    document.querySelectorAll("[data-png]").forEach(function (btn) {
      btn.addEventListener("click", function () { downloadPng(btn.getAttribute("data-png")); });
    });
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); }, 100);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
