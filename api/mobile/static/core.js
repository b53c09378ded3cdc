/* 红桥采集通 (1/3): words, HTTP, small helpers and the grid drawing, shared as window.HQM. */
(function () {
  'use strict';
  'use strict';
  var T = {
    zh: {photo: '拍照 / 选照片', photo2: '重拍 / 换照片', locate: '重新定位', locating: '定位中…',
      located: '已定位 ±{m} 米', tapped: '已在图上选点', exif: '将使用照片中的位置',
      noloc: '未定位：请在网格图上点选位置', tap: '也可在网格图上点选事件位置', category: '事件类别',
      more: '更多类别', less: '收起', send: '上报', sending: '正在发送…', sent: '已上报 {code}',
      queued: '已保存在手机上，联网后自动发送', waiting: '待发送 {n} 条，联网后自动发送',
      needcat: '请选择事件类别', needwhere: '请定位或在网格图上点选位置', online: '在线', offline: '离线',
      today: '今日上报', month: '本月上报', verify: '待我核查', open: '本网格未办结',
      mine: '本月我的上报', none: '暂无', fixed: '已修复', notfixed: '未修复', reason: '请填写未修复的原因',
      checkphoto: '附照片', seephoto: '查看照片', checked: '已提交核查', reopened: '已退回重办', patrolOn: '结束巡查',
      patrolOff: '开始巡查', patrolState: '巡查中：已发送 {n} 个定位点', patrolIdle: '未在巡查',
      geoWait: '巡查中：正在获取定位…', geoInsecure: '无法定位：此页面未通过 HTTPS 打开，浏览器不提供位置。请改用 HTTPS 地址打开本页，或用 Traccar Client 记录轨迹。本次巡查未记录任何定位点。',
      geoDenied: '无法定位：定位权限被拒绝。请在浏览器或手机设置中允许本站使用位置，然后重新开始巡查。本次巡查未记录任何定位点。',
      geoUnavailable: '暂时无法定位（定位服务关闭或信号弱）：请打开手机定位，到开阔处再试。',
      patrolToday: '今日巡查 {km} 公里 · {min} 分钟 · 网格覆盖 {cov}%', patrolNone: '今日尚无巡查轨迹',
      patrolElsewhere: '本机未在巡查 · 今日轨迹最近定位于 {ago} 分钟前',
      logout: '退出登录', dropQueued: '还有 {n} 条上报和 {f} 个定位点未发送，退出后将从本机删除。确定退出？', failed: '未能上报：', relogin: '登录已失效，请重新登录', title: '红桥采集通',
      tabs: ['上报', '我的工作', '巡查'], desc: '补充说明（可选）', other: 'English', overdue: '超期',
      status: {reported: '已上报', accepted: '已受理', dispatched: '已派遣', in_progress: '处置中',
        resolved: '已处置', verified: '已核查', closed: '已结案', rejected: '不予受理', reopened: '已退回重办'}},
    en: {photo: 'Take / choose a photo', photo2: 'Retake / change photo', locate: 'Locate again',
      locating: 'Locating…', located: 'Located ±{m} m', tapped: 'Place chosen on the map',
      exif: 'The photo\'s location will be used', noloc: 'No location: tap the place on the map',
      tap: 'Or tap the place on your grid map', category: 'Category', more: 'More categories',
      less: 'Fewer', send: 'Send report', sending: 'Sending…', sent: 'Reported {code}',
      queued: 'Saved on the phone; it will be sent when online',
      waiting: '{n} waiting, sent when online', needcat: 'Choose a category',
      needwhere: 'Locate the phone or tap the place on the map', online: 'online', offline: 'offline',
      today: 'Today', month: 'This month', verify: 'To verify', open: 'Open in my grid',
      mine: 'My reports this month', none: 'None', fixed: 'Fixed', notfixed: 'Not fixed',
      reason: 'Say why it is not fixed', checkphoto: 'Add photo', seephoto: 'See photo', checked: 'Verified',
      reopened: 'Sent back', patrolOn: 'End patrol', patrolOff: 'Start patrol',
      patrolState: 'On patrol: {n} positions sent', patrolIdle: 'Not on patrol', logout: 'Sign out',
      geoWait: 'On patrol: waiting for a location…', geoInsecure: 'No location: this page is not opened over HTTPS, so the browser gives no position. Open it over HTTPS, or record the track with Traccar Client. Nothing is being recorded.',
      geoDenied: 'No location: permission was refused. Allow location for this site in the browser or phone settings, then start the patrol again. Nothing is being recorded.',
      geoUnavailable: 'No location for now (location off or weak signal): turn location on and try in the open.',
      patrolToday: 'Today {km} km · {min} min · {cov}% of the beat covered', patrolNone: 'No patrol track today yet',
      patrolElsewhere: 'Not patrolling from this phone · today\'s track last updated {ago} min ago',
      dropQueued: '{n} reports and {f} positions are not sent yet; signing out deletes them from this phone. Sign out?',
      failed: 'Not sent: ', relogin: 'Signed out, please sign in again', title: 'Hongqiao Collect',
      tabs: ['Report', 'My work', 'Patrol'], desc: 'Description (optional)', other: '中文',
      overdue: 'Overdue',
      // Labels, not the API's status keys: capitalised as the desk pages write them.
      status: {reported: 'Reported', accepted: 'Accepted', dispatched: 'Dispatched',
        in_progress: 'In progress', resolved: 'Resolved', verified: 'Verified', closed: 'Closed',
        rejected: 'Rejected', reopened: 'Reopened'}}
  };
  var $ = function (id) { return document.getElementById(id); };
  var lang = /[?&]lang=en/.test(location.search) ? 'en' :
    (/[?&]lang=zh/.test(location.search) ? 'zh' : (localStorage.getItem('hq_m_lang') || 'zh'));
  var t = function (k, v) {
    var s = T[lang][k] || k;
    Object.keys(v || {}).forEach(function (n) { s = s.replace('{' + n + '}', v[n]); });
    return s;
  };
  var S = {me: null, csrf: '', cat: null, where: null, whereKind: null, photo: null, showAll: false};

  /* ---- HTTP ---- */
  function cookie(name) {
    var m = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : '';
  }
  function headers(extra) {
    var h = {'X-Mobile-CSRF': S.csrf};
    var desk = cookie('_csrf_token');
    if (desk) h['X-CSRFToken'] = desk;
    Object.keys(extra || {}).forEach(function (k) { h[k] = extra[k]; });
    return h;
  }
  function call(method, url, body, extra) {
    var opts = {method: method, credentials: 'same-origin', headers: headers(extra)};
    if (body instanceof FormData) opts.body = body;
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
    return fetch(url, opts).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.status === 401) { toast(t('relogin'), true); setTimeout(function () { location.href = '/m/login'; }, 1500); }
        return {status: r.status, ok: r.ok, body: j};
      });
    });
  }
  function message(body) {
    var m = (body && body.message) || '';
    var parts = m.split(' / ');
    return lang === 'en' && parts[1] ? parts[1] : parts[0];
  }

  /* ---- small UI helpers ---- */
  var toastTimer;
  function toast(text, err) {
    var el = $('m-toast');
    el.textContent = text; el.className = 'toast' + (err ? ' err' : '');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.className = 'toast hidden'; }, 6000);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svgEl(tag, attrs) {
    var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }
  function hhmm(iso) {
    var d = new Date(iso);
    return (d.getMonth() + 1) + '/' + d.getDate() + ' ' + ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return ('0' + x.toString(16)).slice(-2); }).join('');
  }

  /* ---- the grid drawing: lon/lat projected onto a 340-wide SVG, no map library ---- */
  var W = 340, PAD = 12;
  function rings(geom) {
    if (!geom) return [];
    if (geom.type === 'Polygon') return geom.coordinates;
    if (geom.type === 'MultiPolygon') return [].concat.apply([], geom.coordinates);
    return [];
  }
  function projection(grids) {
    var xs = [], ys = [];
    grids.forEach(function (g) { rings(g.outline).forEach(function (r) { r.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); }); });
    if (!xs.length) { xs = [117.1, 117.2]; ys = [39.1, 39.2]; }
    var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    var k = Math.cos((y0 + y1) / 2 * Math.PI / 180);
    var sx = (x1 - x0) * k || 1e-4, sy = (y1 - y0) || 1e-4;
    // At most 220 px tall, so the photo, the map and the categories fit on one phone screen.
    var scale = Math.min((W - 2 * PAD) / sx, 200 / sy);
    var H = Math.max(140, Math.round(sy * scale + 2 * PAD));
    var ox = (W - sx * scale) / 2, oy = (H - sy * scale) / 2;
    return {H: H,
      fwd: function (lon, lat) { return [ox + (lon - x0) * k * scale, H - oy - (lat - y0) * scale]; },
      inv: function (x, y) { return [x0 + (x - ox) / (k * scale), y0 + (H - oy - y) / scale]; }};
  }
  function drawGrids(svg, proj) {
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + proj.H);
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    (S.me.grids || []).forEach(function (g) {
      var d = rings(g.outline).map(function (r) {
        return 'M' + r.map(function (p) { var q = proj.fwd(p[0], p[1]); return q[0].toFixed(1) + ',' + q[1].toFixed(1); }).join('L') + 'Z';
      }).join('');
      svg.appendChild(svgEl('path', {d: d, 'class': 'grid'}));
      var lbl = svgEl('text', {x: 6, y: 16, 'class': 'label'});
      lbl.textContent = g.name_zh;
      svg.appendChild(lbl);
    });
    drawLandmarks(svg, proj);
  }
  // Buildings (squares, with their house number) and cameras (triangles) from our own data:
  // something to recognise when placing a report by tapping, with no map tiles.
  function drawLandmarks(svg, proj) {
    (S.me.landmarks || []).forEach(function (m) {
      var q = proj.fwd(m.lon, m.lat), x = q[0], y = q[1];
      if (m.kind === 'camera') {
        svg.appendChild(svgEl('path', {d: 'M' + x.toFixed(1) + ',' + (y - 6).toFixed(1) + 'l6,10h-12z',
          'class': 'lm-camera'}));
        return;
      }
      svg.appendChild(svgEl('rect', {x: (x - 6).toFixed(1), y: (y - 6).toFixed(1), width: 12, height: 12,
        'class': 'lm-building'}));
      var no = /([0-9]+[号栋楼]?)[^0-9]*$/.exec(m.name || '');
      var tag = svgEl('text', {x: (x + 8).toFixed(1), y: (y + 4).toFixed(1), 'class': 'lm-label'});
      tag.textContent = no ? no[1] : (m.name || '');
      svg.appendChild(tag);
    });
  }
  function dot(svg, proj, where, cls, id) {
    var old = id && document.getElementById(id);
    if (old) old.parentNode.removeChild(old);
    if (!where) return;
    var q = proj.fwd(where[0], where[1]);
    svg.appendChild(svgEl('circle', {cx: q[0].toFixed(1), cy: q[1].toFixed(1), r: 9, 'class': cls, id: id}));
  }

  window.HQM = {T: T, $: $, t: t, S: S, lang: function () { return lang; },
    setLang: function (l) { lang = l; }, call: call, message: message, toast: toast, el: el,
    svgEl: svgEl, hhmm: hhmm, uuid: uuid, projection: projection, drawGrids: drawGrids, dot: dot};
}());
