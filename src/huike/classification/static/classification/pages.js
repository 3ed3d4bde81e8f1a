/* Classification pages without inline script: move a rule up/down (the hidden inputs follow, so the form
   posts the new order) and "select all" on the approval queue. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) { return; }
    event.preventDefault();
    var item = button.closest("li");
    var list = item.parentNode;
    if (button.getAttribute("data-move") === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (button.getAttribute("data-move") === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    }
    button.focus();
  });
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) { return; }
    document.querySelectorAll("input[name='" + all.getAttribute("data-select-all") + "']").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
