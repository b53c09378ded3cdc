"""HTTP side of the simulator: OsmAnd requests and incident reports over keep-alive sessions.

A phone sends as Traccar Client does: the oldest buffered fix, and the next only once the
server answered 200; any other answer, or none, and it tries the same fix again later.
"""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from datetime import UTC, datetime

import requests

TIMEOUT_S = 10.0
# Traccar Client waits this long after a failed send before trying the same fix again.
RETRY_S = 30.0
# A phone draining a long buffer sends this many fixes per tick at most, so that one phone
# back from a week away does not hold a sending thread for minutes (a real one would).
MAX_SENDS_PER_TICK = 60
INCIDENTS_PATH = "/api/v1/incidents"
DESCRIPTIONS = (
    "巡查发现：{cat}问题，已拍照上报。",
    "居民反映{cat}情况，现场核实属实。",
    "网格巡查中发现{cat}隐患，请相关部门处置。",
)


def _error_code(response) -> str:
    try:
        return str(response.json().get("error", response.status_code))
    except ValueError:
        return str(response.status_code)


class Sender:
    """Sends the simulator's requests from a thread pool, one keep-alive session per thread.

    Parameters
    ----------
    base_url : str
        The server, e.g. ``http://127.0.0.1:8050``.
    threads : int
        Concurrent connections.
    osmand_path : str
        ``/osmand`` on the main port, ``/`` on a separate OsmAnd port.
    retry_s : float
        Seconds a phone waits before sending a refused or unanswered fix again.
    """

    def __init__(self, base_url: str, threads: int = 32, osmand_path: str = "/osmand",
                 retry_s: float = RETRY_S):
        self.base, self.retry_s = base_url.rstrip("/"), retry_s
        self.osmand_url = self.base + "/" + osmand_path.lstrip("/")
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="hq-sim")
        self.local = threading.local()
        self.counts: Counter = Counter()
        self.lock = threading.Lock()

    def _session(self) -> requests.Session:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def count(self, key: str, n: int = 1) -> None:
        with self.lock:
            self.counts[key] += n

    def _send_phone(self, phone, now: float) -> None:
        """Send the phone's buffer oldest first; stop at the first failure and retry later."""
        for _ in range(MAX_SENDS_PER_TICK):
            if not phone.queue:
                return
            try:
                response = self._session().get(self.osmand_url, params=phone.queue[0],
                                               timeout=TIMEOUT_S)
            except requests.RequestException:
                status = "no_answer"
            else:
                status = response.status_code
                if status == 200:
                    phone.queue.popleft()
                    self.count("fixes_ok")
                    continue
                if 400 <= status < 500:
                    status = _error_code(response)
            # Kept in the buffer: the same fix goes again after the retry delay.
            self.count(f"retries_{status}")
            phone.retry_at = now + self.retry_s
            return

    def send_fixes(self, due: list, now: float) -> None:
        """Send every due phone's buffered fixes and wait for all of them.

        Waiting is the back-pressure: a slow server slows the ticks down instead of piling
        requests up in the pool.
        """
        wait([self.pool.submit(self._send_phone, phone, now) for phone in due])

    def report_incident(self, payload: dict, token: str) -> bool:
        """POST one incident to the incident API; failures are counted, never raised."""
        body = {k: v for k, v in payload.items() if k != "idempotency_key"}
        headers = {"Authorization": f"Bearer {token}",
                   "Idempotency-Key": payload["idempotency_key"]}
        try:
            response = self._session().post(self.base + INCIDENTS_PATH, json=body,
                                            headers=headers, timeout=TIMEOUT_S)
            ok = response.status_code in (200, 201, 202)
        except requests.RequestException:
            ok = False
        self.count("incidents_ok" if ok else "incidents_failed")
        return ok

    def report_incidents(self, reports: list[tuple[dict, str]]) -> None:
        """Queue incident reports without waiting for them."""
        for payload, token in reports:
            self.pool.submit(self.report_incident, payload, token)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


def incident_payload(phone, lon: float, lat: float, category: tuple[str, str], rng) -> dict:
    """What a grid worker's phone sends when reporting what they found on patrol."""
    text = DESCRIPTIONS[int(rng.integers(len(DESCRIPTIONS)))].format(cat=category[1])
    return {
        "category_code": category[0], "description": text, "source": "patrol",
        "lon": round(lon, 7), "lat": round(lat, 7), "crs": "wgs84",
        "reported_at": datetime.now(UTC).isoformat(),
        "idempotency_key": f"sim-{phone.device_id}-{uuid.UUID(bytes=rng.bytes(16)).hex[:16]}",
    }
