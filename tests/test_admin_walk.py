"""Issue 26, a real start (docs/operating.md "A new district"): from an empty, migrated
database, without the demo world, to a working day: a bootstrap admin, grids, the shipped
departments and categories, the roster, cameras, an enrolled phone, first sign-ins that
force a password change, a fix from the phone, a report dispatched with its deadline.
"""
import re
from datetime import timedelta

from click.testing import CliRunner
from sqlalchemy import create_engine, text

from app import build_app
from cli.devices import devices_cli
from cli.importers import import_command
from cli.org import org_cli
from cli.users import users_cli
from tests.auth_helpers import TOKEN_FIELD
from tests.clock import SESSION_NOW
from tests.conftest import create_test_database, drop_test_database
from tests.import_helpers import centre, grid_code, grid_layer, write_csv
from tests.mobile_helpers import LOGIN_TOKEN

TEMP = re.compile(r"temporary password for (\S+): (\S+)")


def cli(settings, command, *args) -> str:
    result = CliRunner().invoke(command, [str(a) for a in args], obj=settings,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def desk_first_sign_in(client, username: str, temporary: str, chosen: str) -> None:
    token = TOKEN_FIELD.search(client.get("/login").get_data(as_text=True)).group(1)
    forced = client.post("/login", data={"username": username, "password": temporary,
                                         "csrf_token": token})
    assert forced.status_code == 403 and 'id="new_password"' in forced.get_data(as_text=True)
    done = client.post("/login", data={"username": username, "password": temporary,
                                       "new_password": chosen, "confirm_password": chosen,
                                       "csrf_token": token})
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    client.environ_base["HTTP_X_CSRFTOKEN"] = client.get_cookie("_csrf_token").value


def test_a_new_district_sets_itself_up_and_works_a_day(server_settings, tmp_path):
    url = create_test_database(server_settings, "walk")        # migrated, empty
    settings = server_settings.with_overrides(database_url=url, database_from_env=True,
                                              background_jobs=False)
    engine = create_engine(url)
    try:
        assert count(engine, "select count(*) from users") == 0
        # 1. The first administrator, from the shell.
        out = cli(settings, users_cli, "add", "city_admin", "--role", "admin", "--name", "管理员")
        admin_temp = TEMP.search(out).group(2)
        # 2. The district's own grids.
        grids = tmp_path / "grids.geojson"
        grid_layer().to_file(grids, driver="GeoJSON", engine="pyogrio")
        cli(settings, import_command, "grids", grids, "--commit")
        assert count(engine, "select count(*) from grids") == 8
        # 3. Departments and categories: the shipped defaults, then one deadline changed.
        cli(settings, org_cli, "defaults", "--commit")
        cli(settings, org_cli, "category", "0101", "--deadline-hours", "36")
        assert count(engine, "select count(*) from departments") == 54
        cli(settings, org_cli, "department", "CGW-SZ", "--name-zh", "市政所", "--name-en",
            "Municipal Works")
        cli(settings, org_cli, "department", "CGW-SZ", "--merge-into", "CGW-DL")
        assert count(engine, "select count(*) from departments where active") == 54
        # 4. The roster: a dry run, then --commit; passwords shown once.
        roster = write_csv(tmp_path / "roster.csv", [
            {"username": "op1", "name": "值班员", "role": "operator", "street": "", "grids": "",
             "department": "", "phone": "022-2345-6789"},
            {"username": "chief1", "name": "街道主任", "role": "street_chief",
             "street": "120106001", "grids": "", "department": "", "phone": ""},
            {"username": "road1", "name": "道路科", "role": "dept_officer", "street": "",
             "grids": "", "department": "CGW-DL", "phone": ""},
            {"username": "gw1", "name": "网格员一", "role": "grid_worker", "street": "",
             "grids": grid_code(1, 1, 1), "department": "", "phone": "13912345678"}])
        assert "dry run" in cli(settings, users_cli, "import", roster)
        out = cli(settings, users_cli, "import", roster, "--commit")
        passwords = dict(re.findall(r"^(\w+)\t(\S+)$", out, re.M))
        assert set(passwords) == {"op1", "chief1", "road1", "gw1"}
        # 5. Cameras.
        lon, lat = centre(grid_code(1, 1, 2))
        cameras = write_csv(tmp_path / "cameras.csv", [
            {"code": "CAM-1", "name": "路口", "kind": "street", "owner": "GA",
             "lon": f"{lon:.7f}", "lat": f"{lat:.7f}"}])
        cli(settings, import_command, "cameras", cameras, "--commit")
        # 6. The worker's phone.
        out = cli(settings, devices_cli, "enrol", "gw1")
        identifier = re.search(r"device identifier / 设备标识: (\S+)", out).group(1)
        # 7. Signing in: every first sign-in chooses its own password.
        server = build_app(settings).server
        admin = server.test_client()
        desk_first_sign_in(admin, "city_admin", admin_temp, "admin-own-password-1")
        assert admin.get("/api/v1/admin/users").status_code == 200
        phone = server.test_client()
        token = LOGIN_TOKEN.search(phone.get("/m/login").get_data(as_text=True)).group(1)
        forced = phone.post("/m/login", data={"username": "gw1", "password": passwords["gw1"],
                                              "csrf_token": token})
        token = LOGIN_TOKEN.search(forced.get_data(as_text=True)).group(1)
        assert phone.post("/m/login", data={
            "username": "gw1", "password": passwords["gw1"], "new_password": "worker-own-pass-1",
            "confirm_password": "worker-own-pass-1", "csrf_token": token}).status_code == 302
        # 8. A working day: the phone's fix, a report, its dispatch with the new deadline.
        fix_lon, fix_lat = centre(grid_code(1, 1, 1))
        sent = server.test_client().get(
            f"/osmand?id={identifier}&lat={fix_lat:.7f}&lon={fix_lon:.7f}"
            f"&timestamp={int(SESSION_NOW.timestamp())}&accuracy=8")
        assert sent.status_code == 200
        assert count(engine, "select count(*) from positions") == 1
        worker = server.test_client()
        assert worker.post("/api/v1/login", json={"username": "gw1",
                                                  "password": "worker-own-pass-1"}).status_code == 200
        worker.environ_base["HTTP_X_CSRFTOKEN"] = worker.get_cookie("_csrf_token").value
        reported = worker.post("/api/v1/incidents", json={
            "category_code": "0101", "lon": fix_lon, "lat": fix_lat, "description": "井盖破损"})
        assert reported.status_code == 201, reported.get_json()
        incident = reported.get_json()["id"]
        operator = server.test_client()
        desk_first_sign_in(operator, "op1", passwords["op1"], "operator-own-pass-1")
        assert operator.post(f"/api/v1/incidents/{incident}/accept", json={}).status_code == 200
        dispatched = operator.post(f"/api/v1/incidents/{incident}/dispatch", json={
            "handled_by": "department", "department_code": "CGW-DL"})
        assert dispatched.status_code == 200, dispatched.get_json()
        with engine.connect() as conn:
            row = conn.execute(text("select dispatched_at, deadline from incidents where id = :i"),
                               {"i": incident}).one()
        assert row.deadline - row.dispatched_at == timedelta(hours=36)
        officer = server.test_client()
        desk_first_sign_in(officer, "road1", passwords["road1"], "road-own-password-1")
        listed = officer.get("/api/v1/incidents").get_json()
        assert [i["id"] for i in listed["items"]] == [incident]
        # Every administrative step is in the audit log.
        actions = {r["action"] for r in admin.get("/api/v1/admin/audit").get_json()["items"]}
        assert {"user.create", "user.import", "reference.load", "category.edit",
                "department.create", "department.merge"} <= actions
        assert count(engine, "select count(*) from users where must_change_password") == 1
    finally:
        engine.dispose()
        drop_test_database(server_settings, url)
