/* 红桥采集通 (4/4): field tasks (核实 / 核查) in the order to do them, kept for offline use;
   accepting, passing on and completing are queued in IndexedDB and sent when there is a signal. */
(function () {
  'use strict';
  var M = window.HQM, el = M.el, call = M.call, toast = M.toast, message = M.message, S = M.S;
  var TX = {
    zh: {title: '现场任务', none: '暂无任务', verify: '核实', check: '核查', accept: '接单',
         pass: '转交', done: '完成', photo: '拍照', note: '现场情况', confirmed: '属实',
         not_found: '不属实', fixed: '已整改', not_fixed: '未整改', until: '请在此前接单',
         queued: '已保存，有信号时发送', sent: '已发送', m: '米'},
    en: {title: 'Field tasks', none: 'No task', verify: 'Verify', check: 'Check',
         accept: 'Accept', pass: 'Pass on', done: 'Done', photo: 'Photo', note: 'What you found',
         confirmed: 'Confirmed', not_found: 'Not found', fixed: 'Fixed', not_fixed: 'Not fixed',
         until: 'accept by', queued: 'Saved; sent when there is a signal', sent: 'Sent', m: 'm'}
  };
  var OUTCOMES = {verify: ['confirmed', 'not_found'], check: ['fixed', 'not_fixed']};
  var KEY = 'hq_m_tasks', Q = {db: null, mem: {}, busy: false};
  function tx(k) { return (TX[M.lang()] || TX.zh)[k]; }

  function qOpen() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var req = indexedDB.open('hq_mobile_tasks', 1);
      req.onupgradeneeded = function () { req.result.createObjectStore('actions', {keyPath: 'id'}); };
      req.onsuccess = function () { Q.db = req.result; resolve(Q.db); };
      req.onerror = function () { resolve(null); };
    });
  }
  function qTx(mode, fn) {
    return new Promise(function (resolve) {
      if (!Q.db) { resolve(fn(null)); return; }
      var t = Q.db.transaction('actions', mode), out = fn(t.objectStore('actions'));
      t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : out); };
      t.onerror = function () { resolve(null); };
    });
  }
  function qPut(item) { return qTx('readwrite', function (s) { if (!s) { Q.mem[item.id] = item; return null; } return s.put(item); }); }
  function qDel(id) { return qTx('readwrite', function (s) { if (!s) { delete Q.mem[id]; return null; } return s.delete(id); }); }
  function qAll() {
    return qTx('readonly', function (s) { return s ? s.getAll() : Object.keys(Q.mem).map(function (k) { return Q.mem[k]; }); })
      .then(function (items) { return (items || []).sort(function (a, b) { return a.created - b.created; }); });
  }

  // A shared phone: the kept list and the queued actions belong to the worker who made them.
  function me() { return S.me && S.me.user ? S.me.user.id : null; }
  function cached() {
    try {
      var kept = JSON.parse(localStorage.getItem(KEY) || 'null');
      return kept && kept.user === me() ? kept.items : [];
    } catch (e) { return []; }
  }
  function remember(items) { localStorage.setItem(KEY, JSON.stringify({user: me(), items: items})); }
  function qClear() { Q.mem = {}; return qTx('readwrite', function (s) { return s ? s.clear() : null; }); }
  function box() {
    var section = document.getElementById('m-tasks');
    if (section) return section;
    var work = document.getElementById('v-work');
    if (!work) return null;
    section = el('div', 'tasks'); section.id = 'm-tasks';
    work.insertBefore(section, work.firstChild);
    return section;
  }
  function card(task) {
    var item = el('div', 'item task ' + task.status); item.setAttribute('data-task', task.id);
    var top = el('div', 'top');
    top.appendChild(el('span', '', tx(task.kind) + ' · ' + (M.lang() === 'en' ? task.category_name_en : task.category_name)));
    if (task.distance_m !== null && task.distance_m !== undefined) top.appendChild(el('span', 'badge', Math.round(task.distance_m) + ' ' + tx('m')));
    item.appendChild(top);
    item.appendChild(el('div', 'meta', task.code + (task.address ? ' · ' + task.address : '')));
    if (task.description) item.appendChild(el('div', '', task.description));
    var acts = el('div', 'acts');
    if (task.status === 'offered') {
      item.appendChild(el('div', 'meta', tx('until') + ' ' + M.hhmm(task.accept_by)));
      var yes = el('button', 'yes', tx('accept')), no = el('button', 'no', tx('pass'));
      yes.type = no.type = 'button';
      yes.addEventListener('click', function () { act(task, 'accept', {}); });
      no.addEventListener('click', function () { act(task, 'pass', {}); });
      acts.appendChild(yes); acts.appendChild(no);
    } else {
      var note = el('textarea'); note.rows = 2; note.placeholder = tx('note'); item.appendChild(note);
      var id = 'tp-' + task.id, file = el('input', 'file'); file.type = 'file'; file.accept = 'image/*'; file.id = id;
      file.setAttribute('capture', 'environment');
      var lab = el('label', '', tx('photo')); lab.htmlFor = id;
      file.addEventListener('change', function () { lab.textContent = (file.files[0] ? '✓ ' : '') + tx('photo'); });
      acts.appendChild(file); acts.appendChild(lab);
      OUTCOMES[task.kind].forEach(function (outcome, i) {
        var b = el('button', i ? 'no' : 'yes', tx(outcome)); b.type = 'button';
        b.addEventListener('click', function () {
          if (!file.files[0]) { toast(tx('photo'), true); return; }
          complete(task, outcome, note.value.trim(), file.files[0]);
        });
        acts.appendChild(b);
      });
    }
    item.appendChild(acts);
    return item;
  }
  var shown = null;
  function render(items) {
    var section = box();
    if (!section) return;
    // Unchanged tasks are left alone: a refresh must not wipe a note or photo being added.
    var key = M.lang() + JSON.stringify(items.map(function (x) { return [x.id, x.status]; }));
    if (key === shown && section.firstChild) return;
    shown = key;
    section.textContent = '';
    section.appendChild(el('h2', '', tx('title')));
    if (!items.length) { section.appendChild(el('p', 'hint', tx('none'))); return; }
    var list = el('div', 'list');
    items.forEach(function (task) { list.appendChild(card(task)); });
    section.appendChild(list);
  }
  // The list as the phone knows it: the last one fetched, less what is still queued.
  function show(items) { return qAll().then(function (q) { render(pending(items, q)); }); }
  function load() {
    return call('GET', '/m/api/tasks').then(function (r) {
      if (r.ok) remember(r.body.items || []);
      return show(cached());
    }, function () { return show(cached()); });
  }
  // What is still queued shows as done already: the worker never sees a task come back.
  function pending(items, queued) {
    var gone = {}, taken = {};
    queued.forEach(function (a) { if (a.kind === 'accept') taken[a.task] = true; else gone[a.task] = true; });
    return items.filter(function (x) { return !gone[x.id]; })
      .map(function (x) { return taken[x.id] ? Object.assign({}, x, {status: 'accepted'}) : x; });
  }
  function act(task, kind, fields, photo) {
    var item = {id: Date.now().toString(36) + Math.random().toString(36).slice(2), created: Date.now(),
                user: me(), task: task.id, kind: kind, fields: fields, photo: photo || null};
    return qPut(item).then(function () {
      return show(cached());
    }).then(function () {
      toast(navigator.onLine ? tx('sent') : tx('queued'));
      return flush();
    });
  }
  function complete(task, outcome, note, photo) {
    var go = function (pos) {
      var fields = {outcome: outcome, note: note};
      if (pos) { fields.lon = pos.coords.longitude; fields.lat = pos.coords.latitude; }
      act(task, 'complete', fields, photo);
    };
    if (navigator.geolocation) navigator.geolocation.getCurrentPosition(go, function () { go(null); }, {timeout: 8000, maximumAge: 60000});
    else go(null);
  }
  function flush() {
    if (Q.busy) return Promise.resolve();
    Q.busy = true;
    return qAll().then(function sendNext(items) {
      if (!items.length) return null;
      var a = items[0], form = new FormData();
      // Another worker's action (their session ran out on this phone) is dropped, never sent.
      if (a.user !== me()) return qDel(a.id).then(function () { return sendNext(items.slice(1)); });
      Object.keys(a.fields).forEach(function (k) { form.append(k, a.fields[k]); });
      if (a.photo) form.append('photo', a.photo, 'photo.jpg');
      return call('POST', '/m/api/tasks/' + a.task + '/' + a.kind, form).then(function (r) {
        if (r.status >= 500) return null;          // the server is down: keep it, try later
        if (!r.ok) toast(message(r.body), true);   // refused for good: say why, drop it
        return qDel(a.id).then(function () { return sendNext(items.slice(1)); });
      }, function () { return null; });            // no signal: keep it
    }).then(function () { Q.busy = false; return load(); }, function () { Q.busy = false; });
  }
  // The worker is known once /m/api/me answered (work.js); only then are their tasks shown.
  function waitForMe(tries) {
    if (me() !== null) { show(cached()).then(flush); return; }
    if (tries < 100) setTimeout(function () { waitForMe(tries + 1); }, 100);
  }
  // Sign-out (work.js forgetPhone) leaves nothing of this worker's tasks for the next one.
  function forget() { localStorage.removeItem(KEY); shown = null; return qClear(); }
  M.tasks = {load: load, flush: flush, forget: forget};
  document.addEventListener('DOMContentLoaded', function () {
    qOpen().then(function () { return show(cached()); });
    waitForMe(0);
    window.addEventListener('online', flush);
    var tab = document.getElementById('tab-work');
    if (tab) tab.addEventListener('click', load);
  });
}());
