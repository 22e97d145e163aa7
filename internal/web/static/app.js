// qcity: small progressive enhancements; every page works without script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-toggle]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var el = document.getElementById(btn.getAttribute("data-toggle"));
      if (!el) return;
      var open = el.classList.toggle("open");
      btn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  // Ask before revoking or disabling.
  document.querySelectorAll("button.danger").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.textContent.trim() + "?")) e.preventDefault();
    });
  });
});

// Sortable tables: a click on a column header sorts the rows shown (this page of the
// list); a second click reverses. Keyboard users press Enter on the header button.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "th-sort";
      while (th.firstChild) btn.appendChild(th.firstChild);
      th.appendChild(btn);
      btn.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > col; });
        rows.sort(function (a, b) {
          var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
          var c = x.localeCompare(y, "zh-CN", { numeric: true });
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
});

// Print buttons (screening certificates).
document.addEventListener('click', function (e) {
  var b = e.target.closest && e.target.closest('[data-print]');
  if (b) { window.print(); }
});
