/* Draw the cockpit's bar charts with the vendored ECharts from the JSON the server embedded (no inline script). */
(function () {
  "use strict";
  function draw(container) {
    var source = document.getElementById(container.dataset.zzChart);
    if (!source || typeof echarts === "undefined") { return; }
    var chart = JSON.parse(source.textContent);
    var lang = document.documentElement.lang === "en" ? "EN" : "ZH";
    var instance = echarts.init(container, null, { renderer: "svg", locale: lang });
    instance.setOption({
      aria: { enabled: true },
      color: ["#0d3b72", "#b3261e", "#2e7d32", "#8d6e00"],
      tooltip: { trigger: "axis" },
      legend: { top: 0, show: chart.series.length > 1 },
      grid: { left: 8, right: 16, top: chart.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: chart.categories, axisLabel: { interval: 0, rotate: chart.categories.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: chart.unit, minInterval: 1 },
      series: chart.series.map(function (s) {
        return { name: s.name, type: chart.type || "bar", data: s.values, barMaxWidth: 48, label: { show: chart.categories.length <= 12, position: "top" } };
      })
    });
    window.addEventListener("resize", function () { instance.resize(); });
    container.dataset.zzReady = "true";
  }
  function start() { document.querySelectorAll("[data-zz-chart]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
