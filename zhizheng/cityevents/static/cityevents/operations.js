// The city operations figures: ECharts for counts and trends, Leaflet (no tiles) for grouped open cases. Drawn
// again whenever htmx swaps in fresh figures (the partial calls window.zzOpsDraw).
(function () {
  "use strict";
  var charts = {}, map = null, layer = null;
  function data() {
    var node = document.getElementById("zz-ops-data");
    return node ? JSON.parse(node.textContent) : null;
  }
  function chart(element, option) {
    var name = element.dataset.chart;
    if (charts[name]) { charts[name].dispose(); }
    charts[name] = echarts.init(element);
    charts[name].setOption(option);
  }
  function bar(rows) {
    return {
      grid: { left: 90, right: 20, top: 10, bottom: 30 }, tooltip: {},
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map(function (r) { return r[0]; }).reverse() },
      series: [{ type: "bar", data: rows.map(function (r) { return r[1]; }).reverse(), itemStyle: { color: "#0b3d91" } }]
    };
  }
  function draw() {
    var d = data();
    if (!d || !window.echarts) { return; }
    document.querySelectorAll(".zz-chart").forEach(function (element) {
      var name = element.dataset.chart;
      if (name === "trend") {
        chart(element, {
          tooltip: { trigger: "axis" }, legend: { bottom: 0 }, grid: { left: 40, right: 20, top: 10, bottom: 50 },
          xAxis: { type: "category", data: d.trend.days.map(function (s) { return s.slice(5); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: [
            { name: d.labels.reported, type: "line", data: d.trend.reported },
            { name: d.labels.closed, type: "line", data: d.trend.closed }
          ]
        });
      } else if (name === "category") {
        chart(element, { tooltip: {}, series: [{ type: "pie", radius: ["35%", "70%"],
          data: d.category.map(function (r) { return { name: r[0], value: r[1] }; }) }] });
      } else {
        chart(element, bar(d[name]));
      }
    });
    var element = document.getElementById("zz-ops-map");
    if (element && window.L) {
      if (!map || map.getContainer() !== element) {
        map = L.map(element, { attributionControl: false }).setView([d.centre[0], d.centre[1]], 10);
        fetch("/api/v1/registries/spatial/units?level=district").then(function (r) { return r.ok ? r.json() : null; })
          .then(function (g) { if (g && g.features) { L.geoJSON(g, { style: { color: "#0b3d91", weight: 1, fillOpacity: 0.05 } }).addTo(map); } })
          .catch(function () {});
      }
      if (layer) { layer.remove(); }
      layer = L.layerGroup(d.clusters.map(function (c) {
        return L.circleMarker([c.lat, c.lon], { radius: 5 + 3 * Math.sqrt(c.count), color: "#dc3545", weight: 1, fillOpacity: 0.5 })
          .bindTooltip(String(c.count));
      })).addTo(map);
    }
  }
  window.zzOpsDraw = draw;
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
