"""Open311 GeoReport v2: discovery, services, definitions, POST and its errors, both formats."""
import pytest
from sqlalchemy import func, select

from data.models import Incident, Open311Request
from tests.open311_helpers import BASE, open311_world, post
from tests.open311_schemas import POST_RESPONSE, check, parse_xml
from tests.workflow_world import IN_A, OUTSIDE

FORMATS = ("json", "xml")


@pytest.fixture(scope="module")
def o311(server_settings):
    yield from open311_world(server_settings, "open311")


@pytest.fixture
def client(o311):
    return o311["app"].server.test_client()


def counts(o311):
    with o311["engine"].connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (Incident, Open311Request))


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_v2_endpoint_and_its_formats(client, fmt):
    data = check(client.get(f"{BASE}/discovery.{fmt}"), "discovery")
    endpoint = data["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_the_level_two_categories_with_groups(client, fmt):
    data = check(client.get(f"{BASE}/services.{fmt}"), "services")
    by_code = {s["service_code"]: s for s in data}
    # Level 2 only, and never the services about vulnerable residents (issue 18, item 2).
    assert len(data) == 21 and "01" not in by_code
    assert not {"0501", "0502", "0503"} & set(by_code) and "0504" in by_code
    lights = by_code["0106"]
    assert lights["service_name"] == "市政照明" and lights["group"] == "城市管理"
    assert lights["type"] == "realtime" and "48" in lights["description"]
    metadata = {code: s["metadata"] for code, s in by_code.items()}
    if fmt == "xml":
        metadata = {code: value == "true" for code, value in metadata.items()}
    assert metadata["0101"] and metadata["0202"] and not metadata["0106"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_definitions_cover_every_datatype(client, fmt):
    seen = {}
    for code in ("0101", "0102", "0202", "0402", "0403", "0505"):
        data = check(client.get(f"{BASE}/services/{code}.{fmt}"), "service_definition")
        assert data["service_code"] == code and data["attributes"]
        for attribute in data["attributes"]:
            seen[attribute["datatype"]] = attribute
    assert set(seen) == {"string", "number", "datetime", "text", "singlevaluelist",
                         "multivaluelist"}
    assert {v["key"] for v in seen["singlevaluelist"]["values"]}
    none = check(client.get(f"{BASE}/services/0106.{fmt}"), "service_definition")
    assert none["attributes"] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_services_and_paths_are_404_in_the_spec_format(client, fmt):
    for path in (f"/services/9999.{fmt}", f"/services/01.{fmt}", f"/nothing.{fmt}",
                 f"/requests/HQ-none.{fmt}", f"/tokens/nope.{fmt}"):
        data = check(client.get(BASE + path), "errors", 404)
        assert str(data[0]["code"]) == "404", path
    assert client.get(f"{BASE}/services.csv").status_code == 404
    assert client.get(f"{BASE}/services.json?jurisdiction_id=beijing").status_code == 404
    assert client.get(f"{BASE}/services.json?jurisdiction_id=120106").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_an_incident_routed_to_its_grid(o311, client, fmt):
    response = post(client, o311["key"], fmt, address_string="光荣道 12 号", description=fmt,
                    first_name="小明", last_name="李", phone="13800000000", email="li@example.cn",
                    account_id="fms-42", media_url="https://example.cn/p.jpg")
    data = check(response, "service_requests", 201, POST_RESPONSE)
    item = data[0]
    assert item["service_request_id"].startswith("HQ") and item["account_id"] == "fms-42"
    with o311["engine"].connect() as conn:
        row = conn.execute(select(Incident).where(Incident.code == item["service_request_id"])
                           ).one()
    world = o311["world"]
    assert (row.source, row.status, row.category_code) == ("app", "reported", "0106")
    assert (row.street_id, row.grid_id) == (world.ids["street"], world.ids["grid"])
    assert row.description == fmt and row.address == "光荣道 12 号"
    assert row.reporter_contact == "李 小明 13800000000" and row.reporter_id is None
    # The client's photo link stays with its request: an incident's own photo_url only
    # ever names a photo this server stored (issue 18).
    with o311["engine"].connect() as conn:
        media = conn.execute(select(Open311Request.media_url)
                             .where(Open311Request.incident_id == row.id)).scalar_one()
    assert row.photo_url is None and media == "https://example.cn/p.jpg"


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_with_attributes_checks_them(o311, client, fmt):
    ok = post(client, o311["key"], fmt, service_code="0102", description=f"垃圾 {fmt}",
              **{"attribute[waste_kinds][]": ["household", "bulky"], "attribute[extra]": "x"})
    check(ok, "service_requests", 201, POST_RESPONSE)
    with o311["engine"].connect() as conn:
        stored = conn.execute(select(Open311Request.attributes)
                              .order_by(Open311Request.incident_id.desc())).first()[0]
    assert stored == {"waste_kinds": ["bulky", "household"]}
    for bad in ({}, {"attribute[waste_kinds][]": "gold"}):
        response = post(client, o311["key"], fmt, service_code="0102", description="x", **bad)
        assert check(response, "errors", 400)[0]["description"]
    noise = post(client, o311["key"], fmt, service_code="0202", description="夜间施工",
                 **{"attribute[noise_source]": "construction",
                    "attribute[noise_started]": "yesterday"})
    check(noise, "errors", 400)
    area = post(client, o311["key"], fmt, service_code="0101", description="坑",
                **{"attribute[facility]": "road_surface", "attribute[damaged_area_m2]": "abc"})
    check(area, "errors", 400)


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_errors_leave_the_database_unchanged(o311, client, fmt):
    before = counts(o311)
    cases = [
        (403, dict(api_key=None)), (403, dict(api_key="wrong-key")),
        (403, dict(api_key=o311["revoked_key"])),
        (400, dict(service_code=None)), (400, dict(service_code="9999")),
        (400, dict(service_code="01")),
        (400, dict(where=OUTSIDE)), (400, dict(lat=None, long=None, address_string="丁字沽街道")),
        (400, dict(lat="north")), (400, dict(lat="nan")), (400, dict(lat="95", long="200")),
        (400, dict(description="长" * 4001)), (400, dict(media_url="javascript:alert(1)")),
        (400, dict(email="not-an-email")), (400, dict(description="nul\x00byte")),
    ]
    for status, fields in cases:
        key = fields.pop("api_key", o311["key"])
        where = fields.pop("where", IN_A)
        response = post(client, key, fmt, where=where, **fields)
        data = check(response, "errors", status)
        assert str(data[0]["code"]) == str(status), (fields, data)
    assert counts(o311) == before


def test_a_4000_character_description_is_accepted(o311, client):
    response = post(client, o311["key"], description="长" * 4000)
    check(response, "service_requests", 201, POST_RESPONSE)


def test_xml_documents_use_the_spec_element_names(client):
    body = client.get(f"{BASE}/services/0101.xml").get_data()
    data = parse_xml(body, "service_definition")
    assert data["attributes"][0]["values"][0] == {"key": "manhole_cover",
                                                  "name": "井盖 Manhole cover"}
    for tag in (b"<attributes>", b"<attribute>", b"<values>", b"<value>", b"<key>", b"<name>",
                b"<datatype>", b"<required>true</required>", b"<variable>true</variable>"):
        assert tag in body
    errors = client.get(f"{BASE}/services/9999.xml").get_data()
    assert b"<errors>" in errors and b"<error>" in errors and b"<code>404</code>" in errors


def test_every_open311_route_is_in_the_openapi_document(o311, client):
    spec = client.get("/api/openapi.json").get_json()
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    rules = [r for r in o311["app"].server.url_map.iter_rules()
             if r.rule.startswith("/open311/v2/") and "<path:rest>" not in r.rule
             and r.rule != "/open311/v2/"]
    assert len(rules) == 8         # with servicerequestupdates (mySociety's extension)
    for rule in rules:
        path = (rule.rule.replace("<any(json, xml):fmt>", "{format}")
                .replace("<service_code>", "{service_code}")
                .replace("<service_request_id>", "{service_request_id}")
                .replace("<token_id>", "{token}"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


def test_the_demo_key_comes_from_the_deployment_secret_not_the_demo_password(o311, client):
    from workflow.open311.requests import demo_api_key, ensure_demo_client

    settings = o311["app"].server.extensions["hq_settings"]
    with o311["engine"].begin() as conn:
        key = ensure_demo_client(conn, settings.demo_secret)
        assert ensure_demo_client(conn, settings.demo_secret) == key     # loads again
    assert key == demo_api_key(settings.demo_secret) != demo_api_key("another")
    # Whoever knows only the public demo password cannot compute it (issue 18, item 4).
    assert key != demo_api_key(settings.demo_password)
    assert post(client, demo_api_key(settings.demo_password), description="x").status_code == 403
    check(post(client, key, description="demo"), "service_requests", 201, POST_RESPONSE)


def test_concurrent_retries_file_once(o311):
    from concurrent.futures import ThreadPoolExecutor

    server = o311["app"].server
    before = counts(o311)

    def send(_):
        return post(server.test_client(), o311["key"], description="concurrent",
                    headers={"Idempotency-Key": "concurrent-0001"}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(send, range(4)))
    assert statuses == [200, 200, 200, 201]
    assert counts(o311) == (before[0] + 1, before[1] + 1)


def test_demo_accounts_prints_the_open311_key(o311):
    import json

    from click.testing import CliRunner

    from cli.world import accounts_command
    from workflow.open311.requests import demo_api_key

    settings = o311["app"].server.extensions["hq_settings"]
    key = demo_api_key(settings.demo_secret)
    text = CliRunner().invoke(accounts_command, [], obj=settings, catch_exceptions=False)
    assert f"Open311 api_key (client demo, /open311/v2/): {key}" in text.output
    as_json = CliRunner().invoke(accounts_command, ["--json"], obj=settings)
    assert json.loads(as_json.output)["open311_api_key"] == key


def test_a_body_too_large_is_refused_in_the_spec_format(o311, client):
    response = client.post(f"{BASE}/requests.json", data={"api_key": o311["key"],
                                                          "description": "x" * (13 << 20)})
    assert check(response, "errors", 413)[0]["code"] == 413
