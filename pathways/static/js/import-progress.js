// Follows a queued or running import and reloads the page with its report when it ends.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) return;
  var bar = document.getElementById("import-bar"), count = document.getElementById("import-count");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.received) { bar.max = s.received; }
        bar.value = s.processed;
        count.textContent = s.processed + " / " + (s.received || "?");
        if (s.status === "done" || s.status === "failed") { window.location.reload(); }
        else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
