// qcity credit pages: draws the annual report rate by district with the vendored
// ECharts from the JSON the page carries in <script type="application/json"
// id="credit-rate-data">. The same numbers are in the table under the chart, which
// works without script.
"use strict";
(function () {
  var BLUE = "#1d5fbf", GREEN = "#1a7f37", GREY = "#9aa5b1";
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var el = document.getElementById("credit-rate-data");
    var box = document.getElementById("chart-report-rate");
    if (!el || !box || typeof echarts === "undefined") return;
    var data = JSON.parse(el.textContent);
    var L = data.labels || {};
    var rows = (data.rows || []).slice().sort(function (a, b) { return b.rate - a.rate; });
    var numFmt = new Intl.NumberFormat(data.lang === "en" ? "en" : "zh-CN");
    var esc = echarts.format.encodeHTML;
    var colon = data.lang === "en" ? ": " : "：";
    var chart = echarts.init(box, null, { renderer: "canvas", locale: data.lang === "en" ? "EN" : "ZH" });
    if (!rows.some(function (r) { return r.due > 0; })) {
      chart.setOption({ textStyle: { fontFamily: FONT },
        title: { text: L.no_data, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 14, fontWeight: "normal" } } });
      return;
    }
    chart.setOption({
      textStyle: { fontFamily: FONT },
      animation: false,
      grid: { left: 12, right: 24, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { fontFamily: FONT } },
      tooltip: { trigger: "axis", confine: true, axisPointer: { type: "shadow" }, formatter: function (ps) {
        var r = rows[ps[0].dataIndex];
        return "<strong>" + esc(r.label) + "</strong><br>" + esc(L.chart_rate) + colon + r.rate.toFixed(2) + "%（" +
          numFmt.format(r.filed) + " / " + numFmt.format(r.due) + "）";
      } },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: [{ type: "value", name: L.chart_rate, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [{ name: L.chart_rate, type: "bar", data: rows.map(function (r) { return r.rate; }), barMaxWidth: 36,
        itemStyle: { color: function (p) { return p.dataIndex === 0 ? GREEN : BLUE; } },
        label: { show: true, position: "top", formatter: function (p) { return p.value.toFixed(2) + "%"; } } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
