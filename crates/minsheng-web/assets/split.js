// The live sum of a split (任务分解): as quotas are typed, the total against the target.
// Only an enhancement: the page shows the same sum, computed on the server, on every render.
(function () {
  "use strict";
  var form = document.getElementById("decompose-form");
  if (!form || form.dataset.level === "1") { return; }
  var target = Number(form.dataset.target);
  var value = document.getElementById("sum-value");
  var diff = document.getElementById("sum-diff");
  if (!value || !diff || !isFinite(target)) { return; }
  function read(s) {
    var t = s.trim().replace(/[,\uFF0C]/g, "");
    var f = 1;
    if (t.endsWith("万")) { f = 1e4; t = t.slice(0, -1); } else if (t.endsWith("亿")) { f = 1e8; t = t.slice(0, -1); }
    if (t === "" || !/^-?\d*\.?\d+$/.test(t)) { return null; }
    return Number(t) * f;
  }
  function round(x) { return Math.round(x * 1e6) / 1e6; }
  function update() {
    var sum = 0;
    form.querySelectorAll("input.quota").forEach(function (i) {
      var v = read(i.value);
      if (v !== null) { sum += v; }
    });
    sum = round(sum);
    var unit = form.dataset.unit || "";
    value.textContent = sum + unit;
    var d = round(sum - target);
    if (d === 0) {
      diff.textContent = form.dataset.ok;
      diff.className = "ok-text";
    } else {
      diff.textContent = form.dataset.off + " " + (d > 0 ? "+" : "−") + Math.abs(d) + unit;
      diff.className = "warn-text";
    }
  }
  form.addEventListener("input", function (e) {
    if (e.target && e.target.classList && e.target.classList.contains("quota")) { update(); }
  });
})();
