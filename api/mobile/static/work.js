/* 红桥采集通 (3/3): my work, patrol, and the shell that starts it all. */
(function () {
  'use strict';
  var M = window.HQM, $ = M.$, t = M.t, T = M.T, S = M.S, call = M.call, message = M.message,
    toast = M.toast, el = M.el, svgEl = M.svgEl, hhmm = M.hhmm, R = M.report;
  /* ---- my work ---- */
  function badge(item) {
    var over = item.deadline && new Date(item.deadline) < new Date() && ['dispatched', 'in_progress', 'reopened'].indexOf(item.status) >= 0;
    return el('span', 'badge ' + (over ? 'overdue' : item.status), over ? t('overdue') : (T[M.lang()].status[item.status] || item.status));
  }
  function card(item, verify) {
    var box = el('div', 'item'); box.setAttribute('data-code', item.code);
    var top = el('div', 'top'); top.appendChild(el('span', '', M.lang() === 'en' ? item.category_name_en : item.category_name));
    top.appendChild(badge(item)); box.appendChild(top);
    box.appendChild(el('div', 'meta', item.code + ' · ' + hhmm(item.reported_at)));
    if (item.description) box.appendChild(el('div', '', item.description));
    // Full photos only where the worker must judge them; elsewhere a link (bandwidth).
    if (item.photo_url && verify) { var img = el('img'); img.loading = 'lazy'; img.alt = ''; img.src = item.photo_url; box.appendChild(img); }
    else if (item.photo_url) { var a = el('a', 'link', t('seephoto')); a.href = item.photo_url; a.target = '_blank'; box.appendChild(a); }
    if (verify) {
      var note = el('textarea'); note.rows = 2; note.placeholder = t('reason'); box.appendChild(note);
      var acts = el('div', 'acts');
      var id = 'vp-' + item.id, file = el('input', 'file'); file.type = 'file'; file.accept = 'image/*'; file.id = id;
      file.setAttribute('capture', 'environment');
      var lab = el('label', '', t('checkphoto')); lab.htmlFor = id;
      file.addEventListener('change', function () { lab.textContent = file.files[0] ? '✓ ' + t('checkphoto') : t('checkphoto'); });
      var yes = el('button', 'yes', t('fixed')), no = el('button', 'no', t('notfixed'));
      yes.type = no.type = 'button';
      [[yes, true], [no, false]].forEach(function (pair) {
        pair[0].addEventListener('click', function () { checkItem(item, pair[1], note.value.trim(), file.files[0]); });
      });
      acts.appendChild(lab); acts.appendChild(yes); acts.appendChild(no); box.appendChild(file); box.appendChild(acts);
    }
    return box;
  }
  function fill(id, items, verify) {
    var box = $(id); box.textContent = '';
    if (!items.length) box.appendChild(el('p', 'empty', t('none')));
    items.forEach(function (i) { box.appendChild(card(i, verify)); });
  }
  function checkItem(item, fixed, note, file) {
    if (!fixed && !note) { toast(t('reason'), true); return; }
    var f = new FormData(); f.append('fixed', fixed ? '1' : '0'); f.append('note', note);
    var go = file ? R.shrink(file) : Promise.resolve(null);
    go.then(function (blob) {
      if (blob) f.append('photo', blob, 'photo.jpg');
      return call('POST', '/m/api/incidents/' + item.id + '/check', f);
    }).then(function (r) {
      if (r.ok) { toast(fixed ? t('checked') : t('reopened')); loadWork(); }
      else toast(t('failed') + message(r.body), true);
    }, function () { toast(t('offline'), true); });
  }
  var workSeq = 0;
  var loadWork = M.loadWork = function () {
    var mine = ++workSeq;
    return call('GET', '/m/api/work').then(function (r) {
      if (!r.ok || mine !== workSeq) return;     // a newer answer is on its way
      $('m-today').textContent = r.body.counts.today; $('m-month').textContent = r.body.counts.month;
      fill('m-verify', r.body.verify, true); fill('m-open', r.body.open, false); fill('m-mine', r.body.mine, false);
    }, function () {});
  };

  /* ---- patrol: positions in the batch format, today's route as a polyline ---- */
  var P = {watch: null, buf: [], sent: 0, timer: null, geo: null, today: null};
  // The patrol flag and the unsent fixes are kept with the worker's id: another worker
  // signing in on this phone neither continues the patrol nor sends them.
  function me() { return S.me ? String(S.me.user.id) : ''; }
  function patrolOn() { return Boolean(me()) && localStorage.getItem('hq_m_patrol') === me(); }
  function saveFixes() { localStorage.setItem('hq_m_fixes', JSON.stringify({user: me(), fixes: P.buf})); }
  function readFixes() {
    var kept = null;
    try { kept = JSON.parse(localStorage.getItem('hq_m_fixes') || 'null'); } catch (e) { kept = null; }
    return kept && kept.user === me() && Array.isArray(kept.fixes) ? kept.fixes : [];
  }
  function forgetPhone() {
    // Sign-out leaves nothing behind for the next worker: no queued report, no fix, no
    // patrol, no cached page or answer.
    if (P.watch !== null && navigator.geolocation) navigator.geolocation.clearWatch(P.watch);
    P.watch = null; clearInterval(P.timer); P.buf = [];
    ['hq_m_fixes', 'hq_m_patrol'].forEach(function (k) { localStorage.removeItem(k); });
    var caches_ = window.caches ? caches.keys().then(function (ks) {
      return Promise.all(ks.map(function (k) { return caches.delete(k); })); }) : Promise.resolve();
    return Promise.all([caches_, R.qClear(), M.tasks ? M.tasks.forget() : null]);
  }
  function drawRoute(points) {
    var svg = $('m-route'); M.drawGrids(svg, S.proj);
    if (points.length > 1) {
      svg.appendChild(svgEl('polyline', {'class': 'route', points: points.map(function (p) {
        var q = S.proj.fwd(p[0], p[1]); return q[0].toFixed(1) + ',' + q[1].toFixed(1); }).join(' ')}));
    }
    if (points.length) M.dot(svg, S.proj, points[points.length - 1], 'me', 'm-me');
  }
  function loadRoute() {
    return call('GET', '/m/api/route').then(function (r) {
      if (r.ok) { drawRoute(r.body.points); P.today = r.body.summary; showPatrol(); }
    }, function () {});
  }
  function sendFixes() {
    if (!P.buf.length) return Promise.resolve();
    if (!me()) return Promise.resolve();
    var batch = P.buf.slice(0, 500);
    return call('POST', '/m/api/positions', {crs: 'wgs84', fixes: batch}).then(function (r) {
      if (r.ok || (r.status >= 400 && r.status < 500 && r.status !== 401 && r.status !== 429)) {
        P.buf = P.buf.slice(batch.length); P.sent += r.ok ? r.body.stored : 0;
        saveFixes();
      }
      showPatrol(); if (r.ok) loadRoute();
    }, function () {});
  }
  // What the patrol is doing, honestly: no location is said as such, with what to do, and
  // today's track from any device is not "not on patrol".
  function patrolState() {
    var s = P.today, ago = s && s.last_fix_age_s !== null ? Math.round(s.last_fix_age_s / 60) : null;
    if (patrolOn()) {
      if (P.geo) return {text: t(P.geo), warn: P.geo !== 'geoWait'};
      return {text: P.sent || P.buf.length ? t('patrolState', {n: P.sent}) : t('geoWait'), warn: false};
    }
    if (ago !== null) return {text: t('patrolElsewhere', {ago: ago}), warn: false};
    return {text: t('patrolIdle'), warn: false};
  }
  function showPatrol() {
    $('t-patrol').textContent = patrolOn() ? t('patrolOn') : t('patrolOff');
    $('m-patrol').className = 'big ' + (patrolOn() ? '' : 'primary');
    var state = patrolState();
    $('m-patrol-state').textContent = state.text;
    $('m-patrol-state').className = 'state' + (state.warn ? ' warn' : '');
    var s = P.today;
    $('m-patrol-today').textContent = s && s.last_fix_at ? t('patrolToday', {km: s.distance_km.toFixed(1),
      min: s.minutes, cov: s.coverage === null ? '—' : s.coverage}) : t('patrolNone');
  }
  function geoFailed(err) {
    // 1: refused by the person or the browser's policy; 2: unavailable; 3: timed out.
    P.geo = err && err.code === 1 ? (window.isSecureContext ? 'geoDenied' : 'geoInsecure')
      : 'geoUnavailable';
    showPatrol();
  }
  function startWatch() {
    if (P.watch !== null) return;
    if (!navigator.geolocation || !window.isSecureContext) {
      P.geo = 'geoInsecure'; showPatrol(); return;
    }
    P.geo = null;
    P.watch = navigator.geolocation.watchPosition(function (pos) {
      var c = pos.coords; P.geo = null;
      P.buf.push({time: new Date(pos.timestamp).toISOString(), lat: c.latitude, lon: c.longitude,
        accuracy: c.accuracy, speed: c.speed, bearing: c.heading, altitude: c.altitude});
      if (P.buf.length > 5000) P.buf = P.buf.slice(-5000);
      saveFixes(); showPatrol();
    }, geoFailed, {enableHighAccuracy: true, maximumAge: 5000, timeout: 30000});
    P.timer = setInterval(sendFixes, 15000);
  }
  function togglePatrol() {
    if (patrolOn()) {
      localStorage.setItem('hq_m_patrol', '0');
      if (P.watch !== null) navigator.geolocation.clearWatch(P.watch);
      P.watch = null; P.geo = null; clearInterval(P.timer); sendFixes();
    } else {
      localStorage.setItem('hq_m_patrol', me()); startWatch();
      setTimeout(sendFixes, 3000);
    }
    showPatrol();
  }

  /* ---- the shell ---- */
  function labels() {
    document.documentElement.lang = M.lang() === 'en' ? 'en' : 'zh-CN';
    document.title = t('title'); $('m-title').textContent = t('title');
    ['photo', 'locate', 'tap', 'category', 'send', 'today', 'month', 'verify', 'open', 'mine'].forEach(function (k) {
      var e = $('t-' + k); if (e) e.textContent = t(k);
    });
    $('m-desc').placeholder = t('desc'); $('m-lang').textContent = T[M.lang()].other;
    // The button names the other language in itself: say which, for screen readers.
    $('m-lang').lang = M.lang() === 'en' ? 'zh-CN' : 'en';
    $('m-logout').textContent = t('logout');
    ['tab-report', 'tab-work', 'tab-patrol'].forEach(function (id, i) { $(id).textContent = T[M.lang()].tabs[i]; });
    net();
  }
  function net() {
    var n = $('m-net'); n.textContent = navigator.onLine ? t('online') : t('offline');
    n.className = navigator.onLine ? 'net' : 'net off';
  }
  function tab(id) {
    ['v-report', 'v-work', 'v-patrol'].forEach(function (v) { $(v).className = v === id ? 'view' : 'view hidden'; });
    Array.prototype.forEach.call(document.querySelectorAll('.tabs button'), function (b) {
      b.className = b.getAttribute('data-view') === id ? 'on' : '';
    });
    if (id === 'v-work') loadWork();
    if (id === 'v-patrol') loadRoute();
  }
  var loadMe = M.loadMe = function () {
    return call('GET', '/m/api/me').then(function (r) {
      if (!r.ok) return;
      S.me = r.body; S.csrf = r.body.csrf;
      $('m-user').textContent = S.me.user.name;
      S.proj = M.projection(S.me.grids || []);
      M.drawGrids($('m-map'), S.proj); R.showWhere(); R.drawCategories();
      $('m-today').textContent = S.me.counts.today; $('m-month').textContent = S.me.counts.month;
    });
  }
  function start() {
    labels();
    $('m-lang').addEventListener('click', function () {
      M.setLang(M.lang() === 'en' ? 'zh' : 'en'); localStorage.setItem('hq_m_lang', M.lang());
      labels(); if (S.me) { R.drawCategories(); R.showWhere(); } R.showQueue(); showPatrol();
    });
    $('m-photo').addEventListener('change', R.pickPhoto);
    $('m-locate').addEventListener('click', function () { S.whereKind = null; R.locate(); });
    $('m-map').addEventListener('click', R.tapMap);
    $('m-more').addEventListener('click', function () { S.showAll = !S.showAll; R.drawCategories(); });
    $('m-send').addEventListener('click', R.send);
    $('m-patrol').addEventListener('click', togglePatrol);
    $('m-logout').addEventListener('click', function () {
      R.qAll().then(function (items) {
        var n = items.length + (P.buf.length ? 1 : 0);
        if (n && !window.confirm(t('dropQueued', {n: items.length, f: P.buf.length}))) return;
        var go = function () { location.href = '/m/login'; };
        forgetPhone().then(function () { return call('POST', '/m/logout', {}); }).then(go, go);
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('.tabs button'), function (b) {
      b.addEventListener('click', function () { tab(b.getAttribute('data-view')); });
    });
    window.addEventListener('online', function () { net(); R.resetDelay(); R.flush(); sendFixes(); });
    window.addEventListener('offline', net);
    showPatrol();
    S.whereKind = 'wait';
    if ('serviceWorker' in navigator) navigator.serviceWorker.register('/m/sw.js', {scope: '/m'}).catch(function () {});
    Promise.all([loadMe(), R.qOpen()]).then(function () {
      // Only now is the worker known: their own unsent fixes and patrol, nobody else's.
      P.buf = readFixes();
      if (!P.buf.length) localStorage.removeItem('hq_m_fixes');
      showPatrol();
      if (patrolOn()) startWatch();
      R.locate(); return R.showQueue();
    }).then(R.flush);
  }
  document.addEventListener('DOMContentLoaded', start);
}());
