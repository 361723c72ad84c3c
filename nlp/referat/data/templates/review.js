// Filters of the referat review page (inlined into review.html, hashed in its CSP).
(function () {
  "use strict";
  var form = document.getElementById("filters");

  function checked(kind) {
    var on = Object.create(null);
    form.querySelectorAll("input[data-filter='" + kind + "']").forEach(function (box) {
      if (box.checked) { on[box.value] = true; }
    });
    return on;
  }

  function apply() {
    var types = checked("type");
    var labels = checked("label");
    var only = document.getElementById("only-labelled").checked;
    document.querySelectorAll("main [data-label]").forEach(function (el) {
      var on = labels[el.getAttribute("data-label")] === true;
      if (el.classList.contains("chip")) { el.hidden = !on; } else { el.classList.toggle("muted", !on); }
    });
    var shown = 0;
    var items = document.querySelectorAll("article.item");
    items.forEach(function (item) {
      var visible = types[item.getAttribute("data-type")] === true;
      if (visible && only) {
        visible = item.getAttribute("data-labels").split(" ").some(function (l) { return labels[l] === true; });
      }
      item.hidden = !visible;
      if (visible) { shown += 1; }
    });
    document.querySelectorAll("section.doc").forEach(function (doc) {
      var any = doc.querySelector("article.item") !== null;
      doc.hidden = any && doc.querySelector("article.item:not([hidden])") === null;
    });
    document.getElementById("shown").textContent = shown + " of " + items.length + " items shown";
  }

  form.addEventListener("change", apply);
  apply();
})();
