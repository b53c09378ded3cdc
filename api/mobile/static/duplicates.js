/* 红桥采集通: "is it one of these?" Open cases of the chosen kind near the report's place,
   with their photos; picking one files the report attached to it (counted once). */
(function () {
  'use strict';
  var M = window.HQM, el = M.el, call = M.call, S = M.S;
  var TX = {zh: {title: '附近已有同类未结事件，是同一个吗？', same: '是同一问题', picked: '✓ 上报后附加到此事件', m: '米'},
            en: {title: 'Open reports of this kind nearby: is it one of these?', same: 'Same problem',
                 picked: '✓ will be attached to this case', m: 'm'}};
  function tx(k) { return (TX[M.lang()] || TX.zh)[k]; }
  function panel() {
    // Below the send button: arriving a moment after the category tap, it must not move
    // the button under the worker's thumb.
    var box = document.getElementById('m-dups'), send = document.getElementById('m-send');
    if (!box && send) {
      box = el('div', 'dups list'); box.id = 'm-dups';
      send.parentNode.insertBefore(box, send.nextSibling);
    }
    return box;
  }
  function render(items) {
    var box = panel();
    if (!box) return;
    box.textContent = '';
    if (!items.length) { S.attachTo = null; return; }
    box.appendChild(el('h2', '', tx('title')));
    items.forEach(function (c) {
      var card = el('div', 'item dup' + (S.attachTo === c.id ? ' on' : ''));
      if (c.photo_url) { var img = el('img'); img.loading = 'lazy'; img.alt = ''; img.src = c.photo_url; card.appendChild(img); }
      card.appendChild(el('div', 'meta', c.code + ' · ' + Math.round(c.distance_m) + ' ' + tx('m')));
      if (c.description) card.appendChild(el('div', '', c.description));
      var b = el('button', S.attachTo === c.id ? 'yes' : 'small', S.attachTo === c.id ? tx('picked') : tx('same'));
      b.type = 'button';
      b.addEventListener('click', function () { S.attachTo = S.attachTo === c.id ? null : c.id; render(items); });
      card.appendChild(b); box.appendChild(card);
    });
  }
  function check() {
    if (!S.cat || !S.where) { render([]); return; }
    var q = '?category_code=' + encodeURIComponent(S.cat) + '&lon=' + S.where[0].toFixed(6) + '&lat=' + S.where[1].toFixed(6);
    call('GET', '/m/api/duplicates' + q).then(function (r) { render(r.ok ? (r.body.items || []) : []); },
      function () { render([]); });   // no signal: file it; an operator can merge it later
  }
  document.addEventListener('click', function (e) {
    var target = e.target && e.target.closest ? e.target.closest('.cat, #m-map, #m-send') : null;
    if (!target) return;
    setTimeout(target.id === 'm-send' ? function () { render([]); } : check, 0);
  });
}());
