// The paper form's author list: add, remove and reorder rows, one contact author at a time.
// Without JavaScript the same form works with the visible position numbers and Remove boxes.
(function () {
  "use strict";

  function setUp(table) {
    var prefix = table.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var body = table.querySelector("tbody");
    var template = document.getElementById("author-template");
    var addButton = document.querySelector("[data-add-author]");

    function rows() {
      return Array.prototype.filter.call(body.querySelectorAll("tr[data-author]"), function (row) {
        return !row.hidden;
      });
    }

    function renumber() {
      var visible = rows();
      visible.forEach(function (row, index) {
        var order = row.querySelector("input[name$='-ORDER']");
        if (order) { order.value = index + 1; }
        var position = row.querySelector("[data-position]");
        if (position) { position.textContent = index + 1; }
        row.querySelector("[data-move='up']").disabled = index === 0;
        row.querySelector("[data-move='down']").disabled = index === visible.length - 1;
        row.querySelector("[data-remove]").disabled = visible.length === 1;
      });
    }

    if (addButton) {
      addButton.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var holder = document.createElement("tbody");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var row = holder.querySelector("tr[data-author]");
        body.appendChild(row);
        total.value = index + 1;
        renumber();
        row.querySelector("input[name$='-name']").focus();
      });
    }

    body.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var row = button.closest("tr[data-author]");
      if (button.hasAttribute("data-remove")) {
        var remove = row.querySelector("input[name$='-DELETE']");
        if (remove) { remove.checked = true; }
        row.hidden = true;
      } else if (button.getAttribute("data-move") === "up") {
        var before = row.previousElementSibling;
        while (before && before.hidden) { before = before.previousElementSibling; }
        if (before) { body.insertBefore(row, before); }
      } else if (button.getAttribute("data-move") === "down") {
        var after = row.nextElementSibling;
        while (after && after.hidden) { after = after.nextElementSibling; }
        if (after) { body.insertBefore(after, row); }
      }
      renumber();
    });

    body.addEventListener("change", function (event) {
      if (event.target.matches("input[name$='-is_contact']") && event.target.checked) {
        body.querySelectorAll("input[name$='-is_contact']").forEach(function (box) {
          if (box !== event.target) { box.checked = false; }
        });
      }
    });

    body.querySelectorAll("input[name$='-DELETE']").forEach(function (box) {
      if (box.checked) { box.closest("tr[data-author]").hidden = true; }
    });
    renumber();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table[data-authors]");
    if (!table) { return; }
    document.documentElement.classList.add("js-authors");
    setUp(table);
  });
})();
