"""Issue 26, people: `users add|list|deactivate|reactivate|reset-password|edit|unlock`, the
roster import naming every bad row, the temporary password every sign-in door forces to
change, and production refusing demo passwords and the demo world.
"""
import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select, text

from app import build_app
from cli.users import users_cli
from cli.world import load_command
from data.models import AdminAudit, User, WorkerGridHistory
from tests.auth_helpers import TOKEN_FIELD, login_client
from tests.clock import SESSION_NOW
from tests.mobile_helpers import LOGIN_TOKEN
from tests.security_world import build_security_world, drop_security_world
from tests.workflow_world import PASSWORD

TEMP = re.compile(r"temporary password for (\S+): (\S+)")


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "admin_people")
    yield world
    drop_security_world(server_settings, world)


def run(sw, *args, settings=None):
    assert args[0] == "users"
    result = CliRunner().invoke(users_cli, list(args[1:]), obj=settings or sw.settings,
                                catch_exceptions=False)
    return result.exit_code, result.output


def count(sw, model) -> int:
    with sw.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def user_row(sw, username: str):
    with sw.engine.connect() as conn:
        return conn.execute(select(User).where(User.username == username)).first()


def add(sw, username: str, *extra) -> str:
    code, out = run(sw, "users", "add", username, *extra)
    assert code == 0, out
    return TEMP.search(out).group(2)


# ---- the command line ----

def test_users_add_prints_a_temporary_password_once_and_stores_only_its_hash(sw):
    audit_before = count(sw, AdminAudit)
    password = add(sw, "admin2", "--role", "admin", "--name", "系统管理员")
    row = user_row(sw, "admin2")
    assert row.role == "admin" and row.must_change_password and row.active
    assert password not in row.password_hash and len(password) == 12
    with sw.engine.connect() as conn:
        entry = conn.execute(select(AdminAudit).order_by(AdminAudit.id.desc())).first()
    assert count(sw, AdminAudit) == audit_before + 1
    assert entry.action == "user.create" and entry.before is None
    assert entry.after["username"] == "admin2" and entry.actor_name.startswith("cli:")
    assert password not in str(entry.after)
    code, out = run(sw, "users", "list", "--role", "admin")
    assert code == 0 and "admin2" in out and "must-change-password" in out


@pytest.mark.parametrize("args,field", [
    (["chief_x", "--role", "street_chief"], "street_code"),               # missing scope
    (["ana_x", "--role", "analyst", "--street", "120106001"], "street_code"),   # wrong kind
    (["off_y", "--role", "dept_officer", "--department", "GA", "--grids", "120106001001001"],
     "grid_codes"),
    (["off_x", "--role", "dept_officer", "--department", "NOPE"], "department_code"),
    (["wk_x", "--role", "grid_worker", "--grids", "120106999001001"], "grid_codes"),
    (["ph_x", "--role", "operator", "--phone", "12345"], "phone"),
    (["admin", "--role", "admin"], "username"),                            # taken
    (["Bad Name!", "--role", "admin"], "username"),
    (["x", "--role", "boss"], "username"),
])
def test_users_add_refuses_bad_input_naming_the_field_and_writes_nothing(sw, args, field):
    users, audit = count(sw, User), count(sw, AdminAudit)
    result = CliRunner().invoke(users_cli, ["add", *args], obj=sw.settings)
    assert result.exit_code != 0 and f"[{field}]" in result.output, result.output
    assert count(sw, User) == users and count(sw, AdminAudit) == audit


def test_deactivate_ends_sessions_and_reactivate_lets_back_in(sw):
    client = sw.client("analyst")
    assert client.get("/api/v1/me").status_code == 200
    assert run(sw, "users", "deactivate", "analyst")[0] == 0
    sw.app.server.extensions["hq_accounts"].forget_all()
    sw.app.server.extensions["hq_web_sessions"].forget_all()
    assert client.get("/api/v1/me").status_code == 401
    refused = sw.client().post("/api/v1/login", json={"username": "analyst", "password": PASSWORD})
    assert refused.status_code == 401
    assert run(sw, "users", "reactivate", "analyst")[0] == 0
    login_client(sw.client(), "analyst", PASSWORD)
    with sw.engine.connect() as conn:
        actions = conn.execute(select(AdminAudit.action).where(
            AdminAudit.subject_key == "analyst").order_by(AdminAudit.id)).scalars().all()
    assert actions[-2:] == ["user.deactivate", "user.reactivate"]


