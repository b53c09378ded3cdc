"""The load benchmark's clients: phones on a 10 s schedule, wall screens and analysts polling."""
from __future__ import annotations

import heapq
import http.client
import random
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests

# One metre east at Hongqiao's latitude: phones walk back and forth along 200 m at 1 m/s.
METRE_LON = 1.0 / (111_320.0 * 0.7771)
WALL_EVERY_S = {"pos": 5.0, "map": 30.0, "panels": 30.0, "head": 60.0}
LATE_S = 1.0


def osmand_path(device: tuple, t: int) -> str:
    """The fix of ``device`` at epoch second ``t``: its position is a function of time alone,
    so any two fixes are at most 1 m/s apart (the speed check passes across restarts).
    """
    device_id, lon, lat = device[:3]
    x = lon + abs((t % 400) - 200) * METRE_LON
    return (f"/osmand?id={device_id}&timestamp={t}&lat={lat:.7f}&lon={x:.7f}"
            "&speed=1.9&accuracy=6&batt=80")


def new_result() -> dict:
    # sent: the epoch second each latency sample's request went out (same order).
    return {"latency": {}, "sent": {}, "status": Counter(), "late": 0, "reconnects": 0,
            "accepted": []}


def merge(results: list[dict]) -> dict:
    total = new_result()
    for r in results:
        for kind, values in r["latency"].items():
            total["latency"].setdefault(kind, []).extend(values)
            total["sent"].setdefault(kind, []).extend(r["sent"][kind])
        total["status"].update(r["status"])
        total["late"] += r["late"]
        total["reconnects"] += r["reconnects"]
        total["accepted"].extend(r["accepted"])
    return total


def _phone_thread(port: int, devices: list, start_at: float, end_at: float,
                  interval: float) -> dict:
    """Send each device's fix when it is due (device k at phase k/n of the interval)."""
    out, conn = new_result(), http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    lat = out["latency"].setdefault("osmand", [])
    sent_at = out["sent"].setdefault("osmand", [])
    heap = [(start_at + phase, i) for i, (*_, phase) in enumerate(devices)]
    heapq.heapify(heap)
    while heap and heap[0][0] < end_at:
        due, i = heapq.heappop(heap)
        time.sleep(max(0.0, due - time.time()))
        sent = time.time()
        out["late"] += sent - due > LATE_S
        t = int(sent)
        try:
            conn.request("GET", osmand_path(devices[i], t))
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as err:
            conn.close()
            status = type(err).__name__
        lat.append((time.time() - sent) * 1000.0)
        sent_at.append(sent)
        out["status"][("osmand", status)] += 1
        if status == 200:
            out["accepted"].append((devices[i][0], t))
        heapq.heappush(heap, (max(due + interval, sent + 1.0), i))
    conn.close()
    return out


def run_phones(port: int, devices: list, start_at: float, seconds: float, interval: float,
               threads: int) -> dict:
    """One client process: ``threads`` threads sharing ``devices`` (id, lon, lat, phase)."""
    slices = [devices[k::threads] for k in range(threads) if devices[k::threads]]
    with ThreadPoolExecutor(len(slices)) as pool:
        return merge(list(pool.map(lambda s: _phone_thread(port, s, start_at, start_at + seconds,
                                                           interval), slices)))


def dash_body(deps: list, output_part: str, values: dict) -> dict:
    """The body Dash's renderer posts for the callback whose output includes ``output_part``
    (values: "id.property" -> value; the first input is the one that changed).
    """
    spec = next(d for d in deps
                if output_part in d["output"] and not d.get("clientside_function"))
    key = spec["output"]

    def items(deps_):
        return [{"id": d["id"], "property": d["property"],
                 "value": values.get(f"{d['id']}.{d['property']}")} for d in deps_]

    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    outputs = [dict(zip(("id", "property"), p.split(".", 1))) for p in parts]
    first = spec["inputs"][0]
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": items(spec["inputs"]), "state": items(spec["state"]),
            "changedPropIds": [f"{first['id']}.{first['property']}"]}


def _timed(out: dict, kind: str, call) -> requests.Response | None:
    start = time.time()
    try:
        try:
            response = call()
        except requests.ConnectionError:
            # The server closed an idle keep-alive connection as it was reused (gunicorn's
            # --keep-alive 5 against a 5 s tick): browsers send such a request again.
            out["reconnects"] += 1
            response = call()
        status = response.status_code
    except requests.RequestException as err:
        response, status = None, type(err).__name__
    out["latency"].setdefault(kind, []).append((time.time() - start) * 1000.0)
    out["sent"].setdefault(kind, []).append(start)
    out["status"][(kind, status)] += 1
    return response


