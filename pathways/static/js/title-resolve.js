// Suggests occupations while a job title is typed, from GET /api/v1/occupations/resolve.
(function () {
  "use strict";
  var input = document.getElementById("v-title");
  var list = document.getElementById("title-suggestions");
  var note = document.getElementById("title-occupation");
  if (!input || !list) return;
  var timer = null, lang = document.getElementById("v-title_lang");
  function lookup() {
    var q = input.value.trim();
    if (q.length < 3) { list.textContent = ""; note.textContent = ""; return; }
    var url = input.dataset.resolve + "?limit=5&title=" + encodeURIComponent(q);
    if (lang && lang.value) url += "&lang=" + lang.value;
    fetch(url).then(function (r) { return r.ok ? r.json() : { candidates: [] }; }).then(function (data) {
      list.textContent = "";
      data.candidates.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.title;
        option.label = "ISCO " + c.isco08 + (c.soc2018.length ? " · SOC " + c.soc2018[0] : "");
        list.appendChild(option);
      });
      var best = data.candidates[0];
      note.textContent = best ? "ISCO-08 " + best.isco08 + ": " + best.title + " (" + Math.round(best.score * 100) + "%)" : "";
    }).catch(function () {});
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 250); });
})();
