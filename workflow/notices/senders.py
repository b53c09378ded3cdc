"""Sending one notice on its channel: HTTP for the robots and the SMS gateway, SMTP for mail.

Every sender raises ``SendFailed`` with a short reason when the receiver does not take it
(down, timed out, a non-2xx answer, a robot's non-zero ``errcode``), so the worker retries.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime

import requests

from workflow.notices import channels


class SendFailed(Exception):
    """The receiver did not take the notice; the message says why (kept in the log)."""


@dataclass(frozen=True)
class ChannelSettings:
    """Where the channels without a per-route address go, and how long to wait."""

    smtp_host: str = ""
    smtp_port: int = 25
    mail_from: str = "noreply@hongqiao.local"
    sms_url: str = ""
    sms_template: str = "HQ_NOTICE"
    timeout_s: float = 5.0


def _post(url: str, payload: dict, timeout: float, robot: bool) -> str:
    try:
        answer = requests.post(url, json=payload, timeout=timeout)
    except requests.RequestException as err:
        raise SendFailed(f"{err.__class__.__name__}") from None
    if not 200 <= answer.status_code < 300:
        raise SendFailed(f"HTTP {answer.status_code}")
    if robot:
        try:
            code = answer.json().get("errcode", 0)
        except ValueError:
            raise SendFailed("answer is not JSON") from None
        if code != 0:
            raise SendFailed(f"errcode {code}")
    return f"HTTP {answer.status_code}"


def send(notice: dict, settings: ChannelSettings, now: datetime) -> str:
    """Send ``notice`` (a claimed outbox row with its route's secret); returns what the
    receiver answered, or raises SendFailed.
    """
    channel = notice["channel"]
    if channel == "wecom":
        return _post(notice["address"], channels.wecom_payload(notice), settings.timeout_s, True)
    if channel == "dingtalk":
        url = channels.dingtalk_url(notice["address"], notice.get("secret") or "",
                                    int(now.timestamp() * 1000))
        return _post(url, channels.dingtalk_payload(notice), settings.timeout_s, True)
    if channel == "sms":
        if not settings.sms_url:
            raise SendFailed("no SMS gateway configured (HQ_SMS_URL)")
        return _post(settings.sms_url, channels.sms_payload(notice, settings.sms_template),
                     settings.timeout_s, False)
    if channel == "email":
        return _mail(notice, settings)
    raise SendFailed(f"unknown channel {channel}")


def _mail(notice: dict, settings: ChannelSettings) -> str:
    if not settings.smtp_host:
        raise SendFailed("no SMTP server configured (HQ_SMTP_HOST)")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=settings.timeout_s) as smtp:
            refused = smtp.send_message(channels.email_message(notice, settings.mail_from))
    except (OSError, smtplib.SMTPException) as err:
        raise SendFailed(f"{err.__class__.__name__}") from None
    if refused:
        raise SendFailed("recipient refused")
    return "250 accepted"
