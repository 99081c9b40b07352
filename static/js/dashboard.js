/* Coordination dashboard charts. Data comes from the page (json_script "dashboard-data"), labels are
   already translated; every chart also has a table of its figures on the page, so nothing here is
   needed to read the numbers. No inline scripts: the page stays within a strict CSP. */
(function () {
  "use strict";

  var COLOURS = {
    H: "#b5471b",
    D: "#1f5f8b",
    P: "#2e6b30",
    humanitarian: "#b5471b",
    development: "#1f5f8b",
    peace: "#2e6b30",
    direct: "#0b4f6c",
    through: "#5b9bb8",
    high: "#a4161a",
    medium: "#c27c0e",
    low: "#1f5f8b",
    info: "#8a939e",
    target: "#1b1f24"
  };
  var PALETTE = ["#0b4f6c", "#b5471b", "#2e6b30", "#6a3d8f", "#c27c0e", "#5b9bb8", "#8a939e", "#a4161a"];

  function colour(key, index) {
    return COLOURS[key] || PALETTE[index % PALETTE.length];
  }

  function pillarColour(label, index) {
    // "HD" and other mixes take the purple used for "more than one pillar" in the 3W matrix.
    if (label.length === 1 && COLOURS[label]) {
      return COLOURS[label];
    }
    return label.length > 1 && /^[HDP]+$/.test(label) ? "#6a3d8f" : PALETTE[index % PALETTE.length];
  }

  function baseOptions(extra) {
    var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : { duration: 400 },
      plugins: { legend: { position: "bottom" } }
    };
    return Object.assign(options, extra || {});
  }

  function seriesDatasets(chart, type) {
    return chart.series.map(function (series, index) {
      return {
        label: series.label,
        data: series.values,
        type: type,
        backgroundColor: colour(series.key, index),
        borderColor: colour(series.key, index),
        fill: type === "line" ? false : undefined,
        tension: 0.2
      };
    });
  }

  var BUILDERS = {
    pillarMix: function (chart) {
      return {
        type: "doughnut",
        data: {
          labels: chart.labels,
          datasets: [{ data: chart.values, backgroundColor: chart.labels.map(pillarColour) }]
        },
        options: baseOptions()
      };
    },
    fundingMix: function (chart) {
      return {
        type: "bar",
        data: { labels: chart.labels, datasets: seriesDatasets(chart, "bar") },
        options: baseOptions({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } })
      };
    },
    earmarking: function (chart) {
      return {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{ label: chart.title, data: chart.values, backgroundColor: PALETTE[0] }]
        },
        options: baseOptions({ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } })
      };
    },
    localisation: function (chart) {
      var datasets = seriesDatasets(chart, "bar");
      datasets.push({
        type: "line",
        label: chart.targetLabel,
        data: chart.labels.map(function () { return chart.target; }),
        borderColor: COLOURS.target,
        borderDash: [6, 4],
        pointRadius: 0,
        fill: false
      });
      return {
        type: "bar",
        data: { labels: chart.labels, datasets: datasets },
        options: baseOptions({
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, suggestedMax: 40 } }
        })
      };
    },
    freshness: function (chart) {
      return {
        type: "bar",
        data: {
          labels: chart.labels,
          datasets: [{
            label: chart.title,
            data: chart.values,
            backgroundColor: ["#2e6b30", "#5b9bb8", "#c27c0e", "#a4161a", "#8a939e"]
          }]
        },
        options: baseOptions({ plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } })
      };
    },
    flagsOverTime: function (chart) {
      var datasets = seriesDatasets(chart, "line").map(function (dataset) {
        dataset.fill = true;
        dataset.backgroundColor = dataset.borderColor + "33";
        return dataset;
      });
      return {
        type: "line",
        data: { labels: chart.labels, datasets: datasets },
        options: baseOptions({ scales: { y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } })
      };
    },
    flagsByRule: function (chart) {
      return {
        type: "bar",
        data: { labels: chart.labels, datasets: seriesDatasets(chart, "bar") },
        options: baseOptions({
          indexAxis: "y",
          scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } }
        })
      };
    }
  };

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof window.Chart === "undefined") {
      return; // the tables under each chart carry the same figures
    }
    var data = JSON.parse(source.textContent);
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#1b1f24";
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var key = canvas.getAttribute("data-chart");
      if (data[key] && BUILDERS[key] && !canvas.dataset.drawn) {
        new window.Chart(canvas, BUILDERS[key](data[key]));
        canvas.dataset.drawn = "yes";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
