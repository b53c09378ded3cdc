"""The phone's "is it one of these?": open cases of the kind nearby, and a report attached."""
import uuid

from sqlalchemy import select

from data.models import Incident
from tests.mobile_helpers import mobile_server, mobile_world, phone_client, report_form  # noqa: F401
from tests.workflow_world import IN_A

NEAR = (IN_A[0] + 0.0002, IN_A[1])


def post(phone, **extra):
    return phone.post("/m/api/reports", data=report_form(category="0107", **extra),
                      headers={"Idempotency-Key": str(uuid.uuid4())})


def row(world, incident_id):
    with world["engine"].connect() as conn:
        return conn.execute(select(Incident.status, Incident.parent_id).where(
            Incident.id == incident_id)).one()


def test_the_phone_shows_nearby_cases_and_files_a_report_attached(mobile_server, mobile_world):
    phone = phone_client(mobile_server, "worker_a")
    first = post(phone).get_json()
    shown = phone.get(f"/m/api/duplicates?category_code=0107&lon={NEAR[0]}&lat={NEAR[1]}")
    assert shown.status_code == 200
    items = shown.get_json()["items"]
    assert items[0]["id"] == first["id"] and items[0]["distance_m"] < 50
    assert "reporter_contact" not in items[0]
    assert phone.get("/m/api/duplicates?category_code=0107&lon=x&lat=1").get_json() == {
        "items": []}
    second = post(phone, attach_to=str(first["id"]))
    assert second.status_code == 201
    assert row(mobile_world, second.get_json()["id"]) == ("closed", first["id"])
    # A case that is not one of its duplicates: the report is still filed, on its own.
    other = phone.post("/m/api/reports", data=report_form(category="0101"),
                       headers={"Idempotency-Key": str(uuid.uuid4())}).get_json()
    alone = post(phone, attach_to=str(other["id"]))
    assert alone.status_code == 201
    assert row(mobile_world, alone.get_json()["id"]) == ("reported", None)
    bad = post(phone, attach_to="twelve")
    assert bad.status_code == 400 and bad.get_json()["field"] == "attach_to"
