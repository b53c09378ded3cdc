"""The Open311 tests' world: the workflow world, an app on it, api keys, a poster."""
from __future__ import annotations

from sqlalchemy import create_engine

from cli.open311 import add_client
from data import open311_store
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.workflow_world import IN_A, build_world

BASE = "/open311/v2"


def open311_world(server_settings, label: str):
    """A generator for a module fixture: database, world, two keys (one revoked), app."""
    from app import build_app

    url = create_test_database(server_settings, label)
    engine = create_engine(url)
    with engine.begin() as conn:
        world = build_world(conn)
        key = add_client(conn, "fixmystreet")
        other = add_client(conn, "seeclickfix")
        revoked = add_client(conn, "retired-app")
        open311_store.revoke_client(conn, "retired-app", SESSION_NOW)
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    yield {"app": build_app(settings), "world": world, "engine": engine, "key": key,
           "other_key": other, "revoked_key": revoked}
    engine.dispose()
    drop_test_database(server_settings, url)


def post(client, key, fmt="json", where=IN_A, headers=None, **fields):
    """POST requests.{fmt} form-encoded, as the spec has it."""
    form = {"api_key": key, "service_code": "0106", "lat": str(where[1]),
            "long": str(where[0]), "description": "路灯不亮", **fields}
    form = {k: v for k, v in form.items() if v is not None}
    return client.post(f"{BASE}/requests.{fmt}", data=form, headers=headers or {})
