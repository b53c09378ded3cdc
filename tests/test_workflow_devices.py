"""Phones' identity: enrolment with random identifiers, set-up links, revoke, replace, list, scope,
production refusing guessable identifiers, and the demo world's own random devices.
"""
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from api.server import create_server
from tests import factories as f
from tests.conftest import WORLD_SEED
from tests.ingest_helpers import LAT, LON, ingest_db, now_s, phone, stored  # noqa: F401
from workflow.devices.enrolment import devices_for, enrol, register, revoke, setup_links
from workflow.devices.identifiers import is_strong, new_identifier, seeded_identifiers
from workflow.errors import WorkflowError
from workflow.roles import Actor


def cli(ingest_db, *args):
    from cli import cli as app_cli

    runner = CliRunner(env={"DATABASE_URL": ingest_db[0].database_url})
    result = runner.invoke(app_cli, ["devices", *args])
    return result


def identifier_in(output: str) -> str:
    return re.search(r"device identifier / 设备标识: (\S+)", output).group(1)


def fix(client, identifier, t):
    return client.get(f"/osmand?id={identifier}&timestamp={t}&lat={LAT}&lon={LON}")


@pytest.fixture
def worker(ingest_db):
    _, db, ids = ingest_db
    name = f"w{uuid.uuid4().hex[:8]}"
    with db.begin() as conn:
        uid = f.user(conn, name, "grid_worker")
        conn.execute(text("insert into worker_grids (user_id, grid_id, is_primary) "
                          "values (:u, :g, true)"), {"u": uid, "g": ids["grid"]})
    return name, uid


def test_identifiers_are_128_random_bits_and_guessable_ones_are_weak():
    ids = {new_identifier() for _ in range(200)}
    assert len(ids) == 200 and all(len(i) == 22 and is_strong(i) for i in ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", i) for i in ids)
    for weak in ("hq00042", "m-17", "bench-0001", "12345678", "phone-0000000000000000000001",
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"):
        assert not is_strong(weak), weak
    again = seeded_identifiers(np.random.default_rng(7), 3)
    assert again == seeded_identifiers(np.random.default_rng(7), 3) and len(set(again)) == 3


def test_the_setup_link_is_what_traccar_client_reads():
    links = setup_links("http://10.0.0.5:5055", "AbC")
    qr = urlsplit(links["qr"])
    # Scanned: the URL without its query becomes the server, the query its settings.
    assert f"{qr.scheme}://{qr.netloc}{qr.path}" == "http://10.0.0.5:5055"
    assert parse_qs(qr.query) == {"id": ["AbC"], "interval": ["10"], "distance": ["0"],
                                  "angle": ["0"], "accuracy": ["highest"], "buffer": ["true"]}
    link = urlsplit(links["link"])
    assert link.scheme == "org.traccar.client" and link.netloc != "action"
    assert parse_qs(link.query)["url"] == ["http://10.0.0.5:5055"]
    assert parse_qs(link.query)["id"] == ["AbC"]


def test_enrol_from_the_shell_gives_a_phone_that_streams(ingest_db, worker, tmp_path):
    settings, db, _ = ingest_db
    name, uid = worker
    qr = tmp_path / "phone.png"
    result = cli(ingest_db, "enrol", name, "--label", "华为 Mate", "--qr", str(qr),
                 "--server-url", "http://10.0.0.5:5055")
    assert result.exit_code == 0, result.output
    identifier = identifier_in(result.output)
    assert is_strong(identifier) and "http://10.0.0.5:5055?id=" not in result.output
    assert qr.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    client = create_server(settings, db).test_client()
    assert fix(client, identifier, now_s() - 20).status_code == 200
    listed = cli(ingest_db, "list", "--user", name)
    assert identifier in listed.output and "1 device(s)" in listed.output


def test_revoke_and_replace_stop_the_old_identifier(ingest_db, worker):
    settings, db, _ = ingest_db
    name, uid = worker
    old = identifier_in(cli(ingest_db, "enrol", name).output)
    replaced = cli(ingest_db, "replace", old)
    assert replaced.exit_code == 0, replaced.output
    new = identifier_in(replaced.output)
    client = create_server(settings, db).test_client()      # a process that has not cached it
    refused = fix(client, old, now_s() - 30)
    assert refused.status_code == 400 and refused.get_json()["error"] == "unknown_device"
    assert fix(client, new, now_s() - 20).status_code == 200
    with db.connect() as conn:
        rows = conn.execute(text("select device_id, active, revoked_at, replaced_by, id "
                                 "from devices where user_id = :u order by id"), {"u": uid}).all()
    assert [(r.device_id, r.active) for r in rows] == [(old, False), (new, True)]
    assert rows[0].replaced_by == rows[1].id and rows[0].revoked_at is not None
    gone = cli(ingest_db, "revoke", new)
    assert gone.exit_code == 0 and "revoked" in gone.output
    assert cli(ingest_db, "revoke", new).exit_code != 0                  # already revoked
    assert fix(create_server(settings, db).test_client(), new, now_s() - 10).status_code == 400
    assert "0 device(s)" in cli(ingest_db, "list", "--user", name).output
    assert "2 device(s)" in cli(ingest_db, "list", "--user", name, "--all").output


def test_enrolling_and_listing_follow_the_roles(ingest_db, worker, now):
    _, db, ids = ingest_db
    name, uid = worker
    operator = Actor(1, "operator", street_id=ids["street"])
    elsewhere = Actor(2, "operator", street_id=ids["street"] + 1000)
    chief = Actor(3, "street_chief", "director", street_id=ids["street"])
    other_chief = Actor(4, "street_chief", "director", street_id=ids["street"] + 1000)
    with db.connect() as conn:
        with conn.begin():
            made = enrol(conn, operator, name, now)
            assert is_strong(made["device_id"])
            for refused in (elsewhere, chief):
                with pytest.raises(WorkflowError) as err:
                    enrol(conn, refused, name, now)
                assert err.value.status == 403
            assert made["id"] in {r["id"] for r in devices_for(conn, chief)}
            assert made["id"] not in {r["id"] for r in devices_for(conn, other_chief)}
            with pytest.raises(WorkflowError):
                devices_for(conn, Actor(5, "dept_officer", department_id=1))
            with pytest.raises(WorkflowError) as err:
                revoke(conn, other_chief, made["device_id"], now)
            assert err.value.status == 403
            conn.rollback()


def test_production_refuses_guessable_identifiers(ingest_db, phone):
    settings, db, _ = ingest_db
    production = settings.with_overrides(production=True, secret_key="s" * 40,
                                         demo_password="not-the-demo-one")
    client = create_server(production, db).test_client()
    weak = fix(client, phone["id"], now_s() - 30)              # registered, but "dev" + hex
    unknown = fix(client, new_identifier(), now_s() - 30)     # never registered
    assert weak.status_code == unknown.status_code == 400
    assert weak.get_json() == unknown.get_json() | {"message": weak.get_json()["message"]}
    assert stored(ingest_db, phone) == []
    with db.connect() as conn:
        with pytest.raises(WorkflowError) as err:
            register(conn, phone["user"], "hq00042", production=True)
        assert err.value.code == "weak_identifier"
        conn.rollback()


def test_the_demo_worlds_devices_are_random_and_the_same_for_the_same_seed(world_conn):
    ids = [r[0] for r in world_conn.execute(text("select device_id from devices order by id"))]
    assert ids and all(is_strong(i) for i in ids)
    assert ids == seeded_identifiers(np.random.default_rng([WORLD_SEED, 8]), len(ids))
