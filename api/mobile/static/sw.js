/* 红桥采集通 service worker: the page opens without a signal (shell, assets, last /m/api/me). */
'use strict';
var CACHE = 'hq-m-{{v}}';
var SHELL = ['/m', '/m/api/me', '/m/static/app.css?v={{v}}', '/m/static/app.js?v={{v}}'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request, key) {
  return fetch(request).then(function (response) {
    if (response.ok && response.type === 'basic') {
      var copy = response.clone();
      caches.open(CACHE).then(function (c) { c.put(key || request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(key || request).then(function (hit) { return hit || Response.error(); });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname === '/m' || url.pathname === '/m/') {
    event.respondWith(networkFirst(request, '/m'));
  } else if (url.pathname.indexOf('/m/static/') === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  } else if (url.pathname === '/m/api/me') {
    event.respondWith(networkFirst(request));
  }
});
