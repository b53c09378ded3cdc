/* 红桥采集通 (4/4): the bell — the worker's notices (a fix to verify ...), every 30 s. */
(function () {
  'use strict';
  var M = window.HQM, $ = M.$, call = M.call, el = M.el;
  var WORDS = {zh: {bell: '通知', none: '暂无通知'}, en: {bell: 'Notices', none: 'No notices'}};
  var items = [];

  function words() { return WORDS[M.lang()] || WORDS.zh; }

  function show(body) {
    var bell = $('m-bell'), count = body.unread || 0;
    items = body.items || [];
    bell.hidden = false;
    $('m-bell-label').textContent = words().bell;
    $('m-bell-count').textContent = count > 99 ? '99+' : String(count);
    bell.className = 'bell' + (count ? '' : ' none');
    bell.setAttribute('data-count', String(count));
  }

  function refresh() {
    return call('GET', '/m/api/notifications?limit=20').then(function (r) {
      if (r.ok) show(r.body);
    }).catch(function () { /* offline: the count stays as it was */ });
  }

  function draw() {
    var box = $('m-notices');
    box.textContent = '';
    if (!items.length) box.appendChild(el('div', 'item', words().none));
    items.forEach(function (n) {
      var row = el('div', 'item' + (n.read_at ? '' : ' unread'),
                   M.lang() === 'en' ? n.title_en : n.title);
      row.appendChild(el('small', '', M.hhmm(n.created_at) + '  ' + n.body.split('\n')[0]));
      box.appendChild(row);
    });
  }

  $('m-bell').addEventListener('click', function () {
    var box = $('m-notices'), opening = box.className.indexOf('hidden') >= 0;
    box.className = 'notices' + (opening ? '' : ' hidden');
    if (!opening) return;
    draw();
    // Opening the list is reading it: the count goes to zero on the server too.
    call('POST', '/m/api/notifications/read', {}).then(refresh);
  });
  // The language button re-labels the page; the bell follows at once, not when (or if,
  // offline) the next count arrives.
  $('m-lang').addEventListener('click', function () {
    setTimeout(function () { $('m-bell-label').textContent = words().bell; refresh(); }, 0);
  });
  refresh();
  setInterval(refresh, 30000);
}());
