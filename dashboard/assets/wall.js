// Scale the 1920x1080 wall canvas to the screen by the smaller ratio, centred: the
// convention of big-screen dashboards, crisp on 1080p, 4K and ultra-wide walls alike.
(function () {
  function fit() {
    var canvas = document.querySelector('.wall-canvas');
    if (!canvas) { return; }
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    if (canvas.dataset.scale !== String(s)) {
      canvas.dataset.scale = String(s);
      canvas.style.transform = 'scale(' + s + ')';
    }
  }
  window.addEventListener('resize', fit);
  new MutationObserver(fit).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', fit);

  // Whistle deadlines count down every second between server refreshes. The server's
  // "now" (which may be a replayed moment) is the reference, advanced by the browser clock.
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function tick() {
    var nodes = document.querySelectorAll('.wall-countdown[data-deadline]');
    var wall = Date.now();
    for (var i = 0; i < nodes.length; i++) {
      var el = nodes[i];
      if (!el._seen || el._serverNow !== el.dataset.now) {
        el._seen = wall;
        el._serverNow = el.dataset.now;
      }
      var now = Number(el.dataset.now) + (wall - el._seen);
      var left = Math.round((Number(el.dataset.deadline) - now) / 1000);
      var late = left < 0;
      var s = Math.abs(left);
      var text = (late ? el.dataset.late : el.dataset.left) + ' ' + Math.floor(s / 86400) +
        el.dataset.days + ' ' + pad(Math.floor(s % 86400 / 3600)) + ':' +
        pad(Math.floor(s % 3600 / 60)) + ':' + pad(s % 60);
      if (el.dataset.text !== text) { el.dataset.text = text; }
    }
  }
  setInterval(tick, 1000);
})();
