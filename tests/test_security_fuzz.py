"""Property-based fuzzing (hypothesis) of every operation in /api/openapi.json, of every other
API route in url_map, of every Dash callback in app.callback_map, and of the forms (/login,
/m/login, the phone's report, Open311): no 500, no stack trace, JSON errors, no failure
inside a callback, and nothing written when a request is refused. SQL injection strings go
into every query parameter.
"""
import io
import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.openapi.spec import spec
from tests.auth_helpers import TOKEN_FIELD
from tests.security_world import DEVICE_ID, DEVICE_TOKEN, build_security_world, drop_security_world

SQLI = ["' or 1=1--", "1; drop table incidents", "1' union select username, password_hash "
        "from users--", "'; update incidents set status='closed';--", "%' or '1'='1",
        "1)) or sleep(5)--", "\\'; select pg_sleep(5);--", "$$; drop table users; $$", "\x00",
        "../../etc/passwd", "${jndi:ldap://x}", "<script>alert(1)</script>"]
TRACE_MARKS = ("Traceback", 'File "/', "sqlalchemy.exc", "psycopg2.", "werkzeug.exceptions")
OPERATIONS = sorted((path, method) for path, ops in spec()["paths"].items() for method in ops)
EXAMPLES = 20

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=60),
                    st.sampled_from(SQLI))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)),
    max_leaves=20)
texts = st.one_of(st.sampled_from(SQLI), st.text(max_size=40),
                  st.integers(-2**70, 2**70).map(str), st.sampled_from(["", "2026-11-26",
                                                                      "2026-11-26T00:00:00Z"]))
ids = st.one_of(st.integers(0, 6), st.integers(-2**70, 2**70), st.sampled_from(SQLI),
                st.text(min_size=1, max_size=20))


@pytest.fixture(scope="module")
def sw(server_settings):
    world = build_security_world(server_settings, "sec_fuzz")
    yield world
    drop_security_world(server_settings, world)


@pytest.fixture(scope="module")
def admin(sw):
    return sw.client("admin")


def check(sw, response, before, what):
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (what, response.status_code, text[:300])
    assert not any(mark in text for mark in TRACE_MARKS), (what, text[:300])
    if response.status_code >= 400:
        if what[1].startswith("/open311/"):
            # GeoReport v2's own error format, [{code, description}] as JSON or XML, or
            # ours when the input guard answered first.
            assert "description" in text or '"error"' in text, (what, text[:200])
        elif response.status_code != 405 and not what[1].startswith(("/login", "/m/login")):
            # (the sign-in forms answer with their page, the error on it)
            assert response.is_json, (what, response.status_code, text[:200])
            assert "error" in response.get_json(), what
        assert sw.counts() == before, (what, response.status_code)


def body_for(op, data):
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return {}
    kind = data.draw(st.sampled_from(sorted(content)))
    schema = content[kind].get("schema", {})
    props = schema.get("properties") or {}
    if "$ref" in schema:
        props = spec()["components"]["schemas"][schema["$ref"].split("/")[-1]].get(
            "properties", {})
    shaped = st.fixed_dictionaries({}, optional={name: json_values for name in props})
    value = data.draw(st.one_of(shaped, json_values))
    if kind == "application/x-www-form-urlencoded":
        flat = value if isinstance(value, dict) else {"x": value}
        return {"data": urlencode({k: str(v) for k, v in flat.items()}), "content_type": kind}
    raw = data.draw(st.one_of(st.just(json.dumps(value)), st.binary(max_size=80)))
    return {"data": raw, "content_type": "application/json"}


@pytest.mark.parametrize("path,method", OPERATIONS)
def test_operation_survives_fuzzing(sw, admin, path, method):
    op = spec()["paths"][path][method]
    device = {"Authorization": f"Bearer {DEVICE_TOKEN}"} if path == "/api/v1/positions" else {}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        url, query, headers = path, {}, dict(device)
        for param in op.get("parameters", []):
            if "name" not in param:
                continue
            name, where = param["name"], param["in"]
            if where == "path":
                enum = param.get("schema", {}).get("enum")
                value = data.draw(st.sampled_from(enum) if enum else ids)
                url = url.replace("{" + name + "}", quote(str(value), safe=""))
            elif where == "query" and data.draw(st.booleans()):
                query[name] = data.draw(texts)
            elif where == "header" and data.draw(st.booleans()):
                headers[name] = data.draw(st.text(alphabet=st.characters(
                    min_codepoint=32, max_codepoint=126), max_size=90))
        if query:
            url += "?" + urlencode(query)
        before = sw.counts()
        response = admin.open(url, method=method.upper(), headers=headers, **body_for(op, data))
        check(sw, response, before, (method, url))

    run()


