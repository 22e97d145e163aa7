// qcity dashboard (数据看板): draws the charts with the vendored ECharts from the JSON
// that the page carries in <script type="application/json" id="dashboard-data">. Every
// word comes from that JSON (the server's catalogue); every chart's numbers are also in
// the data table under it, which works without script.
"use strict";
(function () {
  var GREEN = "#1a7f37", RED = "#b42318", BLUE = "#1d5fbf", GREY = "#9aa5b1";
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var el = document.getElementById("dashboard-data");
    if (!el || typeof echarts === "undefined") return;
    var data = JSON.parse(el.textContent);
    var L = data.labels || {};
    var locale = data.lang === "en" ? "EN" : "ZH";
    var numFmt = new Intl.NumberFormat(data.lang === "en" ? "en" : "zh-CN");
    var esc = echarts.format.encodeHTML;
    var colon = data.lang === "en" ? ": " : "：";
    var charts = [];

    function n(v) { return numFmt.format(v); }
    function pct(v) { return v === null || v === undefined ? "—" : v.toFixed(2) + "%"; }
    function rows(t) { return (t && t.rows) || []; }
    function judgedAny(t) { return rows(t).some(function (r) { return r.judged > 0; }); }

    // A tooltip line for one row: label, rate, then the counts it comes from.
    function rowTip(r, cols) {
      return "<strong>" + esc(r.label) + "</strong><br>" +
        esc(cols.rate) + colon + pct(r.rate) + "（" + n(r.passed) + " / " + n(r.judged) + "）<br>" +
        esc(cols.failed) + colon + n(r.failed);
    }

    function base() {
      return {
        textStyle: { fontFamily: FONT },
        animation: false,
        grid: { left: 12, right: 16, top: 56, bottom: 8, containLabel: true },
        legend: { top: 0, textStyle: { fontFamily: FONT } },
        tooltip: { confine: true }
      };
    }

    function empty() {
      return {
        textStyle: { fontFamily: FONT },
        title: { text: L.no_data, left: "center", top: "middle", textStyle: { color: GREY, fontSize: 14, fontWeight: "normal" } }
      };
    }

    function rateAxis(name) {
      return {
        type: "value", name: name, position: "right", max: 100, nameTextStyle: { align: "right" },
        min: function (v) { return Math.max(0, Math.floor(v.min / 5) * 5 - 5); },
        axisLabel: { formatter: "{value}%" }, splitLine: { show: false }
      };
    }

    // Monthly trend: batches as bars, the pass rate as a line on its own axis.
    function trend(t) {
      var o = base();
      var rs = rows(t);
      o.tooltip = { trigger: "axis", confine: true, formatter: function (ps) { return rowTip(rs[ps[0].dataIndex], t.cols); } };
      o.xAxis = { type: "category", data: rs.map(function (r) { return r.label; }) };
      o.yAxis = [{ type: "value", name: L.series_batches, minInterval: 1, nameTextStyle: { align: "left" } }, rateAxis(L.series_rate)];
      o.series = [
        { name: L.series_batches, type: "bar", data: rs.map(function (r) { return r.judged; }), itemStyle: { color: BLUE }, barMaxWidth: 28 },
        { name: L.series_rate, type: "line", yAxisIndex: 1, data: rs.map(function (r) { return r.rate; }),
          itemStyle: { color: GREEN }, connectNulls: true, symbolSize: 7 }
      ];
      return o;
    }

    // By district or category: passed and failed batches stacked, the pass rate as a
    // line. Horizontal when the labels are long (categories).
    function stacked(t, horizontal) {
      var o = base();
      var rs = rows(t).slice();
      // Categories: the twelve largest (the data table below lists them all), the
      // largest at the top.
      if (horizontal) rs = rs.slice(0, 12).reverse();
      var labels = rs.map(function (r) { return r.label; });
      o.tooltip = { trigger: "axis", confine: true, axisPointer: { type: "shadow" },
        formatter: function (ps) { return rowTip(rs[ps[0].dataIndex], t.cols); } };
      var cat = { type: "category", data: labels, axisLabel: { interval: 0, hideOverlap: !horizontal } };
      var val = { type: "value", minInterval: 1 };
      var bars = [
        { name: L.series_passed, type: "bar", stack: "n", data: rs.map(function (r) { return r.passed; }), itemStyle: { color: GREEN }, barMaxWidth: 28 },
        { name: L.series_failed, type: "bar", stack: "n", data: rs.map(function (r) { return r.failed; }), itemStyle: { color: RED }, barMaxWidth: 28 }
      ];
      if (horizontal) {
        o.yAxis = cat;
        o.xAxis = val;
        o.series = bars;
        bars[1].label = { show: true, position: "right", formatter: function (p) { return pct(rs[p.dataIndex].rate); }, color: "#1f2933" };
        o.grid.right = 64;
      } else {
        cat.axisLabel.rotate = labels.length > 6 ? 30 : 0;
        o.xAxis = cat;
        o.yAxis = [val, rateAxis(L.series_rate)];
        o.series = bars.concat([{ name: L.series_rate, type: "line", yAxisIndex: 1, data: rs.map(function (r) { return r.rate; }),
          itemStyle: { color: BLUE }, symbolSize: 6 }]);
      }
      return o;
    }

    // Most failed test items: the top ten, failed tests as red bars.
    function items(t) {
      var o = base();
      var rs = rows(t).slice(0, 10).reverse();
      o.legend = { show: false };
      o.grid.right = 48;
      o.tooltip = { trigger: "axis", confine: true, axisPointer: { type: "shadow" }, formatter: function (ps) {
        var r = rs[ps[0].dataIndex];
        return "<strong>" + esc(r.label) + "</strong><br>" + esc(t.cols.failed) + colon + n(r.failed) + "<br>" +
          esc(t.cols.judged) + colon + n(r.judged) + "<br>" + esc(t.cols.rate) + colon + pct(r.rate);
      } };
      o.yAxis = { type: "category", data: rs.map(function (r) { return r.label; }), axisLabel: { interval: 0, width: 140, overflow: "truncate" } };
      o.xAxis = { type: "value", minInterval: 1 };
      o.series = [{ name: L.series_item_failed, type: "bar", data: rs.map(function (r) { return r.failed; }),
        itemStyle: { color: RED }, barMaxWidth: 22, label: { show: true, position: "right" } }];
      return o;
    }

    var draw = {
      trend: function (t) { return judgedAny(t) ? trend(t) : empty(); },
      region: function (t) { return judgedAny(t) ? stacked(t, false) : empty(); },
      category: function (t) { return judgedAny(t) ? stacked(t, true) : empty(); },
      item: function (t) { return rows(t).length ? items(t) : empty(); }
    };

    Object.keys(draw).forEach(function (name) {
      var box = document.getElementById("chart-" + name);
      var t = data.charts && data.charts[name];
      if (!box || !t) return;
      var chart = echarts.init(box, null, { renderer: "canvas", locale: locale });
      chart.setOption(draw[name](t));
      charts.push(chart);
    });

    var pending = 0;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  });
})();
