"""Calling the wall's callbacks over HTTP with the payloads Dash's renderer sends."""
from __future__ import annotations

import gzip
import json


def callback_key(app, trigger: str) -> str:
    """The callback-map key of the callback whose first input is ``id.property``."""
    for key, spec in app.callback_map.items():
        first = spec["inputs"][0]
        if f"{first['id']}.{first['property']}" == trigger:
            return key
    raise KeyError(trigger)


def outputs_of(key: str) -> list[dict]:
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [dict(zip(("id", "property"), part.split(".", 1))) for part in parts]


def request_body(app, trigger: str, values: dict) -> dict:
    """The JSON body the renderer posts: outputs, inputs and states with their values.

    ``values`` maps "id.property" to the value in the browser; ``trigger`` (the first input,
    "id.property") is the one that changed.
    """
    key = callback_key(app, trigger)
    spec = app.callback_map[key]

    def items(deps):
        return [{"id": d["id"], "property": d["property"],
                 "value": values.get(f"{d['id']}.{d['property']}")} for d in deps]

    inputs = items(spec["inputs"])
    outputs = outputs_of(key)
    # The renderer sends a single output as an object, several as a list.
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": inputs,
            "state": items(spec["state"]),
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"]}


def call(client, app, trigger: str, values: dict):
    """POST one callback; returns (status, raw bytes, gzipped bytes, parsed response)."""
    body = request_body(app, trigger, values)
    response = client.post("/_dash-update-component", json=body,
                           headers={"Accept-Encoding": "identity"})
    raw = response.get_data()
    parsed = json.loads(raw)["response"] if response.status_code == 200 else None
    return response.status_code, len(raw), len(gzip.compress(raw, 6)), parsed


def dots_moment(as_of):
    """A moment at or before ``as_of`` when the world's wall has workers' dots to draw.

    The wall's dots are each phone's latest fix of the day; before today's first round
    (about 08:30 Beijing, each worker starting within 15 minutes of it) the world's latest
    fixes are yesterday's, which the wall shows just after yesterday's last round.
    """
    from datetime import datetime, time, timedelta

    from workflow.clock import BEIJING

    local = as_of.astimezone(BEIJING)
    if local.time() >= time(8, 46):
        return as_of
    return datetime.combine(local.date() - timedelta(days=1), time(17, 1), tzinfo=BEIJING)