@pytest.mark.parametrize("path", ["/api/v1/incidents", "/api/v1/whistles"])
@pytest.mark.parametrize("attack", SQLI)
def test_sql_injection_in_every_list_filter(sw, admin, path, attack):
    params = [p["name"] for p in spec()["paths"][path]["get"]["parameters"]]
    before = sw.counts()
    for name in params:
        response = admin.get(f"{path}?{urlencode({name: attack})}")
        check(sw, response, before, ("get", name))
        if response.status_code == 200:
            # A filter that was read as text matches nothing; one that was ignored lists
            # no more than the unfiltered list.
            total = admin.get(path).get_json()["total"]
            assert response.get_json()["total"] <= total, (name, attack)
    assert sw.counts() == before


def test_sql_injection_in_the_text_search_finds_nothing(sw, admin):
    for attack in SQLI:
        response = admin.get("/api/v1/incidents?" + urlencode({"q": attack}))
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.get_json()["total"] == 0, attack


def test_every_other_api_route_survives_fuzzing(sw, admin):
    """Routes not in the OpenAPI description (the phone page's API, reports, ...)."""
    documented = {p.split("{")[0] for p, _ in OPERATIONS}
    rules = [r for r in sw.app.server.url_map.iter_rules()
             if r.rule.startswith(("/api/", "/m/api/")) and not r.arguments
             and r.rule not in documented]

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(rule=st.sampled_from(rules), query=st.dictionaries(st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10), texts, max_size=3),
        body=json_values)
    def run(rule, query, body):
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        url = rule.rule + ("?" + urlencode(query) if query else "")
        before = sw.counts()
        response = admin.open(url, method=method, json=body)
        check(sw, response, before, (method, url))

    if rules:
        run()


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(form=st.dictionaries(st.sampled_from(["username", "password", "csrf_token", "next"]),
                            texts, max_size=4), keep_token=st.booleans())
def test_the_sign_in_form_survives_fuzzing(sw, form, keep_token):
    client = sw.client()
    page = client.get("/login")
    if keep_token:
        form["csrf_token"] = TOKEN_FIELD.search(page.get_data(as_text=True)).group(1)
    before = sw.counts()
    response = client.post("/login?" + urlencode({"next": form.get("next", "")}), data=form,
                           environ_base={"REMOTE_ADDR": "10.9.9.9"})
    check(sw, response, before, ("post", "/login"))
    assert response.status_code in (400, 401, 429)
    location = response.headers.get("Location", "")
    assert not location.startswith(("//", "http"))


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(params=st.dictionaries(st.sampled_from(["id", "deviceid", "timestamp", "lat", "lon",
                                               "location", "speed", "bearing", "altitude",
                                               "accuracy", "hdop", "batt", "valid"]),
                              texts, max_size=8), as_body=st.booleans(), known=st.booleans())
