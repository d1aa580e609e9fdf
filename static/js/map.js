/* Maps of the public site (Leaflet, served by the app).
 *
 * [data-map="catalogue"]: every initiative matching the page's filters, clustered, loaded from
 *   the JSON endpoint in data-source with the page's own query string.
 * [data-map="point"]: one initiative (data-lat, data-lng, data-name).
 *
 * Tile URL, attribution and marker icon URLs come from data- attributes: the strict CSP forbids
 * inline scripts, and hashed static names would break Leaflet's guess of its image folder.
 */
(function () {
  "use strict";

  var OCCITANIE_CENTRE = [43.75, 2.2];

  function setUpIcons(element) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
    });
  }

  function createMap(element, options) {
    setUpIcons(element);
    var map = L.map(element, Object.assign({ scrollWheelZoom: false }, options || {}));
    L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 18,
    }).addTo(map);
    return map;
  }

  function popupContent(properties) {
    // Built with DOM nodes, never innerHTML: names come from users.
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.className = "map-popup-title";
    link.href = properties.url;
    link.textContent = properties.name;
    wrapper.appendChild(link);
    var meta = document.createElement("span");
    meta.textContent = properties.type + " · " + properties.commune + " (" + properties.departement + ")";
    wrapper.appendChild(meta);
    return wrapper;
  }

  function setStatus(text) {
    var status = document.getElementById("map-status");
    if (status) {
      status.textContent = text;
    }
  }

  function initCatalogueMap(element) {
    var map = createMap(element).setView(OCCITANIE_CENTRE, 7);
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
    map.addLayer(cluster);

    fetch(element.dataset.source + window.location.search, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var markers = data.features.map(function (feature) {
          var coordinates = feature.geometry.coordinates;
          var marker = L.marker([coordinates[1], coordinates[0]], {
            title: feature.properties.name,
            alt: feature.properties.name,
          });
          marker.bindPopup(popupContent(feature.properties));
          return marker;
        });
        cluster.addLayers(markers);
        if (markers.length) {
          map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 12 });
        }
        element.dataset.markers = String(markers.length);
        setStatus(
          markers.length === 1
            ? element.dataset.countOne
            : element.dataset.countMany.replace("%(count)s", markers.length.toLocaleString(document.documentElement.lang))
        );
      })
      .catch(function () {
        element.dataset.markers = "error";
        setStatus(element.dataset.error);
      });
  }

  function initPointMap(element) {
    var position = [parseFloat(element.dataset.lat), parseFloat(element.dataset.lng)];
    var map = createMap(element).setView(position, 13);
    L.marker(position, { title: element.dataset.name, alt: element.dataset.name }).addTo(map);
  }

  if (typeof L === "undefined") {
    return;
  }
  document.querySelectorAll("[data-map]").forEach(function (element) {
    if (element.dataset.map === "catalogue") {
      initCatalogueMap(element);
    } else if (element.dataset.map === "point") {
      initPointMap(element);
    }
  });
})();
