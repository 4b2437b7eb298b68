// Picking a place on a map without external tiles: the city's district polygons from the registries' GeoJSON
// endpoint, over a plain coordinate grid (all that is drawn when the polygons cannot be loaded). Clicking fills the longitude/latitude fields;
// typing in those fields moves the marker, so the map is never the only way to give a place.
(function () {
  "use strict";
  function start() {
    var element = document.getElementById("zz-map");
    if (!element || !window.L) { return; }
    var centre = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
    var map = L.map(element, { attributionControl: false, keyboard: true }).setView(centre, 11);
    var span = 0.3, step = 0.05;
    for (var lat = centre[0] - span; lat <= centre[0] + span + 1e-9; lat += step) {
      L.polyline([[lat, centre[1] - span], [lat, centre[1] + span]], { color: "#9aa5b1", weight: 1 }).addTo(map);
    }
    for (var lng = centre[1] - span; lng <= centre[1] + span + 1e-9; lng += step) {
      L.polyline([[centre[0] - span, lng], [centre[0] + span, lng]], { color: "#9aa5b1", weight: 1 }).addTo(map);
    }
    L.rectangle([[centre[0] - span, centre[1] - span], [centre[0] + span, centre[1] + span]],
      { color: "#0d6efd", weight: 2, fill: false }).addTo(map);
    if (element.dataset.districts && window.fetch) {
      fetch(element.dataset.districts, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.features || !data.features.length) { return; }
          var layer = L.geoJSON(data, {
            style: { color: "#0b3d91", weight: 2, fillColor: "#6ea8fe", fillOpacity: 0.12 },
            onEachFeature: function (feature, shape) {
              if (feature.properties && feature.properties.name) { shape.bindTooltip(feature.properties.name); }
              shape.on("click", function (e) { map.fire("click", e); });
            }
          }).addTo(map);
          if (!marker) { map.fitBounds(layer.getBounds()); }
        })
        .catch(function () { /* the grid stays */ });
    }
    var lngInput = document.getElementById("longitude"), latInput = document.getElementById("latitude");
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.circleMarker(latlng, { radius: 9, color: "#dc3545" }).addTo(map); }
    }
    map.on("click", function (e) {
      place(e.latlng);
      lngInput.value = e.latlng.lng.toFixed(6);
      latInput.value = e.latlng.lat.toFixed(6);
    });
    function typed() {
      var la = parseFloat(latInput.value), ln = parseFloat(lngInput.value);
      if (!isNaN(la) && !isNaN(ln)) { place([la, ln]); map.panTo([la, ln]); }
    }
    lngInput.addEventListener("change", typed);
    latInput.addEventListener("change", typed);
    typed();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
