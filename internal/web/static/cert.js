// qcity certification oversight dashboard (认证监管看板): draws the charts with the
// vendored ECharts from the JSON the page carries in <script type="application/json"
// id="cert-data">. Every word comes from that JSON (the server's catalogue); the
// numbers are also in the data tables on the page, which work without script.
"use strict";
(function () {
  var GREEN = "#1a7f37", RED = "#b42318", BLUE = "#1d5fbf", ORANGE = "#b54708", GREY = "#9aa5b1";
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';
  var STATUS_COLOURS = { valid: GREEN, suspended: ORANGE, revoked: RED, cancelled: GREY, expired: "#cbd2d9" };

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var el = document.getElementById("cert-data");
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

    function base() {
      return {
        textStyle: { fontFamily: FONT },
        animation: false,
        grid: { left: 12, right: 56, top: 40, bottom: 8, containLabel: true },
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

    // Failure rates of certified products, one bar per body or lab, with the counts in
    // the tooltip.
    function rates(rows) {
      rows = (rows || []).filter(function (r) { return r.judged > 0; }).slice(0, 15).reverse();
      if (!rows.length) return empty();
      var o = base();
      o.legend = { show: false };
      o.tooltip = { trigger: "axis", confine: true, axisPointer: { type: "shadow" }, formatter: function (ps) {
        var r = rows[ps[0].dataIndex];
        return "<strong>" + esc(r.label) + "</strong><br>" + esc(L.failure_rate) + colon + pct(r.rate) +
          "（" + n(r.failed) + " / " + n(r.judged) + "）";
      } };
      o.yAxis = { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, width: 160, overflow: "truncate" } };
      o.xAxis = { type: "value", axisLabel: { formatter: "{value}%" } };
      o.series = [{ name: L.failure_rate, type: "bar", data: rows.map(function (r) { return r.rate; }), itemStyle: { color: RED },
        barMaxWidth: 20, label: { show: true, position: "right", formatter: function (p) { return pct(rows[p.dataIndex].rate); } } }];
      return o;
    }

    // How fast bodies answer flags (mean working days), with their open and overdue flags.
    function response(rows) {
      rows = (rows || []).filter(function (r) { return r.days !== undefined || r.open > 0; }).reverse();
      if (!rows.length) return empty();
      var o = base();
      o.tooltip = { trigger: "axis", confine: true, axisPointer: { type: "shadow" } };
      o.yAxis = { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, width: 160, overflow: "truncate" } };
      o.xAxis = { type: "value", minInterval: 1 };
      o.series = [
        { name: L.response_days, type: "bar", data: rows.map(function (r) { return r.days === undefined ? 0 : Math.round(r.days * 10) / 10; }),
          itemStyle: { color: BLUE }, barMaxWidth: 14 },
        { name: L.open, type: "bar", data: rows.map(function (r) { return r.open; }), itemStyle: { color: GREY }, barMaxWidth: 14 },
        { name: L.overdue, type: "bar", data: rows.map(function (r) { return r.overdue; }), itemStyle: { color: ORANGE }, barMaxWidth: 14 }
      ];
      return o;
    }

    // Certificates by public status.
    function status(rows) {
      rows = (rows || []).filter(function (r) { return r.n > 0; });
      if (!rows.length) return empty();
      return {
        textStyle: { fontFamily: FONT }, animation: false,
        tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + colon + n(p.value) + "（" + p.percent + "%）"; } },
        legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "68%"], data: rows.map(function (r) {
          return { name: r.label, value: r.n, itemStyle: { color: STATUS_COLOURS[r.status] || GREY } };
        }) }]
      };
    }

    var draw = {
      bodies: function () { return rates(data.bodies); },
      labs: function () { return rates(data.labs); },
      response: function () { return response(data.bodies); },
      status: function () { return status(data.status); }
    };
    Object.keys(draw).forEach(function (name) {
      var box = document.getElementById("chart-" + name);
      if (!box) return;
      var chart = echarts.init(box, null, { renderer: "canvas", locale: locale });
      chart.setOption(draw[name]());
      charts.push(chart);
    });
    var pending = 0;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  });
})();
