// The /patrol player: the day's data arrives once (dcc.Store patrol-data); every frame is
// computed here from it, so playing, pausing, seeking and following never ask the server.
// Trace order is dashboard/patrol/figures.py LAYERS: beats, trail_old, trail_new, stops,
// reports, dots.
(function () {
  var TICK_S = 0.25, TRAIL_NEW_S = 120, TRAIL_OLD_S = 900, GAP_S = 300;
  var decoded = new WeakMap();

  function undelta(a) {
    var out = new Array(a.length), v = 0;
    for (var i = 0; i < a.length; i++) { v += a[i]; out[i] = v; }
    return out;
  }

  function decode(data) {
    if (decoded.has(data)) { return decoded.get(data); }
    var s = data.scale, workers = data.workers.map(function (w) {
      var x = undelta(w.x), y = undelta(w.y);
      return {name: w.name, t: undelta(w.t), lon: x.map(function (v) { return v / s; }),
              lat: y.map(function (v) { return v / s; }), stops: w.stops};
    });
    var out = {workers: workers, scale: s};
    decoded.set(data, out);
    return out;
  }

  // The last index whose time is <= T (-1 when none).
  function before(t, T) {
    var lo = 0, hi = t.length - 1, best = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (t[mid] <= T) { best = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return best;
  }

  function hms(s) {
    s = Math.max(0, Math.round(s));
    var h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    return (h < 10 ? '0' : '') + h + ':' + (m < 10 ? '0' : '') + m + ':' + (sec < 10 ? '0' : '') + sec;
  }

  function frame(data, fig, T, follow) {
    var d = decode(data), s = d.scale;
    var tracks = [[[], []], [[], []]], dots = [[], [], []], stops = [[], []], reps = [[], []];
    d.workers.forEach(function (w) {
      var i = before(w.t, T);
      if (i < 0) { return; }
      [[T - TRAIL_OLD_S, T - TRAIL_NEW_S, 0], [T - TRAIL_NEW_S, T, 1]].forEach(function (span) {
        var a = Math.max(0, before(w.t, span[0])), b = before(w.t, span[1]);
        for (var k = a; k <= b; k++) {
          if (k > a && w.t[k] - w.t[k - 1] > GAP_S) {
            tracks[span[2]][0].push(null); tracks[span[2]][1].push(null);
          }
          tracks[span[2]][0].push(w.lon[k]); tracks[span[2]][1].push(w.lat[k]);
        }
        tracks[span[2]][0].push(null); tracks[span[2]][1].push(null);
      });
      var last = w.t.length - 1;
      if (i === last && T - w.t[last] > GAP_S) { return; }
      var lon = w.lon[i], lat = w.lat[i];
      if (i < last && w.t[i + 1] - w.t[i] <= GAP_S) {
        var f = (T - w.t[i]) / (w.t[i + 1] - w.t[i]);
        lon += (w.lon[i + 1] - lon) * f; lat += (w.lat[i + 1] - lat) * f;
      }
      if (T - w.t[i] <= GAP_S) { dots[0].push(lon); dots[1].push(lat); dots[2].push(w.name); }
      w.stops.forEach(function (st) {
        if (st[0] <= T) { stops[0].push(st[2] / s); stops[1].push(st[3] / s); }
      });
    });
    data.reports.forEach(function (r) {
      if (r[0] <= T) { reps[0].push(r[1] / s); reps[1].push(r[2] / s); }
    });
    var out = {data: fig.data.slice(), layout: Object.assign({}, fig.layout)};
    function set(n, lon, lat, text) {
      var tr = Object.assign({}, out.data[n], {lon: lon, lat: lat});
      if (text) { tr.text = text; }
      out.data[n] = tr;
    }
    set(1, tracks[0][0], tracks[0][1]);
    set(2, tracks[1][0], tracks[1][1]);
    set(3, stops[0], stops[1]);
    set(4, reps[0], reps[1]);
    set(5, dots[0], dots[1], dots[2]);
    if (follow && dots[0].length) {
      out.layout.map = Object.assign({}, out.layout.map, {center: {lon: dots[0][0], lat: dots[1][0]}});
    }
    return out;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    patrol: {
      play: function (nTick, slider, nPlay, data, speed, follow, fig, disabled) {
        var nu = window.dash_clientside.no_update;
        var trig = (window.dash_clientside.callback_context.triggered || [])
          .map(function (x) { return x.prop_id; });
        if (!data || !data.workers || !data.workers.length || !data.base) {
          return [nu, 0, 0, 1, '--:--:--', true, '▶'];
        }
        var base = (trig.indexOf('patrol-data.data') >= 0 || !fig || !fig.data) ? data.base : fig;
        var T = typeof slider === 'number' ? slider : data.start;
        var off = disabled !== false;
        if (trig.indexOf('patrol-data.data') >= 0) { T = data.start; off = true; }
        if (trig.indexOf('patrol-play.n_clicks') >= 0) {
          off = !off;
          if (!off && T >= data.end) { T = data.start; }
        }
        if (trig.indexOf('patrol-tick.n_intervals') >= 0 && !off) {
          T = T + TICK_S * (Number(speed) || 1);
        }
        if (T >= data.end) { T = data.end; off = true; }
        T = Math.max(data.start, T);
        var following = Array.isArray(follow) && follow.length > 0;
        return [frame(data, base, T, following), T, data.start, data.end, hms(T), off,
                off ? '▶' : '❚❚'];
      }
    }
  });
})();
