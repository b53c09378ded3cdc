// Scale the 1920x1080 wall canvas to the screen by the smaller ratio, centred: the
// convention of big-screen dashboards, crisp on 1080p, 4K and ultra-wide walls alike.
(function () {
  function fit() {
    var canvas = document.querySelector('.wall-canvas');
    if (!canvas) { return; }
    var s = Math.min(window.innerWidth / 1920, window.innerHeight / 1080);
    canvas.style.transform = 'scale(' + s + ')';
  }
  window.addEventListener('resize', fit);
  new MutationObserver(fit).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener('DOMContentLoaded', fit);
})();
