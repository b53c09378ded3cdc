"""Dash callbacks as a forger would call them: a request built from the app's own registry."""
from __future__ import annotations

import base64
import io
import json

from dashboard.callback_pages import EXTENSION


def registry(app) -> dict:
    """The server's callback registry (dashboard/callback_pages.py), key -> CallbackSpec."""
    return app.server.extensions[EXTENSION]


def body_for(key: str, spec, values: dict | None = None, changed: str | None = None) -> dict:
    """The POST body the renderer would send for callback ``key``: every input and state
    with the value in ``values`` (by "id.property"), else None.
    """
    values = values or {}

    def items(pairs):
        return [{"id": i, "property": p, "value": values.get(f"{i}.{p}")} for i, p in pairs]

    outputs = [{"id": i, "property": p} for i, p in spec.outputs]
    first = f"{spec.inputs[0][0]}.{spec.inputs[0][1]}" if spec.inputs else None
    return {"output": key, "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": items(spec.inputs), "state": items(spec.state),
            "changedPropIds": [changed or first] if (changed or first) else []}


def call(client, app, key: str, values: dict | None = None, changed: str | None = None):
    """POST one callback; returns the response."""
    spec = registry(app)[key]
    return client.post("/_dash-update-component", json=body_for(key, spec, values, changed))


def key_of(app, output: str) -> str:
    """The registry key of the callback writing ``output`` ("id.property") first."""
    for key, spec in registry(app).items():
        if f"{spec.outputs[0][0]}.{spec.outputs[0][1]}" == output:
            return key
    raise KeyError(output)


def download_text(response) -> str:
    """The CSV a dcc.Download answer carries."""
    payload = json.loads(response.data)["response"]["analyst-download"]["data"]
    raw = base64.b64decode(payload["content"]) if payload.get("base64") else \
        payload["content"].encode()
    return io.BytesIO(raw).read().decode("utf-8-sig")
