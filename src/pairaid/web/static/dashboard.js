/* Draws every chart of the page from its Vega-Lite spec (the report's own specs, embedded in
   the page as JSON) with the offline Vega bundle served by this app: no other site is asked.
   Phones (<= 600 px) get the narrow specs, re-drawn when the width crosses. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 600px)");
  function drawAll() {
    var which = phone.matches ? "chart-specs-narrow" : "chart-specs";
    var holder = document.getElementById(which);
    if (!holder || !window.vegaEmbed) { return; }
    var specs = JSON.parse(holder.textContent);
    var state = {drawn: 0, failed: [], narrow: phone.matches};
    window.pairaidCharts = state;
    var pending = Object.keys(specs).map(function (id) {
      var el = document.getElementById("chart-" + id);
      return window.vegaEmbed(el, specs[id], {actions: false, renderer: "svg"})
        .then(function () { state.drawn += 1; })
        .catch(function (error) { state.failed.push(id + ": " + error); });
    });
    Promise.all(pending).then(function () {
      document.documentElement.dataset.chartsReady = "true";
    });
  }
  drawAll();
  if (phone.addEventListener) { phone.addEventListener("change", drawAll); }
}());
