"""Every Dash callback belongs to a page: the server checks that page's roles on each call.

The page is read from the prefix of the callback's output ids (``analyst-`` → /analyst,
ids.py declares them so), or from EXPLICIT for a callback whose ids do not say. Building
the app fails when a callback has no page, or outputs on two pages, so a callback added
later cannot escape the check. api/auth reads the registry from the server's extensions
(``hq_callback_pages``) and refuses a callback POST from a role the page is not for.
"""
from __future__ import annotations

from dataclasses import dataclass

from dash._utils import split_callback_id

from workflow.pages import SHELL

PREFIXES = {"app-": SHELL, "wall-": "/wall", "city-": "/wall/city", "analyst-": "/analyst",
            "leaders-": "/leaders", "cases-": "/cases", "devices-": "/devices", "admin-": "/admin",
            "patrol-": "/patrol"}
# Callback output keys (as in app.callback_map) whose page cannot be read from their ids.
EXPLICIT: dict[str, str] = {}
EXTENSION = "hq_callback_pages"


class UnassignedCallback(RuntimeError):
    """A callback whose outputs name no page, or more than one."""


@dataclass(frozen=True)
class CallbackSpec:
    """What the server needs to check a call: the page, and the request's expected shape."""

    page: str
    server_side: bool
    inputs: tuple[tuple[str, str], ...]
    state: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]


def _outputs(key: str) -> list[dict]:
    parts = split_callback_id(key)
    return parts if isinstance(parts, list) else [parts]


def page_of(key: str) -> str:
    """The page a callback (its callback_map key) belongs to; UnassignedCallback if none."""
    if key in EXPLICIT:
        return EXPLICIT[key]
    pages = set()
    for output in _outputs(key):
        ident = output["id"]
        page = next((p for prefix, p in PREFIXES.items()
                     if isinstance(ident, str) and ident.startswith(prefix)), None)
        if page is None:
            raise UnassignedCallback(f"callback {key[:80]!r}: output id {ident!r} names no page "
                                     "(give it a page prefix or list it in EXPLICIT)")
        pages.add(page)
    if len(pages) != 1:
        raise UnassignedCallback(f"callback {key[:80]!r} writes to several pages: {sorted(pages)}")
    return pages.pop()


def _pairs(items) -> tuple[tuple[str, str], ...]:
    return tuple((str(i["id"]), str(i["property"])) for i in items)


def callback_registry(callback_map: dict) -> dict[str, CallbackSpec]:
    """Every callback of ``callback_map`` (Dash's registry) with its page and shape."""
    return {key: CallbackSpec(
        page=page_of(key), server_side=callable(spec.get("callback")),
        inputs=_pairs(spec.get("inputs", [])), state=_pairs(spec.get("state", [])),
        outputs=tuple((str(o["id"]), str(o["property"]).split("@")[0]) for o in _outputs(key)))
        for key, spec in callback_map.items()}