def _wall(base: str, auth: dict, deps: list, start_at: float, end_at: float, seed: int,
          opened: bool) -> dict:
    """One wall screen: each channel on its interval, the polygons once (unless ``opened``
    already), the banner watched.
    """
    out, session, rng = new_result(), requests.Session(), random.Random(seed)
    session.cookies.update(auth["cookies"])
    session.headers.update(auth["headers"])
    state = {"app-url.search": "", "wall-map-ready.data": opened, "wall-last-ok.data": None,
             "wall-focus.data": {"street": None}}
    # Screens opened together tick within their first ten seconds; screens that have been
    # running (a later step of the ramp) are spread over each channel's whole interval.
    due = {c: start_at + rng.uniform(0, every if opened else min(every, 10.0))
           for c, every in WALL_EVERY_S.items()}
    n = Counter()
    while True:
        channel = min(due, key=due.get)
        if due[channel] >= end_at:
            break
        time.sleep(max(0.0, due[channel] - time.time()))
        n[channel] += 1
        trigger = f"wall-go-{channel}.data"
        body = _wall_body(deps, channel, {**state, trigger: n[channel]})
        # The first map tick carries the polygons (once per screen): its own kind.
        first = channel == "map" and not state["wall-map-ready.data"]
        response = _timed(out, "wall_first_map" if first else f"wall_{channel}",
                          lambda body=body: session.post(f"{base}/_dash-update-component",
                                                         json=body, timeout=60))
        if response is not None and response.status_code == 200:
            got = response.json().get("response", {})
            if "wall-banner" in got and got["wall-banner"]["className"] != "wall-banner hidden":
                out["status"][(f"wall_{channel}", "banner")] += 1
            state["wall-last-ok.data"] = got.get("wall-last-ok", {}).get("data",
                                                                         state["wall-last-ok.data"])
            if channel == "map":
                state["wall-map-ready.data"] = got.get("wall-map-ready", {}).get(
                    "data", state["wall-map-ready.data"])
        due[channel] = max(due[channel] + WALL_EVERY_S[channel], time.time())
    session.close()
    return out


def _wall_body(deps: list, channel: str, values: dict) -> dict:
    trigger = f"wall-go-{channel}"
    spec = next(d for d in deps if d["inputs"] and d["inputs"][0]["id"] == trigger)
    return dash_body([spec], spec["output"], values)


def _analyst(base: str, auth: dict, deps: list, start_at: float, end_at: float, seed: int,
             think_s: float) -> dict:
    """One analyst: the cases list callback and the workflow API's lists, with think time."""
    out, session, rng = new_result(), requests.Session(), random.Random(seed)
    session.cookies.update(auth["cookies"])
    session.headers.update(auth["headers"])
    kinds = ("cases_list", "api_incidents", "api_whistles")
    time.sleep(max(0.0, start_at + rng.uniform(0, think_s) - time.time()))
    n = 0
    while time.time() < end_at:
        kind, n = rng.choice(kinds), n + 1
        if kind == "cases_list":
            body = dash_body(deps, "cases-list-box.children", {
                "cases-kind.value": "incidents", "cases-status.value": [],
                "cases-refresh.data": n, "app-url.search": ""})
            call = lambda body=body: session.post(  # noqa: E731
                f"{base}/_dash-update-component", json=body, timeout=60)
        elif kind == "api_incidents":
            call = lambda n=n: session.get(f"{base}/api/v1/incidents?per_page=50&page="  # noqa: E731
                                           f"{1 + n % 5}", timeout=60)
        else:
            call = lambda: session.get(f"{base}/api/v1/whistles", timeout=60)  # noqa: E731
        _timed(out, kind, call)
        time.sleep(max(0.0, min(rng.expovariate(1 / think_s), 4 * think_s)))
    session.close()
    return out


def run_viewers(base: str, walls: list[dict], analysts: list[dict], deps: list,
                start_at: float, seconds: float, think_s: float, opened: bool = False) -> dict:
    """One process of viewers: a thread per wall screen and per analyst (auth per viewer).

    ``opened``: the screens are already showing the map (a later step of the ramp), so
    they do not fetch the polygons again.
    """
    end_at = start_at + seconds
    jobs = [(_wall, (base, a, deps, start_at, end_at, k, opened)) for k, a in enumerate(walls)]
    jobs += [(_analyst, (base, a, deps, start_at, end_at, 1000 + k, think_s))
             for k, a in enumerate(analysts)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        return merge(list(pool.map(lambda job: job[0](*job[1]), jobs)))