def test_a_worker_moved_to_another_grid_keeps_the_history(sw):
    with sw.engine.begin() as conn:      # as migration 0014 fills it for existing workers
        conn.execute(insert(WorkerGridHistory).values(
            user_id=sw.world.users["worker_a"], grid_id=sw.world.ids["grid"],
            valid_from=SESSION_NOW - timedelta(days=30)))
    add(sw, "worker_a2", "--role", "grid_worker", "--name", "接替者", "--grids", "120106001001001")
    # worker_a is no longer the only one in grid A, so may move to grid B.
    code, out = run(sw, "users", "edit", "worker_a", "--grids", "120106002001001")
    assert code == 0, out
    with sw.engine.connect() as conn:
        rows = conn.execute(select(WorkerGridHistory).where(
            WorkerGridHistory.user_id == sw.world.users["worker_a"])
            .order_by(WorkerGridHistory.id)).all()
    assert [r.grid_id for r in rows] == [sw.world.ids["grid"], sw.world.ids["grid_b"]]
    assert rows[0].valid_to is not None and rows[1].valid_to is None
    assert rows[0].valid_to == rows[1].valid_from
    # Who covered grid A before the move, and after: the history answers both.
    from data.people_store import grid_worker_at

    moved_at = rows[0].valid_to
    with sw.engine.connect() as conn:
        before = grid_worker_at(conn, sw.world.ids["grid"], moved_at - timedelta(seconds=1))
        after = grid_worker_at(conn, sw.world.ids["grid"], moved_at)
        in_b = grid_worker_at(conn, sw.world.ids["grid_b"], moved_at)
        # Work reported in grid A before the move stays in grid A.
        kept = conn.execute(text("select count(*) from incidents where grid_id = :g"),
                            {"g": sw.world.ids["grid"]}).scalar_one()
    assert sw.world.users["worker_a"] in before and sw.world.users["worker_a"] not in after
    assert sw.world.users["worker_a"] in in_b and kept >= 1
    row = user_row(sw, "worker_a")
    assert row.street_id == sw.world.ids["street_b"] and row.community_id == sw.world.ids["community_b"]
    # The new grid's last worker cannot leave it empty.
    code, out = run(sw, "users", "edit", "worker_a2", "--grids", "120106002001001")
    assert code != 0 and "grid_empty [grid_codes]" in out


def test_unlock_from_the_shell_needs_shared_counters(sw):
    result = CliRunner().invoke(users_cli, ["unlock", "leader"], obj=sw.settings)
    assert result.exit_code != 0 and "/admin" in result.output and "memory://" in result.output


def test_a_new_role_drops_the_old_kind_of_scope(sw):
    add(sw, "changer", "--role", "community_chief", "--community", "120106001001")
    code, out = run(sw, "users", "edit", "changer", "--role", "dept_officer",
                    "--department", "GA")
    assert code == 0, out
    row = user_row(sw, "changer")
    assert row.department_id == sw.world.departments["GA"]
    assert row.community_id is None and row.street_id is None and row.title == "officer"
    code, out = run(sw, "users", "edit", "changer", "--name", "改名")     # the rest is kept
    assert code == 0 and user_row(sw, "changer").department_id == sw.world.departments["GA"]


# ---- the roster ----

ROSTER_HEADER = "username,name,role,street,community,department,grids,phone\n"


