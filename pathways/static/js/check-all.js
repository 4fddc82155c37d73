// A "tick all" box ticks every box of the named group on the page (the form works without it).
document.querySelectorAll("input[data-check-all]").forEach(function (all) {
  var boxes = document.querySelectorAll('input[type=checkbox][name="' + all.dataset.checkAll + '"]');
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
});
