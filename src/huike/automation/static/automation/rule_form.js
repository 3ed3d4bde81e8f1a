// Rule builder: show only the inputs of each action row's type, and the schedule only for schedules.
(function () {
  function sync() {
    document.querySelectorAll("#rule-form .action-row").forEach(function (row) {
      var type = row.querySelector(".action-type").value;
      row.querySelectorAll("[data-for]").forEach(function (el) {
        el.style.display = el.dataset.for.split(" ").indexOf(type) >= 0 ? "" : "none";
      });
    });
    var sched = document.getElementById("id_trigger").value === "schedule";
    document.getElementById("schedule-fields").style.display = sched ? "" : "none";
  }
  document.addEventListener("change", function (e) { if (e.target.closest("#rule-form")) sync(); });
  sync();
})();
