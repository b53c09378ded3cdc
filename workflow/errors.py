"""The one error the rules raise: an HTTP-like status, a code, a message and the field."""
from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


class WorkflowError(Exception):
    """A rule said no. ``status`` follows HTTP (400, 403, 404, 409, 422) so the API can answer
    with it directly and the workbench can show ``message``.
    """

    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field

    def text(self, lang: str) -> str:
        """The message in the reader's language: rules write "中文 / English"; this is the one
        place that splits it (English falls back to Chinese when a rule wrote only that).
        """
        zh, _, en = self.message.partition(" / ")
        return en if lang == "en" and en else zh


def bad_request(message: str, field: str | None = None, code: str = "bad_request"):
    return WorkflowError(400, code, message, field)


def forbidden(message: str = "无权执行此操作 / not allowed for your role or scope"):
    return WorkflowError(403, "forbidden", message)


def not_found(zh: str, en: str, field: str | None = None):
    return WorkflowError(404, "not_found", f"{zh}不存在 / {en} not found", field)


def present(value: T | None, zh: str, en: str, field: str | None = None) -> T:
    """``value``, or 404 naming it: a row read again after a check that it existed may have
    gone in between (another transaction), and the caller must not index None.
    """
    if value is None:
        raise not_found(zh, en, field)
    return value


def conflict(code: str, message: str, field: str | None = None):
    return WorkflowError(409, code, message, field)


def invalid(message: str, field: str | None = None, code: str = "invalid_value"):
    return WorkflowError(422, code, message, field)
