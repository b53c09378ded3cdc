"""Which department or person gets notices on which outside channel: checked, then stored."""
from __future__ import annotations

import re

from sqlalchemy import Connection, select

from data import directory, notices_store
from data.models import User
from workflow.errors import invalid, not_found

CHANNELS = ("wecom", "dingtalk", "sms", "email")
PHONE = re.compile(r"^\+?[0-9]{6,15}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]+$")


def check_address(channel: str, address: str) -> str:
    """The address as stored, or 422 naming ``address``: a robot's http(s) webhook, a phone
    number, an email address.
    """
    address = (address or "").strip()
    ok = {"wecom": address.startswith(("http://", "https://")),
          "dingtalk": address.startswith(("http://", "https://")),
          "sms": bool(PHONE.match(address)), "email": bool(EMAIL.match(address))}
    if channel not in ok:
        raise invalid(f"渠道应为 {', '.join(CHANNELS)} 之一 / unknown channel", "channel")
    if not ok[channel] or len(address) > 500:
        raise invalid("地址与渠道不符 / the address does not fit the channel", "address")
    return address


def add_route(conn: Connection, channel: str, address: str, department_code: str | None = None,
              username: str | None = None, secret: str = "") -> int:
    """Route a department's or a person's notices also to ``channel`` at ``address``."""
    if (department_code is None) == (username is None):
        raise invalid("请指明部门或人员之一 / name a department or a person", "department")
    values: dict = {"channel": channel, "address": check_address(channel, address),
                    "secret": (secret or "").strip()}
    if department_code is not None:
        department = directory.department_by_code(conn, department_code)
        if department is None:
            raise not_found("部门", "department", "department")
        values["department_id"] = department["id"]
    else:
        user_id = conn.execute(select(User.id).where(User.username == username)).scalar()
        if user_id is None:
            raise not_found("人员", "user", "user")
        values["user_id"] = user_id
    return notices_store.add_route(conn, values)
