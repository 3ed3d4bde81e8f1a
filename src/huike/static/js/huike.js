// Small progressive enhancements; every page works without them.
(function () {
  function syncLostReason(root) {
    (root || document).querySelectorAll("[data-lost-toggle]").forEach(function (select) {
      var target = document.getElementById(select.getAttribute("data-lost-toggle"));
      if (!target) return;
      var update = function () { target.hidden = select.value !== "lost"; };
      select.addEventListener("change", update);
      update();
    });
  }
  function addTagSuggestion(root) {
    (root || document).querySelectorAll("[data-tag-add]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var input = document.getElementById(btn.getAttribute("data-tag-target"));
        var tag = btn.getAttribute("data-tag-add");
        var tags = input.value.split(/[,，]/).map(function (t) { return t.trim(); }).filter(Boolean);
        if (tags.indexOf(tag) === -1) tags.push(tag);
        input.value = tags.join(", ");
      });
    });
  }
  function focusFirstError() {
    var bad = document.querySelector("form .is-invalid");
    if (bad) { bad.scrollIntoView({ block: "center" }); bad.focus({ preventScroll: true }); }
  }
  // Confirmations live here, not in onsubmit attributes: the Content-Security-Policy allows no inline script.
  document.addEventListener("submit", function (e) {
    var form = e.target.closest ? e.target.closest("form[data-confirm]") : null;
    if (form && !window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
  }, true);
  // A form whose work takes a while (an upload checked row by row) says so while the next page loads, and
  // is not sent twice.
  document.addEventListener("submit", function (e) {
    var form = e.target.closest ? e.target.closest("form[data-busy]") : null;
    if (!form || e.defaultPrevented) return;
    if (form.getAttribute("aria-busy") === "true") { e.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("data-idle", button.innerHTML);
      button.disabled = true;
      var spinner = document.createElement("span");
      spinner.className = "spinner-border spinner-border-sm me-2";
      spinner.setAttribute("aria-hidden", "true");
      button.replaceChildren(spinner, document.createTextNode(form.getAttribute("data-busy")));
    });
  });
  // Back to a page the browser kept (back/forward cache): a form left busy by its last sending can be sent again.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) return;
    document.querySelectorAll("form[data-busy][aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
      form.querySelectorAll("button[data-idle]").forEach(function (button) {
        button.innerHTML = button.getAttribute("data-idle");
        button.removeAttribute("data-idle");
        button.disabled = false;
      });
    });
  });
  document.addEventListener("DOMContentLoaded", function () { syncLostReason(); addTagSuggestion(); focusFirstError(); });
  document.addEventListener("htmx:afterSwap", function (e) { syncLostReason(e.target); addTagSuggestion(e.target); });
})();
