/* The bell on desk pages (dashboard/bell.py): unread count and the latest notices from
   GET /api/v1/notifications, every 30 s and when opened; marking read posts with the
   session's CSRF token. Pages without a bell (the wall) are left alone. */
(function () {
  "use strict";
  var POLL_MS = 30000, LOOK_MS = 1000;

  function csrf() {
    var m = document.cookie.match(/(?:^|; )_csrf_token=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function call(method, path) {
    var init = {method: method, credentials: "same-origin",
                headers: {"Accept": "application/json"}};
    if (method === "POST") { init.headers["X-CSRFToken"] = csrf(); }
    return fetch(path, init).then(function (r) {
      if (r.status === 401 || r.status === 403) { return {signedOut: true}; }
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  // Beijing time, as every other time on the desk pages, whatever the browser's zone.
  var BEIJING = new Intl.DateTimeFormat("zh-CN", {timeZone: "Asia/Shanghai", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false});

  function when(iso) { return BEIJING.format(new Date(iso)); }

  function link(item, lang) {
    var suffix = lang === "en" ? "&lang=en" : "";
    if (item.whistle_id) { return "/cases?whistle=" + item.whistle_id + suffix; }
    if (item.incident_id) { return "/cases?incident=" + item.incident_id + suffix; }
    return null;
  }

  function render(bell, data) {
    var lang = bell.getAttribute("data-lang"), count = bell.querySelector(".hq-bell-count");
    var panel = bell.querySelector(".hq-bell-panel");
    if (data.signedOut) { bell.hidden = true; return; }
    bell.hidden = false;
    count.textContent = data.unread > 99 ? "99+" : String(data.unread);
    count.hidden = data.unread === 0;
    bell.setAttribute("data-count", String(data.unread));
    bell.title = data.unread + " " + bell.getAttribute("data-unread");
    panel.textContent = "";
    if (!data.items.length) {
      var empty = document.createElement("div");
      empty.className = "hq-bell-empty";
      empty.textContent = bell.getAttribute("data-empty");
      panel.appendChild(empty);
      return;
    }
    var all = document.createElement("button");
    all.type = "button";
    all.className = "hq-bell-read-all";
    all.textContent = bell.getAttribute("data-read_all");
    panel.appendChild(all);
    data.items.forEach(function (item) {
      var row = document.createElement(link(item, lang) ? "a" : "div");
      row.className = "hq-bell-item" + (item.read_at ? "" : " unread") +
        (item.urgent ? " urgent" : "");
      if (row.tagName === "A") { row.href = link(item, lang); }
      row.setAttribute("data-id", String(item.id));
      var title = document.createElement("div"), meta = document.createElement("div");
      title.className = "hq-bell-title";
      title.textContent = lang === "en" ? item.title_en : item.title;
      meta.className = "hq-bell-meta";
      meta.textContent = when(item.created_at) + "  " + item.body.split("\n")[0];
      row.appendChild(title);
      row.appendChild(meta);
      panel.appendChild(row);
    });
  }

  function refresh(bell) {
    bell.setAttribute("data-loaded", String(Date.now()));
    return call("GET", "/api/v1/notifications?limit=10").then(function (data) {
      render(bell, data);
    }).catch(function () {
      bell.title = bell.getAttribute("data-failed");
    });
  }

  function look() {
    var bells = document.querySelectorAll(".hq-bell");
    Array.prototype.forEach.call(bells, function (bell) {
      var last = Number(bell.getAttribute("data-loaded") || 0);
      if (Date.now() - last > POLL_MS) { refresh(bell); }
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target, bell = target.closest ? target.closest(".hq-bell") : null;
    if (!bell) { return; }
    var panel = bell.querySelector(".hq-bell-panel");
    if (target.closest(".hq-bell-button")) {
      panel.hidden = !panel.hidden;
      if (!panel.hidden) { refresh(bell); }
    } else if (target.closest(".hq-bell-read-all")) {
      call("POST", "/api/v1/notifications/read").then(function () { refresh(bell); });
    } else if (target.closest(".hq-bell-item")) {
      var id = target.closest(".hq-bell-item").getAttribute("data-id");
      call("POST", "/api/v1/notifications/" + id + "/read");   // the link goes on meanwhile
    }
  });
  setInterval(look, LOOK_MS);
  look();
}());