def test_osmand_survives_fuzzing(sw, params, as_body, known):
    if known:
        params["id"] = DEVICE_ID
    client = sw.client()
    before = sw.counts()
    if as_body:
        response = client.post("/osmand", data=urlencode(params),
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.get("/osmand?" + urlencode(params))
    check(sw, response, before, ("osmand", str(params)[:100]))


def test_nul_characters_are_refused_at_the_door(sw, admin):
    before = sw.counts()
    body = {"category_code": "0101", "lon": 117.105, "lat": 39.155, "description": "a\u0000b"}
    for response in (admin.post("/api/v1/incidents", json=body),
                     admin.get("/api/v1/incidents?category=%00"),
                     admin.post("/login", data={"username": "a\x00", "password": "x"})):
        assert response.status_code == 400
        assert response.get_json()["error"] == "invalid_characters"
    assert sw.counts() == before
    # "%00" is only a NUL in a URL-encoded form; in JSON text it is three characters.
    fine = admin.post("/api/v1/incidents", json={**body, "description": "湿度 100%00"})
    assert fine.status_code == 201


# ---- Dash callbacks and forms (issue 18): any value a forger can send ----

callback_values = st.one_of(json_values, st.dictionaries(
    st.sampled_from(["startRow", "endRow", "sortModel", "points", "rowId", "colId", "street",
                     "range", "from", "to", "lang", "layers", "customdata", "curveNumber"]),
    json_values, max_size=6))


@pytest.mark.parametrize("username", ["admin", "community_a"])
def test_every_callback_survives_fuzzing(sw, username):
    """Every server callback with random values in every input and state: never a 5xx,
    never a stack trace, and never a failure inside a callback (dashboard.callback_failed
    counts them): each callback checks what it is sent.
    """
    from tests.callback_helpers import body_for, registry

    client = sw.client(username)
    specs = {k: s for k, s in registry(sw.app).items() if s.server_side}
    keys = sorted(specs)

    @settings(max_examples=EXAMPLES * 6, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        key = data.draw(st.sampled_from(keys))
        spec = specs[key]
        values = {f"{i}.{p}": data.draw(callback_values) for i, p in spec.inputs + spec.state}
        body = body_for(key, spec, values)
        errors = sw.app.server.extensions.get("hq_callback_errors", 0)
        before = sw.counts()
        response = client.post("/_dash-update-component", json=body)
        text = response.get_data(as_text=True)
        assert response.status_code < 500, (key[:60], values, text[:300])
        assert not any(mark in text for mark in TRACE_MARKS), (key[:60], text[:300])
        assert sw.app.server.extensions.get("hq_callback_errors", 0) == errors, (key[:80], values)
        assert sw.counts() == before or key.startswith("..cases-message")

    run()


form_texts = st.one_of(texts, st.binary(max_size=40).map(lambda b: b.decode("latin-1")))


@settings(max_examples=EXAMPLES * 2, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(form=st.dictionaries(st.sampled_from(["username", "password", "csrf_token"]),
                            form_texts, max_size=3), raw=st.binary(max_size=60))
def test_the_phone_sign_in_survives_fuzzing(sw, form, raw):
    client = sw.client()
    client.get("/m/login")
    before = sw.counts()
    for response in (client.post("/m/login", data=form),
                     client.post("/m/login", data=raw,
                                 content_type="application/x-www-form-urlencoded")):
        check(sw, response, before, ("post", "/m/login"))
        assert response.status_code in (400, 401, 403, 429)


@settings(max_examples=EXAMPLES * 2, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(form=st.dictionaries(st.sampled_from(
    ["category_code", "description", "lon", "lat", "crs", "reported_at", "fixed", "note"]),
    form_texts, max_size=6), photo=st.one_of(st.none(), st.binary(max_size=200)))
def test_the_phone_forms_survive_fuzzing(sw, form, photo):
    from tests.mobile_helpers import phone_client

    phone = phone_client(sw.app.server, "worker_a")
    data = dict(form)
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "p.jpg", "image/jpeg")
    before = sw.counts()
    response = phone.post("/m/api/reports", data=data, content_type="multipart/form-data")
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (form, text[:300])
    assert not any(mark in text for mark in TRACE_MARKS)
    if response.status_code >= 400:
        assert response.is_json and sw.counts() == before


@settings(max_examples=EXAMPLES * 2, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(form=st.dictionaries(st.sampled_from(
    ["service_code", "lat", "long", "address_string", "description", "media_url", "email",
     "first_name", "attribute[facility]", "jurisdiction_id"]), form_texts, max_size=7),
    raw=st.binary(max_size=60), fmt=st.sampled_from(["json", "xml"]))
def test_the_open311_form_survives_fuzzing(sw, form, raw, fmt):
    from tests.open311_helpers import BASE

    client = sw.client()
    before = sw.counts()
    for response in (client.post(f"{BASE}/requests.{fmt}", data={"api_key": "x", **form}),
                     client.post(f"{BASE}/requests.{fmt}", data=raw,
                                 content_type="application/x-www-form-urlencoded")):
        check(sw, response, before, ("post", f"{BASE}/requests.{fmt}"))
