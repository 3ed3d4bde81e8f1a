// The export button takes the list's filters as they are now (HTMX pushes them into the address bar).
document.addEventListener("click", function (e) {
  var link = e.target.closest && e.target.closest("[data-export-base]");
  if (link) link.href = link.getAttribute("data-export-base") + window.location.search;
});
