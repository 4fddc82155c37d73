// Follows a queued or running matching run and reloads the page with its figures when it ends.
(function () {
  "use strict";
  var box = document.getElementById("run-progress");
  if (!box) return;
  var bar = document.getElementById("run-bar"), stage = document.getElementById("run-stage");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (bar) { bar.value = Math.round((s.progress || 0) * 100); }
        if (stage && s.stage_text) { stage.textContent = s.stage_text; }
        if (s.status === "done" || s.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
