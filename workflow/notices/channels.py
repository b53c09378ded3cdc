"""The outside channels' own message formats (pure): WeCom and DingTalk group robots, a
generic SMS gateway, email.

Home-made on purpose: each format is a few lines of JSON documented by its vendor (WeCom
"群机器人配置说明", DingTalk "自定义机器人安全设置"), and the PyPI clients for them are
unmaintained wrappers around the same `requests.post`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from email.message import EmailMessage
from urllib.parse import quote_plus

# WeCom's markdown messages are cut at 4,096 bytes; stay well inside.
MAX_BODY = 1500


def _text(notice: dict) -> str:
    return notice["body"][:MAX_BODY]


def wecom_payload(notice: dict) -> dict:
    """A WeCom (企业微信) group robot message: markdown with the title in bold."""
    content = f"**{notice['title']}**\n" + "\n".join(
        f"> {line}" for line in _text(notice).splitlines())
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(notice: dict) -> dict:
    """A DingTalk (钉钉) group robot message: markdown with a title."""
    lines = "\n\n".join(_text(notice).splitlines())
    return {"msgtype": "markdown",
            "markdown": {"title": notice["title"], "text": f"### {notice['title']}\n\n{lines}"}}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature: HMAC-SHA256 of timestamp, a newline and the secret, base64,
    URL-encoded.
    """
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's webhook with ``timestamp`` and ``sign`` appended when a secret is set."""
    if not secret:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def sms_payload(notice: dict, template: str) -> dict:
    """A generic SMS gateway's request: a template code, the number and its parameters.
    ``id`` is the notice's key, so a gateway that deduplicates can.
    """
    return {"template": template, "phone": notice["address"], "id": notice["key"],
            "params": {"title": notice["title"][:60], "kind": notice["kind"]}}


def email_message(notice: dict, sender: str) -> EmailMessage:
    """The mail: Chinese subject and body, English subject below; the Message-ID comes from
    the notice's key, so a retried send is recognisable as the same mail.
    """
    message = EmailMessage()
    message["From"], message["To"] = sender, notice["address"]
    message["Subject"] = notice["title"]
    message["Message-ID"] = f"<{hashlib.sha256(notice['key'].encode()).hexdigest()[:32]}@hongqiao>"
    message.set_content(f"{notice['body']}\n\n{notice['title_en']}\n")
    return message
