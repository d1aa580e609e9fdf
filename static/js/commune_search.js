// Search-as-you-type for the commune field: fills a <datalist> from a small JSON endpoint.
// Without JavaScript the field still works: type the name (and the postal code) by hand.
// When the field holds one of the suggestions, it fires "commune:picked" with that commune
// (insee_code, name, latitude, longitude): the location map (map.js) moves there.
(function () {
  "use strict";
  var input = document.querySelector("[data-commune-search]");
  var list = document.getElementById("commune-options");
  if (!input || !list) return;
  var postal = document.getElementById(input.getAttribute("data-postal-code-input"));
  var url = input.getAttribute("data-commune-search");
  var timer = null;
  var lastQuery = null;
  var suggestions = {}; // label → commune, from every answer so far
  var picked = null;
  input.setAttribute("list", list.id);

  function announce() {
    var commune = suggestions[input.value.trim()];
    if (!commune || commune.label === picked) return;
    picked = commune.label;
    input.dispatchEvent(new CustomEvent("commune:picked", { detail: commune }));
  }

  function refresh() {
    var query = input.value.trim();
    var code = postal ? postal.value.trim() : "";
    if (/—\s*\d{5}$/.test(query)) return; // a suggestion was picked
    var key = query + "|" + code;
    if (key === lastQuery || (query.length < 2 && code.length !== 5)) return;
    lastQuery = key;
    var params = new URLSearchParams({ q: query, postal_code: code.length === 5 ? code : "" });
    fetch(url + "?" + params.toString(), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren();
        data.results.forEach(function (commune) {
          suggestions[commune.label] = commune;
          var option = document.createElement("option");
          option.value = commune.label;
          option.textContent = commune.postal_codes.join(", ");
          list.appendChild(option);
        });
      })
      .catch(function () { /* offline: typing by hand still works */ });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 200);
  }
  input.addEventListener("input", later);
  input.addEventListener("input", announce);
  input.addEventListener("change", announce);
  input.addEventListener("focus", later);
  if (postal) postal.addEventListener("change", later);
})();
