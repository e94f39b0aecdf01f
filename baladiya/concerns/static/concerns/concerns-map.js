/* Concerns' maps, added on top of pages that work without them (no map, no JavaScript: the
 * latitude/longitude fields and the table stay). Leaflet (vendored) is loaded only when the
 * visitor asks for the map, so the page stays light.
 * #concern-map[data-pick]: a click fills the form's latitude and longitude.
 * #concern-points: the public map's points (rounded to ~100 m by the server).
 * The tile server comes from data-tiles (the BALADIYA_MAP_TILE_URL setting). */
(function () {
  "use strict";
  var el = document.getElementById("concern-map");
  var button = document.getElementById("concern-map-show");
  if (!el || !button) { return; }
  button.hidden = false;

  function start() {
    // Explicit, so the markers never depend on when the stylesheet arrived.
    var icon = el.dataset.leafletIcon;
    L.Icon.Default.imagePath = icon.slice(0, icon.lastIndexOf("/") + 1);
    el.hidden = false;
    button.hidden = true;
    var map = L.map(el).setView([28.0, 2.6], 5);
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    var pointsNode = document.getElementById("concern-points");
    if (pointsNode) {
      var bounds = [];
      JSON.parse(pointsNode.textContent || "[]").forEach(function (p) {
        L.marker([p.lat, p.lon], { alt: p.ref }).addTo(map)
          .bindPopup(document.createTextNode(p.ref + " — " + p.category + " — " + p.status));
        bounds.push([p.lat, p.lon]);
      });
      if (bounds.length) { map.fitBounds(bounds, { maxZoom: 15 }); }
    }
    if (el.dataset.pick) {
      var lat = document.getElementById("id_latitude");
      var lon = document.getElementById("id_longitude");
      var marker = null;
      map.on("click", function (event) {
        lat.value = event.latlng.lat.toFixed(5);
        lon.value = event.latlng.lng.toFixed(5);
        if (marker) { marker.setLatLng(event.latlng); } else { marker = L.marker(event.latlng).addTo(map); }
      });
    }
  }

  button.addEventListener("click", function () {
    if (typeof L !== "undefined") { start(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = el.dataset.leafletCss;
    css.onload = function () {
      var script = document.createElement("script");
      script.src = el.dataset.leafletJs;
      script.onload = start;
      document.head.appendChild(script);
    };
    document.head.appendChild(css);
  });
}());
