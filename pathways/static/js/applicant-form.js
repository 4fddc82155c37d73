// The applicant's form: add more rows of work history, and put the departments of the chosen
// nationality first. Without this script the form works with its first rows and every group.
// Plain ES5 (no NodeList.forEach): the phones people use can be old.
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  var jobs = document.getElementById("jobs");
  var add = document.getElementById("add-job");
  if (jobs && add) {
    var max = parseInt(jobs.getAttribute("data-max"), 10) || 15;
    var legend = jobs.getAttribute("data-legend") || "{n}";
    var rows = function () { return jobs.querySelectorAll(".job-row"); };
    add.hidden = rows().length >= max;
    add.addEventListener("click", function () {
      var all = rows(), n = all.length;
      if (n >= max) { return; }
      var copy = all[n - 1].cloneNode(true);
      each(["id", "for", "name"], function (attr) {
        each(copy.querySelectorAll("[" + attr + "]"), function (el) {
          el.setAttribute(attr, el.getAttribute(attr).replace(/jobs-\d+-/g, "jobs-" + n + "-"));
        });
      });
      each(copy.querySelectorAll(".error"), function (el) { el.parentNode.removeChild(el); });
      each(copy.querySelectorAll(".has-error"), function (el) { el.classList.remove("has-error"); });
      each(copy.querySelectorAll("input"), function (input) {
        input.value = "";
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      });
      copy.querySelector("legend").textContent = legend.replace("{n}", String(n + 1));
      jobs.appendChild(copy);
      add.hidden = n + 1 >= max;
      copy.querySelector("input").focus();
    });
  }

  var nationality = document.getElementById("nationality");
  var department = document.getElementById("department");
  if (nationality && department) {
    var first = function () {
      var chosen = nationality.options[nationality.selectedIndex];
      var groups = department.querySelectorAll("optgroup");
      each(groups, function (group) {
        if (chosen && chosen.value && group.label === chosen.textContent && group !== groups[0]) {
          department.insertBefore(group, groups[0]);
        }
      });
    };
    nationality.addEventListener("change", first);
    first();
  }
})();
