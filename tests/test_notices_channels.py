"""Notices reach real receivers: WeCom and DingTalk robots and an SMS gateway over HTTP, mail
over SMTP; a receiver down for a while gets everything when it is back, once.
"""
import email
import socket
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from data import notices_store
from data.models import Notice
from tests.notice_receivers import HttpReceiver, MailReceiver
from tests.test_workflow_whistles import blown
from tests.workflow_world import NOW, build_world, make_incident
from workflow.clock import BEIJING
from workflow.errors import WorkflowError
from workflow.incidents.service import transition_incident
from workflow.notices.delivery import backoff, deliver_due, quiet_until
from workflow.notices.routes import add_route
from workflow.notices.senders import ChannelSettings

SECRET = "SEC0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def world(conn):
    return build_world(conn)


@pytest.fixture
def http():
    receiver = HttpReceiver(SECRET).start()
    yield receiver
    receiver.stop()


@pytest.fixture
def mail():
    receiver = MailReceiver(free_port()).start()
    yield receiver
    receiver.stop()


def routes_everywhere(conn, http, mail_port=None):
    add_route(conn, "wecom", http.url("/wecom?key=abc"), department_code="CGW-DL")
    add_route(conn, "dingtalk", http.url("/dingtalk?access_token=t"), department_code="CGW-YL",
              secret=SECRET)
    add_route(conn, "sms", "13800000001", username="officer_road")
    add_route(conn, "email", "parks@example.org", username="officer_parks")


def test_each_channel_in_its_own_format(conn, world, http, mail):
    routes_everywhere(conn, http)
    blown(conn, world)                     # summons CGW-DL and CGW-YL: urgent
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=mail.port,
                               sms_url=http.url("/sms"), sms_template="HQ_WHISTLE")
    assert deliver_due(conn, settings, NOW) == {"sent": 4}
    by_path = {r["path"]: r for r in http.received}
    wecom = by_path["/wecom"]["json"]
    assert wecom["msgtype"] == "markdown" and "光荣道现场" in wecom["markdown"]["content"]
    ding = by_path["/dingtalk"]
    assert ding["json"]["markdown"]["title"].startswith("丁字沽街道吹哨")
    assert ding["query"]["access_token"] == "t" and ding["query"]["sign"]   # checked there
    sms = by_path["/sms"]["json"]
    assert (sms["template"], sms["phone"]) == ("HQ_WHISTLE", "13800000001") and sms["id"]
    (envelope,) = mail.messages
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert envelope.rcpt_tos == ["parks@example.org"] and "吹哨" in message["Subject"]
    assert "会商地点：光荣道现场" in message.get_content()
    log = notices_store.deliveries(conn, conn.execute(select(Notice.id).where(
        Notice.channel == "email")).scalar_one())
    assert [(d["attempt"], d["ok"]) for d in log] == [(1, True)]


def test_a_wrong_dingtalk_secret_is_retried_not_lost(conn, world, http):
    add_route(conn, "dingtalk", http.url("/dingtalk"), department_code="CGW-YL", secret="wrong")
    blown(conn, world)
    assert deliver_due(conn, ChannelSettings(), NOW) == {"retry": 1}
    row = conn.execute(select(Notice).where(Notice.channel == "dingtalk")).one()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "errcode 310000")
    assert row.next_attempt_at == NOW + backoff(1) and http.received == []


def test_receivers_down_for_a_while_get_everything_once_when_back(conn, world, mail):
    port = free_port()
    http = HttpReceiver()
    http.port = port
    add_route(conn, "wecom", f"http://127.0.0.1:{port}/wecom", department_code="CGW-DL")
    add_route(conn, "email", "parks@example.org", username="officer_parks")
    settings = ChannelSettings(smtp_host="127.0.0.1", smtp_port=mail.port, timeout_s=2)
    mail.stop()
    for _ in range(3):
        blown(conn, world)                 # three whistles: 3 robot posts and 3 mails due
    at = NOW
    for _ in range(3):                     # three rounds while both receivers are down
        assert deliver_due(conn, settings, at) == {"retry": 6}
        at += backoff(4)
    assert conn.execute(select(Notice.attempts).where(Notice.channel != "inbox")).scalars().all() \
        == [3] * 6
    http.start()
    mail.start()
    try:
        assert deliver_due(conn, settings, at) == {"sent": 6}
        assert deliver_due(conn, settings, at + timedelta(hours=2)) == {}
    finally:
        http.stop()
    assert len(http.received) == 3 and len(mail.messages) == 3
    assert len({m.content for m in mail.messages}) == 3
    statuses = conn.execute(select(Notice.status).where(Notice.channel != "inbox")).scalars()
    assert set(statuses) == {"sent"}


def test_quiet_hours_hold_routine_notices_but_not_urgent_ones(conn, world, http):
    add_route(conn, "wecom", http.url("/wecom"), department_code="CGW-DL")
    night = datetime.combine(NOW.astimezone(BEIJING).date() + timedelta(days=1), time(23, 0),
                             tzinfo=BEIJING)
    incident = make_incident(conn, world, "accepted", reported_at=NOW - timedelta(hours=1))
    transition_incident(conn, world.actor("operator"), incident, "dispatch", night,
                        department_code="CGW-DL")          # routine
    blown(conn, world)                                      # urgent
    quiet = (time(22, 0), time(7, 0))
    assert deliver_due(conn, ChannelSettings(), night, quiet) == {"quiet": 1, "sent": 1}
    morning = datetime.combine(night.date() + timedelta(days=1), time(7, 0), tzinfo=BEIJING)
    held = conn.execute(select(Notice).where(Notice.kind == "dispatched",
                                             Notice.channel == "wecom")).one()
    assert (held.status, held.attempts, held.next_attempt_at) == ("pending", 0, morning)
    assert deliver_due(conn, ChannelSettings(), morning, quiet) == {"sent": 1}


@pytest.mark.parametrize(("local", "until"), [
    ("23:30", "next 07:00"), ("03:00", "07:00"), ("07:00", None), ("12:00", None),
    ("21:59", None), ("22:00", "next 07:00")])
def test_quiet_until_spans_midnight(local, until):
    day = NOW.astimezone(BEIJING).date()
    at = datetime.combine(day, time.fromisoformat(local), tzinfo=BEIJING)
    expected = None
    if until:
        end_day = day + timedelta(days=1) if until.startswith("next") else day
        expected = datetime.combine(end_day, time(7, 0), tzinfo=BEIJING)
    assert quiet_until(at, (time(22, 0), time(7, 0))) == expected


@pytest.mark.parametrize(("channel", "address"), [
    ("wecom", "ftp://x"), ("sms", "call me"), ("email", "nobody"), ("fax", "123")])
def test_a_route_to_a_wrong_address_is_refused(conn, world, channel, address):
    with pytest.raises(WorkflowError) as err:
        add_route(conn, channel, address, department_code="CGW-DL")
    assert err.value.field in ("address", "channel")
