/* The API documentation page (templates/drf_spectacular/swagger_ui.html).
 *
 * Swagger UI titles the API with a second level-1 heading, under the page's own: it is
 * presented as level 2, so that the headings form one outline (RGAA 9.1). Swagger UI draws
 * its content after loading the schema, hence the observer.
 */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof MutationObserver === "undefined") return;

  function demoteTitle() {
    root.querySelectorAll("h1").forEach(function (heading) {
      heading.setAttribute("aria-level", "2");
    });
  }

  new MutationObserver(demoteTitle).observe(root, { childList: true, subtree: true });
  demoteTitle();
})();
