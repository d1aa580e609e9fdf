/* The criteria of a framework's admin page, grouped by orientation in <details> sections
 * (templates/admin/assessment/criteria_by_orientation.html): a jump link opens the section it
 * points to, as does arriving with its #anchor; two buttons open or close every section. */
(function () {
  "use strict";

  function openTarget(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target && target.matches("details.criteria-group")) target.open = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-open-group]");
    if (link) openTarget(link.hash);
    var button = event.target.closest("button[data-criteria-groups]");
    if (button) {
      var open = button.getAttribute("data-criteria-groups") === "open";
      document.querySelectorAll("details.criteria-group").forEach(function (group) {
        group.open = open;
      });
    }
  });
  window.addEventListener("hashchange", function () { openTarget(window.location.hash); });
  document.addEventListener("DOMContentLoaded", function () { openTarget(window.location.hash); });
})();