def test_the_roster_import_names_every_bad_row_and_writes_nothing(sw, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER_HEADER + "\n".join([
        "new_ok,好人,operator,,,,,13812345678",
        "dup_file,甲,analyst,,,,,",
        "dup_file,乙,analyst,,,,,",                                  # row 4: repeats row 3
        "chief_a,丙,analyst,,,,,",                                   # row 5: taken in the db
        "nowhere,丁,street_chief,120106777,,,,",                     # row 6: unknown street
        "wrongkind,戊,dept_officer,120106001,,,,",                   # row 7: street for an officer
        "badphone,己,operator,,,,,555",                              # row 8: phone
        "nogrid,庚,grid_worker,,,,120106004001999,",                 # row 9: unknown grid
    ]) + "\n", encoding="utf-8")
    users = count(sw, User)
    code, out = run(sw, "users", "import", str(path), "--commit")
    assert code == 1, out
    for row, kind in ((4, "duplicate username"), (5, "duplicate username"),
                      (6, "unknown code"), (7, "wrong kind of scope"), (7, "missing required"),
                      (8, "bad phone number"), (9, "unknown code")):
        assert re.search(rf"roster.csv 第{row}行 row {row} .*{kind}", out), (row, kind, out)
    assert "row 2 " not in out and "nothing written" in out
    assert count(sw, User) == users


def test_a_clean_roster_xlsx_is_a_dry_run_then_commits_with_passwords(sw, tmp_path):
    import pandas as pd

    path = tmp_path / "roster.xlsx"
    pd.DataFrame([
        {"用户名": "r_worker", "姓名": "网格员甲", "角色": "网格员", "网格": "120106002001001",
         "电话": "+86 139 1234 5678"},
        {"用户名": "r_chief", "姓名": "街道乙", "角色": "street_chief", "街道": "120106002"},
    ]).to_excel(path, index=False)
    users = count(sw, User)
    code, out = run(sw, "users", "import", str(path))
    assert code == 0 and "dry run" in out and count(sw, User) == users
    code, out = run(sw, "users", "import", str(path), "--commit")
    assert code == 0, out
    assert count(sw, User) == users + 2
    passwords = dict(re.findall(r"^(r_\w+)\t(\S+)$", out, re.M))
    assert set(passwords) == {"r_worker", "r_chief"}
    assert user_row(sw, "r_worker").phone_masked == "139****5678"
    # The temporary password opens nothing until it is changed.
    first = sw.client().post("/api/v1/login", json={"username": "r_chief",
                                                    "password": passwords["r_chief"]})
    assert first.status_code == 403 and first.get_json()["field"] == "new_password"


def test_a_gb18030_roster_from_excel_reads_with_its_encoding(sw, tmp_path):
    path = tmp_path / "roster_gbk.csv"
    path.write_bytes("用户名,姓名,角色\ngbk_user,国标用户,分析员\n".encode("gb18030"))
    code, out = run(sw, "users", "import", str(path), "--encoding", "gb18030")
    assert code == 0 and "analyst 1" in out, out
    result = CliRunner().invoke(users_cli, ["import", str(path)], obj=sw.settings)
    assert result.exit_code != 0 and "utf-8-sig" in result.output


# ---- the forced change, at every door ----

def test_the_desk_login_forces_a_temporary_password_to_be_changed(sw):
    password = add(sw, "desk_new", "--role", "operator")
    client = sw.client()
    token = TOKEN_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    first = client.post("/login", data={"username": "desk_new", "password": password,
                                        "csrf_token": token})
    page = first.get_data(as_text=True)
    assert first.status_code == 403 and 'id="new_password"' in page and "首次登录" in page
    assert client.get("/api/v1/me").status_code == 401           # no session yet
    short = client.post("/login", data={"username": "desk_new", "password": password,
                                        "new_password": "short", "confirm_password": "short",
                                        "csrf_token": token})
    assert short.status_code == 422 and user_row(sw, "desk_new").must_change_password
    done = client.post("/login", data={"username": "desk_new", "password": password,
                                       "new_password": "my-own-password-1",
                                       "confirm_password": "my-own-password-1",
                                       "csrf_token": token})
    assert done.status_code == 302
    assert not user_row(sw, "desk_new").must_change_password
    login_client(sw.client(), "desk_new", "my-own-password-1")


