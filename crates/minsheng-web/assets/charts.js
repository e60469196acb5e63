/* minsheng's own chart script (served from /assets/charts.js; the CSP allows only this site's
 * scripts). Progressive enhancement: every chart is already on the page as server-rendered
 * SVG. When Apache ECharts has loaded, each data block
 *   <script type="application/json" data-chart="ID" data-fallback="BOX-ID">{…}</script>
 * is drawn into the element ID (hidden until then), and the box holding the SVG is hidden
 * only once ECharts has drawn. Figures are labelled as officials write them (5万, 1.2亿). Written as ES5 so that older browsers in government offices run it or skip it
 * cleanly. */
(function () {
  'use strict';
  if (typeof window.echarts === 'undefined' || !document.querySelectorAll || !window.JSON) {
    return;
  }
  var LINE = { expected: 'dashed', actual: 'solid', forecast: 'dotted' };
  var COLOUR = { expected: '#8c959f', actual: '#b71c1c', forecast: '#1f6feb' };

  function figure(v) {
    var a = Math.abs(v);
    if (a >= 1e8) {
      return +(v / 1e8).toFixed(2) + '亿';
    }
    if (a >= 1e4) {
      return +(v / 1e4).toFixed(2) + '万';
    }
    return String(+v.toFixed(2));
  }

  function trajectory(data) {
    var series = [];
    for (var i = 0; i < data.series.length; i++) {
      var s = data.series[i];
      series.push({
        name: s.name,
        type: 'line',
        data: s.data,
        connectNulls: false,
        symbol: s.key === 'actual' ? 'circle' : 'none',
        lineStyle: { type: LINE[s.key] || 'solid', width: 2 },
        itemStyle: { color: COLOUR[s.key] }
      });
    }
    return {
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: function (v) {
        return v === null || v === undefined ? '—' : figure(v) + data.unit;
      } },
      legend: { top: 0 },
      grid: { left: 72, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: data.months, boundaryGap: false },
      yAxis: { type: 'value', name: data.unit, axisLabel: { formatter: figure } },
      series: series
    };
  }

  function draw(block) {
    var target = document.getElementById(block.getAttribute('data-chart'));
    var fallback = document.getElementById(block.getAttribute('data-fallback'));
    if (!target) {
      return;
    }
    var data = JSON.parse(block.textContent || block.innerText);
    target.removeAttribute('hidden');
    var chart = window.echarts.init(target, null, { renderer: 'svg' });
    chart.setOption(trajectory(data));
    if (fallback) {
      fallback.setAttribute('hidden', '');
    }
    window.addEventListener('resize', function () {
      chart.resize();
    });
  }

  var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
  for (var i = 0; i < blocks.length; i++) {
    try {
      draw(blocks[i]);
    } catch (e) {
      /* the server-rendered SVG stays */
      var t = document.getElementById(blocks[i].getAttribute('data-chart'));
      if (t) {
        t.setAttribute('hidden', '');
      }
    }
  }
})();
