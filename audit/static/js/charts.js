// Draws the charts described by <canvas data-chart="…"> elements with Chart.js.
// The data come in a JSON attribute, so no inline script is needed (Content-Security-Policy),
// and every chart has a table with the same figures beside it for screen readers and printing.
(function () {
  "use strict";
  var palette = ["#0017c1", "#008bf2", "#259d63", "#ff7628", "#c94f8a", "#8a5ac8", "#4d4d4d", "#b58b00"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: palette[i % palette.length],
            borderColor: palette[i % palette.length],
            spanGaps: false
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
