/* 红桥采集通 (2/3): the report: place, category, photo, and the offline queue. */
(function () {
  'use strict';
  var M = window.HQM, $ = M.$, t = M.t, S = M.S, call = M.call, message = M.message,
    toast = M.toast, el = M.el, hhmm = M.hhmm, uuid = M.uuid;
  /* ---- location ---- */
  function showWhere() {
    var loc = $('m-loc');
    if (S.whereKind === 'gps') { loc.textContent = t('located', {m: Math.round(S.accuracy || 0)}); loc.className = 'loc ok'; }
    else if (S.whereKind === 'tap') { loc.textContent = t('tapped'); loc.className = 'loc ok'; }
    else if (S.whereKind === 'wait') { loc.textContent = t('locating'); loc.className = 'loc'; }
    else { loc.textContent = t('noloc'); loc.className = 'loc bad'; }
    M.dot($('m-map'), S.proj, S.where, 'pin', 'm-pin');
  }
  function locate() {
    if (!navigator.geolocation) { S.whereKind = null; showWhere(); return; }
    S.whereKind = S.whereKind === 'tap' ? 'tap' : 'wait'; showWhere();
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (S.whereKind === 'tap') return;
      S.where = [pos.coords.longitude, pos.coords.latitude];
      S.accuracy = pos.coords.accuracy; S.whereKind = 'gps'; showWhere();
    }, function () { if (S.whereKind !== 'tap') { S.where = null; S.whereKind = null; showWhere(); } },
    {enableHighAccuracy: true, timeout: 15000, maximumAge: 30000});
  }
  function tapMap(ev) {
    var svg = $('m-map'), pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    S.where = S.proj.inv(p.x, p.y); S.whereKind = 'tap'; S.accuracy = null;
    showWhere();
  }

  /* ---- categories: the most used first, everything else one tap further ---- */
  function catButton(c) {
    var b = el('button', 'cat' + (S.cat === c.code ? ' on' : ''), M.lang() === 'en' ? c.name_en : c.name_zh);
    b.type = 'button'; b.setAttribute('data-code', c.code);
    b.addEventListener('click', function () { S.cat = c.code; drawCategories(); });
    return b;
  }
  function drawCategories() {
    var top = $('m-cats'), all = $('m-allcats');
    top.textContent = ''; all.textContent = '';
    S.me.categories.slice(0, 6).forEach(function (c) { top.appendChild(catButton(c)); });
    var subjects = {};
    S.me.categories.slice().sort(function (a, b) { return a.code < b.code ? -1 : 1; }).forEach(function (c) {
      if (!subjects[c.subject]) {
        all.appendChild(el('div', 'subject', M.lang() === 'en' ? c.subject_en : c.subject_zh));
        subjects[c.subject] = all.appendChild(el('div', 'sub'));
      }
      subjects[c.subject].appendChild(catButton(c));
    });
    all.className = S.showAll ? '' : 'hidden';
    $('t-more').textContent = S.showAll ? t('less') : t('more');
  }

  /* ---- photo: shrunk on the phone unless its EXIF location is the only one we have ---- */
  function shrink(file) {
    return new Promise(function (resolve) {
      if (!/^image\/(jpeg|png|webp)/.test(file.type)) { resolve(file); return; }
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () {
        var k = Math.min(1, 1600 / Math.max(img.naturalWidth, img.naturalHeight));
        if (k === 1 && file.size < 600000) { URL.revokeObjectURL(url); resolve(file); return; }
        var c = document.createElement('canvas');
        c.width = Math.round(img.naturalWidth * k); c.height = Math.round(img.naturalHeight * k);
        c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
        URL.revokeObjectURL(url);
        c.toBlob(function (b) { resolve(b || file); }, 'image/jpeg', 0.8);
      };
      img.onerror = function () { URL.revokeObjectURL(url); resolve(file); };
      img.src = url;
    });
  }
  function pickPhoto() {
    var f = $('m-photo').files[0];
    S.photo = f || null;
    var pv = $('m-preview');
    if (f) { pv.src = URL.createObjectURL(f); pv.className = 'preview'; $('t-photo').textContent = t('photo2'); }
    else { pv.className = 'preview hidden'; $('t-photo').textContent = t('photo'); }
  }

  /* ---- the offline queue: IndexedDB, a client id as the Idempotency-Key, backoff ---- */
  var Q = {db: null, mem: {}, timer: null, delay: 2000, busy: false};
  function qOpen() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var req = indexedDB.open('hq_mobile', 1);
      req.onupgradeneeded = function () { req.result.createObjectStore('queue', {keyPath: 'id'}); };
      req.onsuccess = function () { Q.db = req.result; resolve(Q.db); };
      req.onerror = function () { resolve(null); };
    });
  }
  function qTx(mode, fn) {
    return new Promise(function (resolve) {
      if (!Q.db) { resolve(fn(null)); return; }
      var tx = Q.db.transaction('queue', mode), store = tx.objectStore('queue'), out = fn(store);
      tx.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
      tx.onerror = function () { resolve(null); };
    });
  }
  function qPut(item) { return qTx('readwrite', function (s) { if (!s) { Q.mem[item.id] = item; return null; } return s.put(item); }); }
  function qClear() { Q.mem = {}; return qTx('readwrite', function (s) { return s ? s.clear() : null; }); }
  // A queued report belongs to the worker who made it: it is sent only in their session.
  function mine(item) { return Boolean(S.me) && item.user === S.me.user.id; }
  function qDel(id) { return qTx('readwrite', function (s) { if (!s) { delete Q.mem[id]; return null; } return s.delete(id); }); }
  function qAll() {
    return qTx('readonly', function (s) {
      if (!s) return Object.keys(Q.mem).map(function (k) { return Q.mem[k]; });
      return s.getAll();
    }).then(function (items) { return (items || []).sort(function (a, b) { return a.created - b.created; }); });
  }
  function showQueue() {
    return qAll().then(function (items) {
      items = items.filter(mine);
      var q = $('m-queue');
      q.textContent = t('waiting', {n: items.length});
      q.className = items.length ? 'queue' : 'queue hidden';
      q.setAttribute('data-count', items.length);
    });
  }
  function formOf(item) {
    var f = new FormData();
    Object.keys(item.fields).forEach(function (k) { if (item.fields[k] !== null && item.fields[k] !== undefined) f.append(k, item.fields[k]); });
    if (item.photo) f.append('photo', item.photo, 'photo.jpg');
    return f;
  }
  function later() {
    clearTimeout(Q.timer);
    Q.timer = setTimeout(flush, Q.delay + Math.random() * 500);
    Q.delay = Math.min(Q.delay * 2, 60000);
  }
  function failed(item, body) {
    var box = el('div', 'item');
    box.appendChild(el('div', 'top', t('failed') + message(body)));
    box.appendChild(el('div', 'meta', hhmm(new Date(item.created).toISOString())));
    $('m-failed').appendChild(box);
    toast(t('failed') + message(body), true);
  }
  function flush() {
    if (Q.busy || !S.me) return Promise.resolve();
    Q.busy = true;
    return qAll().then(function next(items) {
      if (!items.length) { Q.busy = false; Q.delay = 2000; return showQueue(); }
      var item = items[0];
      // Another worker's report (their session ended without signing out on this phone)
      // is never sent as this worker's: it is dropped.
      if (!mine(item)) return qDel(item.id).then(function () { return qAll().then(next); });
      return call('POST', '/m/api/reports', formOf(item), {'Idempotency-Key': item.id}).then(function (r) {
        if (r.ok) {
          toast(t('sent', {code: r.body.code}));
          return qDel(item.id).then(function () { M.loadWork(); return qAll().then(next); });
        }
        if (r.status === 401 || r.status >= 500 || r.status === 429 || r.body.error === 'csrf_failed') {
          if (r.body.error === 'csrf_failed') M.loadMe();
          Q.busy = false; later(); return showQueue();
        }
        return qDel(item.id).then(function () { failed(item, r.body); return qAll().then(next); });
      }, function () { Q.busy = false; later(); return showQueue(); });
    });
  }
  function send() {
    if (!S.cat) { toast(t('needcat'), true); return; }
    if (!S.where && !S.photo) { toast(t('needwhere'), true); return; }
    var btn = $('m-send'); btn.disabled = true; $('t-send').textContent = t('sending');
    var keepExif = !S.where;
    var photo = !S.photo ? Promise.resolve(null) :
      (keepExif && S.photo.size < 8000000 ? Promise.resolve(S.photo) : shrink(S.photo));
    photo.then(function (blob) {
      var item = {id: uuid(), created: Date.now(), user: S.me ? S.me.user.id : null, photo: blob, fields: {
        category_code: S.cat, description: $('m-desc').value.trim(),
        reported_at: new Date().toISOString(),
        lon: S.where ? S.where[0].toFixed(6) : null, lat: S.where ? S.where[1].toFixed(6) : null,
        attach_to: S.attachTo || null}};  // "it is one of these" (tasks.js shows them)
      return qPut(item);
    }).then(function () {
      S.cat = null; S.attachTo = null; S.photo = null; $('m-photo').value = ''; $('m-desc').value = ''; pickPhoto(); drawCategories();
      if (S.whereKind === 'tap') { S.where = null; S.whereKind = null; }
      locate();
      btn.disabled = false; $('t-send').textContent = t('send');
      return showQueue().then(function () {
        if (!navigator.onLine) { toast(t('queued')); return; }
        Q.delay = 2000; return flush();
      });
    });
  }

  M.report = {locate: locate, showWhere: showWhere, tapMap: tapMap, drawCategories: drawCategories,
    pickPhoto: pickPhoto, shrink: shrink, qOpen: qOpen, qClear: qClear, qAll: qAll,
    showQueue: showQueue, flush: flush,
    send: send, resetDelay: function () { Q.delay = 2000; }};
}());
