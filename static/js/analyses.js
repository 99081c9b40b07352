// Analyses form: show the default review date, and let long area lists be narrowed by typing.
// No inline scripts (CSP): data comes from json_script and data-* attributes; texts from the template.
(function () {
  "use strict";

  function addMonths(day, months) {
    var target = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + months, 1));
    var lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(day.getUTCDate(), lastDay));
    return target;
  }

  function showReviewDefault() {
    var data = document.getElementById("review-defaults");
    var hint = document.getElementById("review-due-default");
    var kind = document.getElementById("id_kind");
    var conducted = document.getElementById("id_conducted_on");
    if (!data || !hint || !kind || !conducted) return;
    var defaults = JSON.parse(data.textContent);

    function update() {
      var value = conducted.value;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        hint.textContent = "";
        return;
      }
      var months = defaults.by_kind[kind.value] || defaults["default"];
      var due = addMonths(new Date(value + "T00:00:00Z"), months).toISOString().slice(0, 10);
      hint.textContent = hint.dataset.template.replace("{date}", due).replace("{months}", months);
    }

    kind.addEventListener("change", update);
    conducted.addEventListener("input", update);
    conducted.addEventListener("change", update);
    update();
  }

  function makeFilterable(select) {
    var input = document.createElement("input");
    var label = document.createElement("label");
    input.type = "search";
    input.id = select.id + "_narrow";
    input.className = "narrow-input";
    input.setAttribute("aria-controls", select.id);
    label.htmlFor = input.id;
    label.className = "narrow-label";
    label.textContent = select.dataset.filterLabel;
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = words !== "" && !option.selected && option.text.toLowerCase().indexOf(words) === -1;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    showReviewDefault();
    document.querySelectorAll("select[data-filter-label]").forEach(makeFilterable);
  });
})();
