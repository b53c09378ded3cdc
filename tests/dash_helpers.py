"""Helpers to drive Dash callbacks over HTTP and to walk layouts, without a browser."""
from __future__ import annotations

import json
import socket


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call_router(client, pathname: str, search: str = "") -> dict:
    """POST the router callback as the browser would; returns the page's component tree."""
    payload = {
        "output": "app-page.children",
        "outputs": {"id": "app-page", "property": "children"},
        "inputs": [{"id": "app-url", "property": "pathname", "value": pathname},
                   {"id": "app-url", "property": "search", "value": search}],
        "changedPropIds": ["app-url.pathname"],
    }
    response = client.post("/_dash-update-component", json=payload)
    assert response.status_code == 200, response.data[:500]
    return json.loads(response.data)["response"]["app-page"]["children"]


def walk(tree):
    """Yield every component dict of a serialised layout."""
    if isinstance(tree, list):
        for item in tree:
            yield from walk(item)
    elif isinstance(tree, dict) and "props" in tree:
        yield tree
        yield from walk(tree["props"].get("children"))


def ids_in(tree) -> set[str]:
    return {c["props"]["id"] for c in walk(tree) if isinstance(c["props"].get("id"), str)}


def texts_in(tree) -> str:
    parts = []
    for c in walk(tree):
        children = c["props"].get("children")
        if isinstance(children, (str, int, float)):
            parts.append(str(children))
    return " ".join(parts)


def start_app(dash_duo, app) -> str:
    """Serve ``app`` for Chromium without opening "/" (signed-out visitors are redirected
    to /login, which is not a Dash page, so Dash's own wait for it would time out).
    """
    dash_duo.start_server(app, navigate=False, port=free_port())
    dash_duo._url = dash_duo.server.url.rstrip("/")  # what the server_url setter stores
    return dash_duo._url


SETTLED_JS = """
const busy = document.querySelectorAll('[data-dash-is-loading="true"]').length > 0;
const maps = [...document.querySelectorAll('.js-plotly-plot')]
    .map(gd => gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot)
    .filter(Boolean).map(s => s.map);
const moving = maps.some(m => !m.loaded() || m.isMoving());
const drawing = [...document.querySelectorAll('.js-plotly-plot')].some(gd => gd._transitioning);
return !(busy || moving || drawing);
"""


def wait_settled(dash_duo, timeout: float = 30) -> None:
    """Wait until no callback is in flight, every MapLibre map is idle and plotly is not
    mid-transition, twice in a row (a patch applied one frame after the answer arrives).
    """
    from selenium.webdriver.support.ui import WebDriverWait

    calm = {"n": 0}

    def settled(driver) -> bool:
        calm["n"] = calm["n"] + 1 if driver.execute_script(SETTLED_JS) else 0
        return calm["n"] >= 2

    WebDriverWait(dash_duo.driver, timeout, poll_frequency=0.25).until(settled)
