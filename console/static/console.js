// AnSinh console: progress polling for imports, live counts for broadcasts, auto-submitting
// choices and confirmations. No libraries; loaded by every page.
(function () {
  "use strict";
  // An import's percentage; a poll answered by another web worker has none, so the last one stays.
  function showProgress(el, data) {
    if (typeof data.percent !== "number") { return; }
    var bar = el.querySelector("progress"), label = el.querySelector("[data-percent]");
    var rows = el.querySelector("[data-rows-read]");
    if (bar) { bar.value = data.percent; }
    if (label) { label.textContent = data.percent + "%"; }
    if (rows && typeof data.row === "number") { rows.textContent = data.row.toLocaleString("vi-VN"); }
  }
  function poll(el) {
    var url = el.getAttribute("data-poll-url");
    var every = parseInt(el.getAttribute("data-poll-every") || "1500", 10);
    var started = Date.now();
    var clock = el.querySelector("[data-elapsed]");
    function tick() {
      fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (clock) { clock.textContent = Math.round((Date.now() - started) / 1000); }
          if (el.hasAttribute("data-reload-when-done")) {
            if (data.status && data.status !== "running") { window.location.reload(); return; }
            showProgress(el, data);
          } else {
            Object.keys(data).forEach(function (key) {
              el.querySelectorAll('[data-field="' + key + '"]').forEach(function (node) {
                var value = data[key];
                node.textContent = (typeof value === "number") ? value.toLocaleString("vi-VN") : (data[key + "_label"] || value);
              });
            });
            el.querySelectorAll("[data-bar]").forEach(function (bar) {
              var total = data.recipients || 0, part = data[bar.getAttribute("data-bar")] || 0;
              bar.setAttribute("width", total ? String(Math.round(600 * part / total)) : "0");
            });
            if (data.final) { return; }
          }
          setTimeout(tick, every);
        })
        .catch(function () { setTimeout(tick, every * 2); });
    }
    setTimeout(tick, every);
  }
  document.querySelectorAll("[data-poll-url]").forEach(poll);
  // Behaviour that templates would otherwise put in on…= attributes, which the CSP forbids:
  // a choice that submits its form (the indicators' period), a question before a destructive form.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
