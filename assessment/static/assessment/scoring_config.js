// Criterion admin: show only the part of the scoring editor that matches the chosen question
// and kind. Without JavaScript every part stays visible and the others are simply ignored.
(function () {
  "use strict";

  function scope(element) {
    return element.closest(".inline-related") || element.closest("form");
  }

  function refresh(editor) {
    var root = scope(editor);
    if (!root) return;
    var question = root.querySelector("select[name$='question']");
    var kind = root.querySelector("select[name$='kind']");
    var q = question ? question.value : "";
    var k = kind ? kind.value : "";
    editor.querySelectorAll(".scoring-config-group").forEach(function (group) {
      var serves = group.getAttribute("data-questions").split(" ");
      group.hidden = q !== "" && serves.indexOf(q) === -1;
    });
    editor.querySelectorAll(".scoring-config-item[data-kind]").forEach(function (item) {
      item.hidden = k !== "" && item.getAttribute("data-kind") !== k;
    });
  }

  function refreshWithin(root) {
    root.querySelectorAll(".scoring-config").forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (/(^|-)(question|kind)$/.test(name)) {
      var root = scope(event.target);
      if (root) refreshWithin(root);
    }
  });
  // Each criterion added on the framework page goes after the others (Django gives every new
  // row the same initial position).
  function placeLast(row) {
    var position = row.querySelector("input[name$='-position']");
    var group = row.closest(".inline-group");
    if (!position || !group) return;
    var last = 0;
    group.querySelectorAll("input[name$='-position']").forEach(function (input) {
      if (input !== position && !/__prefix__/.test(input.name)) {
        last = Math.max(last, parseInt(input.value, 10) || 0);
      }
    });
    position.value = String(last + 10);
  }

  document.addEventListener("formset:added", function (event) {
    refreshWithin(event.target);
    placeLast(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () {
    refreshWithin(document);
  });
})();
