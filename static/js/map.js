/* Maps of the site (Leaflet, served by the app).
 *
 * [data-map="catalogue"]: every initiative matching the page's filters, clustered, loaded from
 *   the JSON endpoint in data-source with the page's own query string; markers show the verdict
 *   with the symbol, shape and colour of the legend named by data-legend.
 * [data-map="point"]: one initiative (data-lat, data-lng, data-name).
 * [data-map="picker"]: the location step of the registration: click the map or drag the marker
 *   to fill the latitude and longitude fields (data-lat-input, data-lng-input), which stay the
 *   way to do it without a mouse or without JavaScript.
 *
 * Every map draws the départements and the région from the app's own GeoJSON (data-outlines,
 * data-region-outline) under the markers, so that it reads when tiles are slow or blocked, and
 * says so when tiles fail (data-tiles-unavailable).
 *
 * Tile URL, attribution, texts and marker icon URLs come from data- attributes: the strict CSP
 * forbids inline scripts, and hashed static names would break Leaflet's guess of its image folder.
 */
(function () {
  "use strict";

  var OCCITANIE_CENTRE = [43.75, 2.2];
  // Tiles count as unavailable after this many errors with none loaded, or when none has
  // loaded after this long.
  var TILE_ERRORS_BEFORE_NOTICE = 3;
  var TILE_TIMEOUT_MS = 5000;

  function setUpIcons(element) {
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: element.dataset.iconUrl,
      iconRetinaUrl: element.dataset.iconRetinaUrl,
      shadowUrl: element.dataset.shadowUrl,
    });
  }

  function escapeHtml(text) {
    return String(text)
      .replace(/&/g, "&amp;")
      .replace(/"/g, "&quot;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;");
  }

  function formatNumber(value, digits) {
    return value.toLocaleString(document.documentElement.lang || undefined, {
      minimumFractionDigits: digits || 0,
      maximumFractionDigits: digits || 0,
    });
  }

  // A status line under the map, created empty with the map so that screen readers announce
  // the text put in it later.
  function noticeAfter(element, className) {
    var notice = document.createElement("p");
    notice.className = className;
    notice.setAttribute("role", "status");
    element.insertAdjacentElement("afterend", notice);
    return notice;
  }

  function watchTiles(element, tiles) {
    var message = element.dataset.tilesUnavailable;
    if (!message) {
      return;
    }
    var notice = noticeAfter(element, "map-tile-notice small");
    var loaded = 0;
    var errors = 0;
    function unavailable() {
      if (!loaded && element.dataset.tiles !== "unavailable") {
        element.dataset.tiles = "unavailable";
        notice.textContent = message;
      }
    }
    tiles.on("tileload", function () {
      loaded += 1;
      if (element.dataset.tiles !== "loaded") {
        element.dataset.tiles = "loaded";
        notice.textContent = "";
      }
    });
    tiles.on("tileerror", function () {
      errors += 1;
      if (errors >= TILE_ERRORS_BEFORE_NOTICE) {
        unavailable();
      }
    });
    window.setTimeout(unavailable, TILE_TIMEOUT_MS);
  }

  function loadJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  // The départements, then the région over them, under the markers (overlay pane), drawn from
  // the app's static GeoJSON. Layers are added before the data arrives, so their order holds.
  function addOutlines(element, map) {
    var layers = [
      {
        url: element.dataset.outlines,
        style: { className: "map-outline map-outline-departement", color: "#6c757d", weight: 1, fillColor: "#ffffff", fillOpacity: 0.35 },
      },
      {
        url: element.dataset.regionOutline,
        style: { className: "map-outline map-outline-region", color: "#7a1f4b", weight: 2.5, fill: false },
      },
    ];
    var attribution = escapeHtml(element.dataset.outlineAttribution || "");
    layers.forEach(function (layer, index) {
      if (!layer.url) {
        return;
      }
      var geoJson = L.geoJSON(null, {
        interactive: false,
        style: layer.style,
        // One attribution for both layers: the control lists each distinct text once.
        attribution: attribution,
      }).addTo(map);
      loadJson(layer.url)
        .then(function (data) {
          geoJson.addData(data);
          element.dataset["outlines" + index] = "loaded";
        })
        .catch(function () {
          element.dataset["outlines" + index] = "error";
        });
    });
  }

  function createMap(element, options) {
    setUpIcons(element);
    var map = L.map(element, Object.assign({ scrollWheelZoom: false, zoomControl: false }, options || {}));
    // Leaflet's controls speak English: their names come from the template, in the page's language.
    L.control.zoom({
      zoomInTitle: element.dataset.zoomInTitle || "Zoom in",
      zoomOutTitle: element.dataset.zoomOutTitle || "Zoom out",
    }).addTo(map);
    if (element.dataset.leafletTitle && map.attributionControl) {
      map.attributionControl.setPrefix(String(map.attributionControl.options.prefix).replace(
        /title="[^"]*"/, 'title="' + escapeHtml(element.dataset.leafletTitle) + '"'));
    }
    var tiles = L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 18,
    });
    watchTiles(element, tiles);
    tiles.addTo(map);
    addOutlines(element, map);
    return map;
  }

  // A cluster is a button: named by its count and what it does ("25 initiatives, zoom in").
  function clusterIcon(label) {
    var NamedDivIcon = L.DivIcon.extend({
      createIcon: function (oldIcon) {
        var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
        div.setAttribute("aria-label", this.options.label);
        return div;
      },
    });
    return function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
      return new NamedDivIcon({
        html: "<div><span>" + count + "</span></div>",
        className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40),
        label: label.replace("%(count)s", formatNumber(count)),
      });
    };
  }

  // One icon per verdict: the symbol and shape of the legend's entry (its server-rendered
  // markup, hidden from screen readers: a marker is named by its title, which gives the verdict
  // in words).
  function verdictIcons(legend) {
    var icons = {};
    if (!legend) {
      return icons;
    }
    legend.querySelectorAll("[data-verdict]").forEach(function (item) {
      var symbol = item.querySelector(".verdict-marker");
      if (!symbol) {
        return;
      }
      icons[item.dataset.verdict] = L.divIcon({
        className: "map-verdict-marker",
        html: symbol.outerHTML,
        iconSize: [28, 28],
        iconAnchor: [14, 14],
        popupAnchor: [0, -14],
      });
    });
    return icons;
  }

  function popupContent(properties, legend) {
    // Built with DOM nodes, never innerHTML: names come from users.
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.className = "map-popup-title";
    link.href = properties.url;
    link.textContent = properties.name;
    if (document.documentElement.lang !== "fr") {
      link.lang = "fr"; // names are written in French
    }
    wrapper.appendChild(link);
    var meta = document.createElement("span");
    meta.className = "d-block";
    meta.textContent = properties.type + " · " + properties.commune + " (" + properties.departement + ")";
    wrapper.appendChild(meta);
    if (properties.verdict_label) {
      var verdict = document.createElement("span");
      verdict.className = "map-popup-verdict";
      var entry = legend && legend.querySelector('[data-verdict="' + properties.verdict + '"] .verdict-marker');
      if (entry) {
        verdict.appendChild(entry.cloneNode(true));
        verdict.appendChild(document.createTextNode(" "));
      }
      verdict.appendChild(document.createTextNode(properties.verdict_label));
      wrapper.appendChild(verdict);
    }
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
    var legend = element.dataset.legend ? document.getElementById(element.dataset.legend) : null;
    if (legend) {
      legend.hidden = false;
    }
    var icons = verdictIcons(legend);
    var cluster = L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: clusterIcon(element.dataset.clusterLabel || "%(count)s"),
    });
    map.addLayer(cluster);

    loadJson(element.dataset.source + window.location.search)
      .then(function (data) {
        var markers = data.features.map(function (feature) {
          var coordinates = feature.geometry.coordinates;
          var properties = feature.properties;
          var options = {
            title: properties.verdict_label ? properties.name + " – " + properties.verdict_label : properties.name,
            alt: properties.name,
          };
          if (icons[properties.verdict]) {
            options.icon = icons[properties.verdict];
          }
          var marker = L.marker([coordinates[1], coordinates[0]], options);
          marker.bindPopup(popupContent(properties, legend));
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
            : element.dataset.countMany.replace("%(count)s", formatNumber(markers.length))
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

  // --- Location step ---------------------------------------------------------------------------

  function readPoint(lat, lng) {
    var latitude = parseFloat(String(lat || "").replace(",", "."));
    var longitude = parseFloat(String(lng || "").replace(",", "."));
    return isFinite(latitude) && isFinite(longitude) ? L.latLng(latitude, longitude) : null;
  }

  function round(value) {
    return Math.round(value * 100000) / 100000;
  }

  function initPickerMap(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lngInput = document.getElementById(element.dataset.lngInput);
    if (!latInput || !lngInput) {
      return;
    }
    var communeInput = document.getElementById(element.dataset.communeInput);
    var reset = document.getElementById(element.dataset.reset);
    var status = noticeAfter(element, "map-picker-status small text-body-secondary mt-2");
    var communePoint = readPoint(element.dataset.communeLat, element.dataset.communeLng);
    var own = readPoint(latInput.value, lngInput.value);
    var placed = Boolean(own);
    var marker = null;

    var start = own || communePoint;
    var map = createMap(element).setView(start || OCCITANIE_CENTRE, own ? 16 : start ? 13 : 7);

    function say() {
      var point = placed && marker ? marker.getLatLng() : null;
      if (point) {
        status.textContent = element.dataset.placedText
          .replace("%(lat)s", formatNumber(point.lat, 5))
          .replace("%(lng)s", formatNumber(point.lng, 5));
      } else {
        status.textContent = marker ? element.dataset.communeText : element.dataset.emptyText;
      }
      element.dataset.placed = placed ? "true" : "false";
      if (reset) {
        reset.hidden = !placed;
      }
    }

    function showMarker(point) {
      element.dataset.marker = point.lat + "," + point.lng;
      if (marker) {
        marker.setLatLng(point);
        return;
      }
      marker = L.marker(point, {
        draggable: true,
        title: element.dataset.markerTitle,
        alt: element.dataset.markerTitle,
      }).addTo(map);
      marker.on("dragend", function () {
        place(marker.getLatLng());
      });
    }

    function place(point) {
      var rounded = L.latLng(round(point.lat), round(point.lng));
      latInput.value = String(rounded.lat);
      lngInput.value = String(rounded.lng);
      placed = true;
      showMarker(rounded);
      say();
    }

    function backToCommune() {
      placed = false;
      if (communePoint) {
        showMarker(communePoint);
        map.setView(communePoint, Math.max(map.getZoom(), 13));
      } else if (marker) {
        map.removeLayer(marker);
        marker = null;
        delete element.dataset.marker;
      }
      say();
    }

    if (start) {
      showMarker(start);
    }
    map.on("click", function (event) {
      place(event.latlng);
    });

    // Typed by hand (the fields stay usable with JavaScript): follow them.
    function fieldsChanged() {
      var point = readPoint(latInput.value, lngInput.value);
      if (point) {
        placed = true;
        showMarker(point);
        map.panTo(point);
        say();
      } else if (!latInput.value.trim() && !lngInput.value.trim()) {
        backToCommune();
      }
    }
    latInput.addEventListener("change", fieldsChanged);
    lngInput.addEventListener("change", fieldsChanged);

    if (reset) {
      reset.addEventListener("click", function () {
        latInput.value = "";
        lngInput.value = "";
        backToCommune();
        latInput.focus();
      });
    }

    // A commune picked in the search-as-you-type field (static/js/commune_search.js): the map
    // goes there, and so does the marker unless the owner has placed it.
    if (communeInput) {
      communeInput.addEventListener("commune:picked", function (event) {
        var point = readPoint(event.detail.latitude, event.detail.longitude);
        if (!point) {
          return;
        }
        communePoint = point;
        if (!placed) {
          showMarker(point);
          map.setView(point, 13);
          say();
        }
      });
    }
    say();
  }

  if (typeof L === "undefined") {
    return;
  }
  document.querySelectorAll("[data-map]").forEach(function (element) {
    if (element.dataset.map === "catalogue") {
      initCatalogueMap(element);
    } else if (element.dataset.map === "point") {
      initPointMap(element);
    } else if (element.dataset.map === "picker") {
      initPickerMap(element);
    }
  });
})();