def test_the_api_login_forces_the_change(sw):
    password = add(sw, "api_new", "--role", "analyst")
    client = sw.client()
    first = client.post("/api/v1/login", json={"username": "api_new", "password": password})
    body = first.get_json()
    assert first.status_code == 403 and body["error"] == "password_change_required"
    assert body["field"] == "new_password"
    done = client.post("/api/v1/login", json={"username": "api_new", "password": password,
                                              "new_password": "api-own-password-1"})
    assert done.status_code == 200 and done.get_json()["user"]["username"] == "api_new"
    again = sw.client().post("/api/v1/login", json={"username": "api_new",
                                                    "password": "api-own-password-1"})
    assert again.status_code == 200


def test_the_phone_login_forces_the_change_after_a_reset(sw):
    code, out = run(sw, "users", "reset-password", "worker_b")
    assert code == 0
    temporary = TEMP.search(out).group(2)
    client = sw.app.server.test_client()
    assert client.post("/api/v1/login", json={"username": "worker_b", "password": PASSWORD}
                       ).status_code == 401                      # the old one is gone
    token = LOGIN_TOKEN.search(client.get("/m/login").get_data(as_text=True)).group(1)
    first = client.post("/m/login", data={"username": "worker_b", "password": temporary,
                                          "csrf_token": token})
    assert first.status_code == 403 and 'id="new_password"' in first.get_data(as_text=True)
    token = LOGIN_TOKEN.search(first.get_data(as_text=True)).group(1)
    done = client.post("/m/login", data={"username": "worker_b", "password": temporary,
                                         "new_password": PASSWORD + "-x",
                                         "confirm_password": PASSWORD + "-x",
                                         "csrf_token": token})
    assert done.status_code == 302 and client.get("/m/api/me").status_code == 200


# ---- production ----

def test_production_refuses_demo_passwords_at_sign_in(sw, server_settings):
    with sw.engine.begin() as conn:
        from werkzeug.security import generate_password_hash

        conn.execute(text("update users set password_hash = :h "
                          "where username in ('leader2', 'worker_a')"),
                     {"h": generate_password_hash("hongqiao-demo")})
    prod = sw.settings.with_overrides(production=True, demo_password="changed-demo-password",
                                      secret_key="p" * 32)
    server = build_app(prod).server
    client = server.test_client()
    refused = client.post("/api/v1/login", json={"username": "leader2",
                                                 "password": "hongqiao-demo"},
                          base_url="https://localhost")
    assert refused.status_code == 403 and refused.get_json()["error"] == "demo_password_refused"
    assert refused.get_json()["field"] == "password"
    token = TOKEN_FIELD.search(client.get("/login", base_url="https://localhost")
                               .get_data(as_text=True)).group(1)
    desk = client.post("/login", data={"username": "leader2", "password": "hongqiao-demo",
                                       "csrf_token": token}, base_url="https://localhost",
                       headers={"Referer": "https://localhost/login"})
    assert desk.status_code == 403 and "重置密码" in desk.get_data(as_text=True)
    page = client.get("/m/login", base_url="https://localhost").get_data(as_text=True)
    phone = client.post("/m/login", data={"username": "worker_a", "password": "hongqiao-demo",
                                          "csrf_token": LOGIN_TOKEN.search(page).group(1)},
                        base_url="https://localhost")
    assert phone.status_code == 403 and "重置密码" in phone.get_data(as_text=True)
    fine = client.post("/api/v1/login", json={"username": "leader", "password": PASSWORD},
                       base_url="https://localhost")
    assert fine.status_code == 200
    # Outside production the same account still signs in (the demo).
    dev = sw.client().post("/api/v1/login", json={"username": "leader2",
                                                  "password": "hongqiao-demo"})
    assert dev.status_code == 200


def test_production_refuses_to_load_the_demo_world(sw):
    prod = sw.settings.with_overrides(production=True, demo_password="changed-demo-password",
                                      secret_key="p" * 32)
    result = CliRunner().invoke(load_command, ["--scale", "0.01"], obj=prod)
    assert result.exit_code != 0 and "production" in result.output
    from etl.demo import ensure_world
    from etl.world.load import ProductionRefused

    with pytest.raises(ProductionRefused):
        ensure_world(prod)
