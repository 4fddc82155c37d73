// Follows queued and running what-if scenarios; reloads the page when one of them ends.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".scenario-status[data-status-url]");
  function follow(box) {
    if (box.dataset.status !== "queued" && box.dataset.status !== "running") return;
    var bar = box.querySelector("progress"), stage = box.querySelector(".stage-text");
    function poll() {
      fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (bar) { bar.value = s.progress; }
          if (stage) { stage.textContent = s.stage; }
          if (s.status === "done" || s.status === "failed") { window.location.reload(); }
          else { setTimeout(poll, 2000); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1000);
  }
  Array.prototype.forEach.call(boxes, follow);
})();
