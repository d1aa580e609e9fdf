/* Small accessibility helpers of every page (a file, as the CSP forbids inline scripts).
 *
 * - Escape closes the phone menu (the collapsed navigation bar) and returns to its button.
 * - A form's error summary (templates/includes/_error_summary.html) gets the focus when the
 *   page opens, and its links move the focus to the field they name.
 * - Boxes that scroll sideways (core_tags.scroll_region, responsive tables, charts) say so in
 *   a visible hint, and are a Tab stop, only while they can scroll.
 */
(function () {
  "use strict";

  function closeMenuOnEscape() {
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || typeof bootstrap === "undefined") return;
      var menu = document.querySelector(".navbar-collapse.show");
      if (!menu) return;
      var toggler = document.querySelector('[data-bs-target="#' + menu.id + '"]');
      // Only the collapsed (phone) menu: on wide screens the bar is always open.
      if (!toggler || toggler.offsetParent === null) return;
      var hadFocus = menu.contains(document.activeElement);
      bootstrap.Collapse.getOrCreateInstance(menu, { toggle: false }).hide();
      if (hadFocus) toggler.focus();
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) return;
      // A group of boxes or buttons is named by its container: focus its first choice.
      if (!field.matches("input, select, textarea, button")) {
        field = field.querySelector("input, select, textarea") || field;
      }
      event.preventDefault();
      // Show the field's label (above the field) too, then type straight away.
      var label = document.querySelector("label[for='" + field.id + "']");
      var legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
      (legend || label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  function markScrollableBoxes() {
    // Boxes marked by the template tag, and any other responsive table or chart (labelled by
    // its caption).
    var boxes = document.querySelectorAll("[data-scroll-region], .table-responsive, .chart-scroll");
    var hintText = document.body.getAttribute("data-scroll-hint");
    if (!boxes.length || !hintText) return;
    var hints = [];
    boxes.forEach(function (box, index) {
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = box.querySelector("caption");
        if (caption) box.setAttribute("aria-label", caption.textContent.trim());
      }
      if (box.hasAttribute("aria-label")) box.setAttribute("role", "region");
      var hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.id = "scroll-hint-" + (index + 1);
      hint.textContent = hintText;
      hint.hidden = true;
      // Seen on the screen; screen readers hear it as the box's description.
      hint.setAttribute("aria-hidden", "true");
      box.parentNode.insertBefore(hint, box);
      hints.push(hint);
    });

    function update() {
      boxes.forEach(function (box, index) {
        var scrolls = box.scrollWidth > box.clientWidth + 1;
        hints[index].hidden = !scrolls;
        if (scrolls) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("aria-describedby", hints[index].id);
        } else if (document.activeElement !== box) {
          box.removeAttribute("tabindex");
          box.removeAttribute("aria-describedby");
        }
      });
    }

    update();
    if (typeof ResizeObserver !== "undefined") {
      var observer = new ResizeObserver(update);
      boxes.forEach(function (box) { observer.observe(box); });
    } else {
      window.addEventListener("resize", update);
    }
  }

  closeMenuOnEscape();
  focusErrorSummary();
  markScrollableBoxes();
})();
