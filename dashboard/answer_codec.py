"""Wall answers as JSON for Redis: plain values, frames, figures, components, patches.

Never pickle: a value read from the network is data, not code. Every type is tagged and
rebuilt from a fixed list (components only from Dash's own html/dcc modules); a value of
any other type raises Unshareable and stays in the process that computed it.
"""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from dash import Patch, dcc, html
from dash.development.base_component import Component

TAG = "__hq"
COMPONENT_MODULES = {"dash_html_components": html, "dash_core_components": dcc}


class Unshareable(TypeError):
    """A value this codec does not carry (the answer is kept per process instead)."""


def dumps(value) -> str:
    return json.dumps(encode(value), separators=(",", ":"))


def loads(text: str | bytes):
    return decode(json.loads(text))


def encode(value):
    """A JSON-able tree standing for ``value`` (Unshareable for unknown types)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and TAG not in value:
            return {k: encode(v) for k, v in value.items()}
        return {TAG: "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {TAG: "array", "v": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, pd.DataFrame):
        return {TAG: "frame", "v": _frame(value), "dtypes": [str(d) for d in value.dtypes]}
    if isinstance(value, go.Figure):
        return {TAG: "figure", "v": pio.to_json(value, validate=False, engine="json")}
    if isinstance(value, Component):
        body = value.to_plotly_json()
        if body["namespace"] not in COMPONENT_MODULES:
            raise Unshareable(f"component from {body['namespace']}")
        return {TAG: "component", "ns": body["namespace"], "type": body["type"],
                "props": {k: encode(v) for k, v in body["props"].items()}}
    if isinstance(value, Patch):
        return {TAG: "patch", "v": encode(value.to_plotly_json()["operations"])}
    raise Unshareable(type(value).__name__)


def _frame(df: pd.DataFrame) -> str:
    """A frame as pandas' table JSON, only if it comes back equal (dtypes and all)."""
    try:
        text = df.to_json(orient="table", date_format="iso")
        same = _read_frame(text, [str(d) for d in df.dtypes]).equals(df)
    except (ValueError, TypeError) as err:
        raise Unshareable(f"frame: {err}") from err
    if not same:
        raise Unshareable("frame that does not survive JSON")
    return text


def _read_frame(text: str, dtypes: list[str]) -> pd.DataFrame:
    # Table JSON keeps dtypes but not a datetime's unit (us comes back ns): set them back.
    back = pd.read_json(io.StringIO(text), orient="table")
    return back.astype(dict(zip(back.columns, dtypes))) if len(back.columns) else back


def _key(key):
    # A list cannot be a key: the tuple it was encoded from comes back as one.
    return tuple(key) if isinstance(key, list) else key


def decode(tree):
    """The value ``encode`` stood for."""
    if isinstance(tree, list):
        return [decode(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    kind = tree.get(TAG)
    if kind is None:
        return {k: decode(v) for k, v in tree.items()}
    if kind == "dict":
        return {_key(decode(k)): decode(v) for k, v in tree["v"]}
    if kind == "tuple":
        return tuple(decode(v) for v in tree["v"])
    if kind == "datetime":
        return datetime.fromisoformat(tree["v"])
    if kind == "date":
        return date.fromisoformat(tree["v"])
    if kind == "array":
        return np.asarray(tree["v"], dtype=np.dtype(tree["dtype"]))
    if kind == "frame":
        return _read_frame(tree["v"], tree["dtypes"])
    if kind == "figure":
        return pio.from_json(tree["v"], skip_invalid=True)
    if kind == "component":
        cls = getattr(COMPONENT_MODULES[tree["ns"]], tree["type"])
        if not (isinstance(cls, type) and issubclass(cls, Component)):
            raise ValueError(f"not a component: {tree['type']}")
        return cls(**{k: decode(v) for k, v in tree["props"].items()})
    if kind == "patch":
        patch = Patch()
        # Patch has no public constructor from operations: they are its whole state.
        patch._operations = decode(tree["v"])
        return patch
    raise ValueError(f"unknown tag {kind!r}")
