/* Shared goals: the progress chart on a goal's page and the area filter on the goal form.
   No inline scripts (the portal's CSP forbids them): data comes from json_script elements. */
(function () {
  "use strict";

  var BRAND = "#0b4f6c";
  var BASELINE = "#4a5360";
  var TARGET = "#1e6b34";

  function toTime(isoDate) {
    var parts = isoDate.split("-").map(Number);
    return Date.UTC(parts[0], parts[1] - 1, parts[2]);
  }

  function formatDate(time) {
    return new Date(time).toLocaleDateString(document.documentElement.lang || undefined, { timeZone: "UTC" });
  }

  function referenceLine(label, point, range, colour) {
    // A flat dashed line across the whole time range at the baseline or target value.
    return {
      label: label,
      data: [{ x: range[0], y: point.y }, { x: range[1], y: point.y }],
      borderColor: colour,
      backgroundColor: colour,
      borderDash: [6, 4],
      borderWidth: 2,
      pointRadius: 0,
      fill: false
    };
  }

  function drawChart() {
    var canvas = document.getElementById("goal-chart");
    var source = document.getElementById("goal-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var points = data.points.map(function (p) { return { x: toTime(p.x), y: p.y }; });
    var times = points.map(function (p) { return p.x; });
    times.push(toTime(data.horizon[0]), toTime(data.horizon[1]));
    [data.baseline, data.target].forEach(function (p) { if (p) { times.push(toTime(p.x)); } });
    var range = [Math.min.apply(null, times), Math.max.apply(null, times)];

    var datasets = [{
      label: data.labels.progress,
      data: points,
      borderColor: BRAND,
      backgroundColor: BRAND,
      borderWidth: 3,
      pointRadius: 5,
      pointHoverRadius: 7,
      tension: 0
    }];
    if (data.baseline) {
      datasets.push(referenceLine(data.labels.baseline, data.baseline, range, BASELINE));
    }
    if (data.target) {
      datasets.push(referenceLine(data.labels.target, data.target, range, TARGET));
    }

    new window.Chart(canvas, {
      type: "line",
      data: { datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: window.matchMedia("(prefers-reduced-motion: reduce)").matches ? false : undefined,
        parsing: false,
        scales: {
          x: {
            type: "linear",
            min: range[0],
            max: range[1],
            ticks: { callback: formatDate, maxTicksLimit: 8 }
          },
          y: {
            grace: "5%",  // keep the target line off the chart's top edge
            title: { display: true, text: data.labels.axis }
          }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? formatDate(items[0].parsed.x) : ""; },
              label: function (item) {
                return item.dataset.label + ": " + item.parsed.y.toLocaleString() + (data.unit ? " " + data.unit : "");
              }
            }
          }
        }
      }
    });
  }

  function setUpAreaFilter() {
    document.querySelectorAll("[data-area-filter]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("data-area-filter"));
      var row = input.closest("[data-area-filter-row]");
      var count = row ? row.querySelector("[data-area-count]") : null;
      if (!list) {
        return;
      }
      var options = Array.prototype.slice.call(list.querySelectorAll(".area-option"));

      function showCount() {
        if (!count) {
          return;
        }
        var selected = list.querySelectorAll("input:checked").length;
        count.textContent = count.getAttribute("data-template-selected").replace("%(count)s", selected);
      }

      function applyFilter() {
        var needle = input.value.trim().toLowerCase();
        options.forEach(function (option) {
          var checked = option.querySelector("input").checked;
          var match = !needle || option.textContent.toLowerCase().indexOf(needle) !== -1;
          option.hidden = !(match || checked);  // chosen areas stay in sight
        });
      }

      function addArea(value, label) {
        // An area found by the server search: tick it if listed, else add it to the list, ticked.
        var box = list.querySelector('input[value="' + value + '"]');
        if (!box) {
          var option = document.createElement("div");
          option.className = "area-option level-0";
          box = document.createElement("input");
          box.type = "checkbox";
          box.name = list.getAttribute("data-name");
          box.value = value;
          box.id = list.id + "_added_" + value;
          var text = document.createElement("label");
          text.htmlFor = box.id;
          text.textContent = label;
          option.appendChild(box);
          option.appendChild(text);
          list.insertBefore(option, list.firstChild);
          options.push(option);
        }
        box.checked = true;
        box.closest(".area-option").hidden = false;
        box.closest(".area-option").scrollIntoView({ block: "nearest" });
        showCount();
      }

      var search = document.querySelector('[data-area-search-for="' + list.id + '"]');
      if (search) {
        search.addEventListener("click", function (event) {
          var button = event.target.closest(".picker-option");
          if (button) {
            addArea(button.getAttribute("data-value"), button.getAttribute("data-label"));
          }
        });
      }

      if (row) {
        row.hidden = false;
      }
      input.addEventListener("input", function () {
        applyFilter();
        if (search) {
          search.hidden = input.value.trim().length < 2;
        }
      });
      list.addEventListener("change", showCount);
      showCount();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawChart();
    setUpAreaFilter();
  });
})();
