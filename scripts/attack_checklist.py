"""Issue 18's attack checklist, run against a live demo server (`make demo`, or
`HQ_PORT=8061 python app.py demo run`): each line tries one attack the issue found, prints
PASS when it is refused as promised (SECURITY.md) and FAIL with what came back otherwise.

    .venv/bin/python scripts/attack_checklist.py http://127.0.0.1:8061

Needs the demo accounts (`DEMO_PASSWORD`, default hongqiao-demo) and this checkout's secret
(the Open311 demo key and device tokens are derived from it, as `demo accounts` prints).
It writes a few incidents, a whistle and Open311 requests, as a tester on a demo would.
"""
from __future__ import annotations

import base64
import http.server
import io
import json
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from flask.sessions import SecureCookieSessionInterface

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))     # the checkout's packages

RESULTS: list[tuple[str, bool, str]] = []
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def check(name: str, ok: bool, detail: str = "") -> None:
    RESULTS.append((name, ok, detail))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else f"  <- {detail[:200]}"), flush=True)


class Desk:
    """A signed-in browser: the session cookie and its CSRF header, like Dash's renderer."""

    def __init__(self, base: str, username: str, password: str, address: str = "") -> None:
        self.base, self.s = base, requests.Session()
        if address:
            self.s.headers["X-Forwarded-For"] = address      # ignored unless ProxyFix is on
        page = self.s.get(base + "/login")
        r = self.s.post(base + "/login", data={"username": username, "password": password,
                                               "csrf_token": TOKEN.search(page.text).group(1)},
                        allow_redirects=False)
        self.status = r.status_code
        self.s.headers["X-CSRFToken"] = self.s.cookies.get("_csrf_token", "")

    def callback(self, output: str, inputs: list, state: list = ()):
        outputs = ([{"id": o.split(".")[0], "property": o.split(".")[1]}
                    for o in output[2:-2].split("...")] if output.startswith("..")
                   else {"id": output.split(".")[0], "property": output.split(".")[1]})
        body = {"output": output, "outputs": outputs,
                "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
                "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
                "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}
        return self.s.post(self.base + "/_dash-update-component", json=body)


EXPORT = "..analyst-download.data...analyst-export-note.children.."
STATE = {"street": None, "community": None, "grid": None, "range": "year", "from": None,
         "to": None, "subject": None, "category": None, "sources": [], "statuses": [],
         "department": None, "overdue": False, "metric": "count", "layers": [], "bucket": "day",
         "by": "subject", "lang": "zh"}


def export(desk: Desk, state: dict = STATE):
    return desk.callback(EXPORT, [("analyst-export-csv", "n_clicks", 1),
                                  ("analyst-export-xlsx", "n_clicks", 0)],
                         [("analyst-state", "data", state)])


def csv_rows(response) -> list[list[str]]:
    data = response.json()["response"]["analyst-download"]["data"]
    text = base64.b64decode(data["content"]).decode("utf-8-sig")
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def item1_callbacks(base, pw):
    for user in ("wall", "gw0001"):
        r = export(Desk(base, user, pw))
        check(f"1 analyst export as {user} refused", r.status_code == 403, f"{r.status_code}")
    analyst = Desk(base, "analyst1", pw)
    every = csv_rows(export(analyst))
    chief = Desk(base, "c004001", pw)
    mine = csv_rows(export(chief))
    listed = chief.s.get(base + "/api/v1/incidents?per_page=1&from=2000-01-01T00:00:00Z").json()
    communities = {row[5] for row in mine}
    check("1 community chief's export: only their community", len(communities) <= 1
          and 0 < len(mine) < len(every), f"{len(mine)} rows, {len(communities)} communities")
    check("1 ... and no more than the API lists for them", len(mine) <= listed["total"],
          f"{len(mine)} > {listed['total']}")
    r = Desk(base, "wall", pw).callback("app-page.children", [
        ("app-url", "pathname", "/analyst"), ("app-url", "search", "")])
    check("1 router refuses to draw /analyst for the wall", "analyst-root" not in r.text
          and "forbidden-root" in r.text, r.text[:100])
    rows = analyst.callback("analyst-table.getRowsResponse", [
        ("analyst-table", "getRowsRequest", {"startRow": 0, "endRow": 10**9})],
        [("analyst-state", "data", STATE)])
    n = len(rows.json()["response"]["analyst-table"]["getRowsResponse"]["rowData"])
    check("12 analyst table endRow capped", n <= 200, f"{n} rows")


def item2_open311(base, key):
    services = requests.get(base + "/open311/v2/services.json").json()
    codes = {s["service_code"] for s in services}
    check("2 services 0501-0503 not offered", not codes & {"0501", "0502", "0503"}, str(codes))
    r = requests.post(base + "/open311/v2/requests.json", data={
        "api_key": key, "service_code": "0501", "lat": 39.16, "long": 117.15,
        "description": "独居老人王奶奶"})
    check("2 filing 0501 refused", r.status_code == 400, f"{r.status_code} {r.text[:100]}")
    listed = requests.get(base + "/open311/v2/requests.json?service_code=0501,0502,0503").json()
    check("2 no vulnerable matter listed", listed == [], str(listed)[:100])


def item2_notes_and_3(base, pw, key):
    r = requests.post(base + "/open311/v2/requests.json", data={
        "api_key": key, "service_code": "0106", "lat": 39.165, "long": 117.155,
        "description": "路灯不亮（checklist）"})
    code = r.json()[0]["service_request_id"]
    operator = Desk(base, "operator1", pw)
    found = operator.s.get(base + f"/api/v1/incidents?q={code}").json()["items"][0]["id"]
    operator.s.post(base + f"/api/v1/incidents/{found}/accept",
                    json={"note": "内部：疑似重复，联系人手机 13800000000"})
    notes = requests.get(base + f"/open311/v2/requests/{code}.json").json()[0]["status_notes"]
    check("2 status_notes without the staff note", "1380" not in notes and "内部" not in notes,
          notes)
    worker = Desk(base, "gw0001", pw)
    grid = worker.s.get(base + "/api/v1/me").json()
    made = worker.s.post(base + "/api/v1/incidents", json={
        "category_code": "0102", "description": "checklist report",
        "lon": 117.15, "lat": 39.16})
    if made.status_code == 201:
        view = Desk(base, "analyst1", pw).s.get(base + f"/api/v1/incidents/{made.json()['id']}")
        name = grid.get("display_name") or grid.get("user", {}).get("display_name") or "gw0001"
        check("3 report event's actor_name hidden from the analyst",
              view.json()["reporter_name"] is None and name not in view.text, view.text[:150])
    else:
        check("3 (a grid worker could report at this spot)", True, made.text[:100])


def forge(secret: str, values: dict) -> str:
    from flask import Flask

    app = Flask("forge")
    app.secret_key = secret
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(values)


def item4_secrets(base, pw):
    s = requests.Session()
    s.cookies.set("hq_session", forge("dev-secret-change-me", {"_user_id": "1", "_fresh": True}))
    r = s.get(base + "/api/v1/me")
    check("4 cookie forged with the old constant key refused", r.status_code == 401,
          str(r.status_code))
    from data.devices import demo_token
    from workflow.open311.requests import demo_api_key

    r = requests.post(base + "/api/v1/positions", json={"fixes": [
        {"time": "2026-12-03T02:00:00Z", "lat": 39.16, "lon": 117.15}]},
        headers={"Authorization": "Bearer " + demo_token("hq00001", pw)})
    check("4 device token from the demo password refused", r.status_code == 401, str(r.status_code))
    r = requests.post(base + "/open311/v2/requests.json", data={
        "api_key": demo_api_key(pw), "service_code": "0106", "lat": 39.16, "long": 117.15})
    check("4 Open311 key from the demo password refused", r.status_code == 403, str(r.status_code))


def item5_limits(base):
    # A name of its own each run: the budget counts any username (existing or not).
    name = f"guess-{int(time.time())}"

    def attempt(n):
        return requests.post(base + "/api/v1/login", json={"username": name,
                                                           "password": f"wrong-{n}"}).status_code
    with ThreadPoolExecutor(12) as pool:
        codes = sorted(pool.map(attempt, range(12)))
    check("5 12 concurrent wrong passwords: 5 checked, 7 refused",
          codes.count(401) == 5 and codes.count(429) == 7, str(codes))
    r = requests.post(base + "/api/v1/login", json={"username": name, "password": "x"})
    check("5 429 carries Retry-After", r.status_code == 429 and int(r.headers["Retry-After"]) > 0,
          str(r.headers))


def item6_sessions(base, pw):
    desk = Desk(base, "supervisor2", pw)
    copy = requests.Session()
    copy.cookies.set("hq_session", desk.s.cookies["hq_session"])
    ok_before = copy.get(base + "/api/v1/me").status_code
    desk.s.post(base + "/logout", data={"csrf_token": desk.s.headers["X-CSRFToken"]})
    time.sleep(0.2)
    after = copy.get(base + "/api/v1/me").status_code
    check("6 copy of a signed-out session refused", ok_before == 200 and after == 401,
          f"{ok_before} -> {after}")


def item7_bearer(base, pw):
    desk = Desk(base, "operator2", pw)
    del desk.s.headers["X-CSRFToken"]
    r = desk.s.post(base + "/api/v1/incidents", json={"category_code": "0101", "lon": 117.15,
                                                      "lat": 39.16},
                    headers={"Authorization": "Bearer junk"})
    check("7 junk bearer gives no CSRF exemption", r.status_code == 403
          and r.json().get("error") == "csrf_failed", f"{r.status_code} {r.text[:80]}")
    r = desk.callback("app-page.children", [("app-url", "pathname", "/cases"),
                                            ("app-url", "search", "")])
    check("7 callback without CSRF token refused", r.status_code == 403, str(r.status_code))
    fix = f"/osmand?id=hq00002&lat=39.16&lon=117.15&timestamp={int(time.time())}"
    plain = requests.get(base + fix).status_code
    codes = [requests.get(base + fix, headers={"Authorization": f"Bearer j{n}"}).status_code
             for n in range(3)]
    # The OsmAnd id is the device; a bearer there neither authenticates nor opens a budget
    # (the budget itself: test_security_ratelimit.py::test_a_junk_bearer_opens_no_fresh_budget).
    check("7 /osmand answers a junk bearer exactly as without it", set(codes) == {plain}
          and plain != 401, f"{plain} vs {codes}")


def item8_pdf(base, pw):
    hits = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    chief = Desk(base, "s004_secretary", pw)
    open_ones = chief.s.get(base + "/api/v1/incidents?per_page=50&status=reported,accepted,"
                            "dispatched,in_progress,reopened").json()["items"]
    matter = (f'<img src="http://127.0.0.1:{server.server_address[1]}/x.png"/><b>未闭合 '
              '\x01=HYPERLINK("http://evil/")')
    now = time.time()
    when = lambda days: time.strftime("%Y-%m-%dT%H:%M:%S+00:00",      # noqa: E731
                                      time.gmtime(now + days * 86400))
    blown = None
    for incident in open_ones:
        blown = chief.s.post(base + "/api/v1/whistles", json={
            "matter": matter, "incident_ids": [incident["id"]], "department_codes": ["CGW"],
            "meeting_at": when(1), "meeting_place": "现场", "deadline": when(20)})
        if blown.status_code == 201:
            break
    check("8 (a whistle with hostile text was blown this month)",
          blown is not None and blown.status_code == 201,
          "" if blown is None else f"{blown.status_code} {blown.text[:100]}")
    leader = Desk(base, "leader1", pw)
    pdf = leader.s.get(base + "/api/v1/reports/monthly.pdf")
    xlsx = leader.s.get(base + "/api/v1/reports/monthly.xlsx")
    server.shutdown()
    check("8 monthly PDF builds with hostile whistle text", pdf.status_code == 200
          and pdf.content.startswith(b"%PDF"), str(pdf.status_code))
    check("8 ... and fetched nothing", hits == [], str(hits))
    check("9 monthly XLSX with control characters", xlsx.status_code == 200, str(xlsx.status_code))


def item9_10_inputs(base, pw):
    analyst = Desk(base, "analyst1", pw)
    worker = Desk(base, "gw0003", pw)
    worker.s.post(base + "/api/v1/incidents", json={
        "category_code": "0102", "description": "bell\x07 esc\x1b[31m ctl\x01",
        "lon": 117.15, "lat": 39.16})
    xlsx = analyst.callback(EXPORT, [("analyst-export-csv", "n_clicks", 0),
                                     ("analyst-export-xlsx", "n_clicks", 1)],
                            [("analyst-state", "data", {**STATE, "range": "today"})])
    check("9 analyst XLSX export with control characters", xlsx.status_code == 200,
          str(xlsx.status_code))
    s = requests.Session()
    s.get(base + "/m/login")
    r = s.post(base + "/m/login", data={"username": "gw0001", "password": "x",
                                        "csrf_token": "令牌"})
    check("10 /m/login non-ASCII token -> 400", r.status_code == 400, str(r.status_code))
    for month in ("0001-01", "9999-12"):
        r = analyst.s.get(base + f"/api/v1/reports/monthly.xlsx?month={month}")
        check(f"10 report month={month} -> 400 naming month", r.status_code == 400
              and r.json().get("field") == "month", f"{r.status_code} {r.text[:80]}")
    r = analyst.callback(EXPORT, [("analyst-export-csv", "n_clicks", 1),
                                  ("analyst-export-xlsx", "n_clicks", 0)],
                         [("analyst-state", "data", {**STATE, "range": "custom",
                                                     "from": "1995-01-01", "to": "9999-12-31"})])
    check("10 analyst custom range to=9999-12-31 answers", r.status_code in (200, 204),
          str(r.status_code))
    r = analyst.callback("..analyst-map.figure...analyst-summary.children...analyst-hot.children"
                         "...analyst-crumb-district.children...analyst-crumb-street.children..."
                         "analyst-crumb-community.children...analyst-crumb-grid.children..."
                         "analyst-crumb-district.className...analyst-crumb-street.className..."
                         "analyst-crumb-community.className...analyst-crumb-grid.className..",
                         [("analyst-state", "data", {**STATE, "range": "custom",
                                                     "from": "1995-01-01", "to": "2026-12-01"})])
    check("12 a 31-year custom range is cut with a note", r.status_code == 200
          and "最长 3 年" in json.dumps(r.json(), ensure_ascii=False), r.text[:120])


def item11_encoding(base, key):
    r = requests.post(base + "/open311/v2/requests.json",
                      data=f"api_key={key}&service_code=0106&lat=39.16&long=117.15&"
                           "description=%C2%B7%BB%B5".encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("11 GBK Open311 form -> 400 naming UTF-8", r.status_code == 400 and "UTF-8" in r.text,
          f"{r.status_code} {r.text[:80]}")
    r = requests.post(base + "/login", data=b"username=\xff&password=x",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    check("11 stray \\xff on /login -> 400", r.status_code == 400, str(r.status_code))


def item12_osmand(base):
    fix = {"timestamp": "2026-12-03T02:00:00Z", "coords": {"latitude": 39.16, "longitude": 117.15}}
    r = requests.post(base + "/osmand", json={"device_id": "hq00004", "location": [fix] * 1001})
    check("12 OsmAnd JSON location list over 1,000 -> 413", r.status_code == 413, str(r.status_code))


def item13_photos(base, pw):
    import struct
    import zlib

    from PIL import Image

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8000, 8000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    phone = requests.Session()
    page = phone.get(base + "/m/login")
    phone.post(base + "/m/login", data={"username": "gw0005", "password": pw,
                                        "csrf_token": TOKEN.search(page.text).group(1)})
    phone.headers["X-Mobile-CSRF"] = phone.get(base + "/m/api/me").json()["csrf"]
    r = phone.post(base + "/m/api/reports", data={"category_code": "0101", "lon": "117.15",
                                                  "lat": "39.16"},
                   files={"photo": ("p.png", bomb, "image/png")})
    check("13 64-megapixel header refused before decoding (413)", r.status_code == 413,
          f"{r.status_code} {r.text[:80]}")
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (9, 9, 9)).save(out, "JPEG", comment=b"secret-comment")
    r = phone.post(base + "/m/api/reports", data={"category_code": "0102", "lon": "117.15",
                                                  "lat": "39.16"},
                   files={"photo": ("p.jpg", out.getvalue(), "image/jpeg")})
    if r.status_code == 201:
        stored = phone.get(base + r.json()["photo_url"]).content
        check("13 JPEG comment stripped", b"secret-comment" not in stored, "comment kept")
    else:
        check("13 (a photo report at this spot)", False, r.text[:100])
    r = Desk(base, "operator3", pw).s.post(base + "/api/v1/incidents", json={
        "category_code": "0101", "lon": 117.15, "lat": 39.16, "photo_url": "javascript:alert(1)"})
    check("13 photo_url javascript: refused", r.status_code == 422, str(r.status_code))


def item15_paths(base, pw):
    desk = Desk(base, "admin1" if False else "analyst2", pw)
    for path in ("/api/v1/incidentz", "/api/v2/whatever", "/m/api/nothing"):
        r = desk.s.get(base + path)
        check(f"15 {path} -> 404 JSON", r.status_code == 404
              and r.headers["Content-Type"].startswith("application/json"), str(r.status_code))


def main(base: str) -> int:
    import os

    from data.settings import Settings

    settings = Settings.from_env()
    pw = os.environ.get("DEMO_PASSWORD", "hongqiao-demo")
    from workflow.open311.requests import demo_api_key
    key = demo_api_key(settings.demo_secret)
    for step in (lambda: item1_callbacks(base, pw), lambda: item2_open311(base, key),
                 lambda: item2_notes_and_3(base, pw, key), lambda: item4_secrets(base, pw),
                 lambda: item5_limits(base), lambda: item6_sessions(base, pw),
                 lambda: item7_bearer(base, pw), lambda: item8_pdf(base, pw),
                 lambda: item9_10_inputs(base, pw), lambda: item11_encoding(base, key),
                 lambda: item12_osmand(base), lambda: item13_photos(base, pw),
                 lambda: item15_paths(base, pw)):
        try:
            step()
        except Exception as err:  # noqa: BLE001 - a crashed step is a failed step
            check(f"step crashed: {err!r}"[:120], False, repr(err))
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050"))
