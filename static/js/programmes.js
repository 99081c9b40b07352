/* Programme pages: the pickers (areas, sectors, organisations), the pillar switch and the filter form.
   No inline script (strict CSP): behaviour hangs off data- attributes in the templates. */
(function () {
  "use strict";

  // Picker search boxes ask their endpoint for ?q=<text>, whatever their own name (the filter
  // form's area and sector boxes are also the filter fields). Filter requests drop empty fields.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var params = event.detail.parameters;
    if (elt.matches("[data-picker-search]")) {
      if (elt.name && elt.name !== "q") {
        delete params[elt.name];
      }
      params.q = elt.value;
    } else if (elt.matches("[data-filter-form]")) {
      var data = new FormData(elt);
      Array.from(data.keys()).forEach(function (key) {
        if (data.getAll(key).every(function (value) { return value === ""; })) {
          delete params[key];
        }
      });
      // Keep the sort chosen in the table since the page loaded (the address bar has it).
      var sort = new URLSearchParams(window.location.search).get("sort");
      if (sort) {
        params.sort = sort;
      } else {
        delete params.sort;
      }
    }
  });

  // Tell screen readers how many programmes the new filters found.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = document.querySelector("[data-results-status]");
    var heading = document.querySelector("#programme-results h2");
    if (status && heading && event.detail.target.id === "programme-results") {
      status.textContent = heading.textContent.trim();
    }
  });

  function pickerOf(element) {
    return element.closest("[data-picker]");
  }

  function clearResults(picker) {
    var results = picker.querySelector(".picker-results");
    if (results) {
      results.textContent = "";
    }
  }

  function chosenValues(picker) {
    return Array.from(picker.querySelectorAll("[data-picker-list] [data-fill='value']")).map(function (input) {
      return input.value;
    });
  }

  function fillTemplate(picker, option, index) {
    var template = picker.querySelector("template[data-picker-template]");
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("[name], [id], [for]").forEach(function (node) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = node.getAttribute(attribute);
        if (value && value.indexOf("__prefix__") !== -1) {
          node.setAttribute(attribute, value.replace(/__prefix__/g, String(index)));
        }
      });
    });
    fragment.querySelectorAll("[data-fill='value']").forEach(function (input) {
      input.value = option.dataset.value;
    });
    fragment.querySelectorAll("[data-fill='label']").forEach(function (node) {
      node.textContent = option.dataset.label;
    });
    return fragment;
  }

  function addRow(picker, option) {
    var list = picker.querySelector("[data-picker-list]");
    var existing = Array.from(list.querySelectorAll("[data-fill='value']")).find(function (input) {
      return input.value === option.dataset.value;
    });
    if (existing) {
      // Already chosen: tick it again (it may have been unticked) instead of adding a twin.
      if (existing.type === "checkbox") {
        existing.checked = true;
      }
      var removeBox = existing.closest("tr") && existing.closest("tr").querySelector("input[name$='-DELETE']");
      if (removeBox) {
        removeBox.checked = false;
      }
      return existing.closest("li, tr");
    }
    var index = 0;
    var total = null;
    if (picker.dataset.picker === "formset") {
      total = picker.querySelector("input[name='" + picker.dataset.prefix + "-TOTAL_FORMS']");
      index = parseInt(total.value, 10);
    }
    var row = fillTemplate(picker, option, index).firstElementChild;
    list.appendChild(row);
    if (total) {
      total.value = String(index + 1);
    }
    var empty = picker.querySelector("[data-picker-empty]");
    if (empty) {
      empty.hidden = true;
    }
    return row;
  }

  function pick(option) {
    var picker = pickerOf(option);
    var search = picker.querySelector("[data-picker-search]");
    if (picker.dataset.picker === "fill") {
      search.value = option.dataset.code;
      clearResults(picker);
      search.focus();
      return;
    }
    var firstRow = chosenValues(picker).length === 0;
    var row = addRow(picker, option);
    search.value = "";
    clearResults(picker);
    var percentage = row.querySelector("input[name$='-percentage']");
    if (percentage && firstRow && !percentage.value) {
      percentage.value = "100";
    }
    var next = row.querySelector("input[type='number'], select") || search;
    next.focus();
    picker.dispatchEvent(new CustomEvent("picked", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest(".picker-option");
    if (option && pickerOf(option)) {
      event.preventDefault();
      pick(option);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target.matches("[data-picker-search]")) {
      var picker = pickerOf(target);
      var first = picker.querySelector(".picker-option");
      if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Enter" && picker.dataset.picker !== "fill") {
        // Enter in a search box must not send the whole programme form.
        event.preventDefault();
        if (first) {
          pick(first);
        }
      } else if (event.key === "Escape") {
        clearResults(picker);
      }
    } else if (target.matches(".picker-option") && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      var item = target.closest("li");
      var sibling = event.key === "ArrowDown" ? item.nextElementSibling : item.previousElementSibling;
      if (sibling) {
        sibling.querySelector(".picker-option").focus();
      } else if (event.key === "ArrowUp") {
        pickerOf(target).querySelector("[data-picker-search]").focus();
      }
    }
  });

  // "Choose the pillars myself": the pillar boxes only matter when it is ticked.
  function syncPillarChoices() {
    var toggle = document.querySelector("#id_pillars_explicit");
    var choices = document.querySelector("[data-pillar-choices]");
    if (toggle && choices) {
      choices.hidden = !toggle.checked;
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.id === "id_pillars_explicit") {
      syncPillarChoices();
    }
    // Filters apply as soon as a list or a tick box changes; typed fields wait for "Apply".
    var form = target.closest("[data-filter-form]");
    if (form && target.matches("select, input[type='checkbox']")) {
      form.requestSubmit();
    }
  });

  // A double click on "Save" must not send the form twice (the second would look like a stale edit).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches(".programme-form")) {
      return;
    }
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll(".programme-form[data-submitting]").forEach(function (form) {
      delete form.dataset.submitting;
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    syncPillarChoices();
    var filters = document.querySelector("details[data-filters]");
    var invalid = filters && filters.querySelector("[aria-invalid='true']");
    if (filters && !invalid && window.matchMedia("(max-width: 60rem)").matches) {
      filters.open = false;
    }
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  });
})();
