/* minsheng's own chart script (served from /assets/charts.js; the CSP allows only this site's
 * scripts). Progressive enhancement: every chart is already on the page as server-rendered
 * SVG. When Apache ECharts has loaded, each data block
 *   <script type="application/json" data-chart="ID" data-fallback="SVG-ID">{…}</script>
 * is drawn into the element ID (hidden until then), and the SVG is hidden only once ECharts
 * has drawn. Written as ES5 so that older browsers in government offices run it or skip it
 * cleanly. */
(function () {
  'use strict';
  if (typeof window.echarts === 'undefined' || !document.querySelectorAll || !window.JSON) {
    return;
  }
  var LINE = { expected: 'dashed', actual: 'solid', forecast: 'dotted' };
  var COLOUR = { expected: '#8c959f', actual: '#b71c1c', forecast: '#1f6feb' };

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
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 72, right: 24, top: 40, bottom: 32 },
      xAxis: { type: 'category', data: data.months, boundaryGap: false },
      yAxis: { type: 'value', name: data.unit },
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
    target.hidden = false;
    var chart = window.echarts.init(target, null, { renderer: 'svg' });
    chart.setOption(trajectory(data));
    if (fallback) {
      fallback.hidden = true;
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
        t.hidden = true;
      }
    }
  }
})();
