"""One place that turns an error behind a page into what the person reads, and logs the
unexpected ones with their stack first (a broken query must reach the log, not only a
friendly sentence on a screen).
"""
from __future__ import annotations

import logging

from dashboard.i18n import t
from workflow.errors import WorkflowError

log = logging.getLogger("dashboard")


def readable(err: Exception, lang: str, fallback_key: str, where: str) -> str:
    """A rule's refusal in the reader's language; anything else is logged with its stack
    (``where`` names the page part) and answered with the catalogue's ``fallback_key``.
    """
    if isinstance(err, WorkflowError):
        return err.text(lang)
    log.error("unexpected error in %s", where, exc_info=err)
    return t(fallback_key, lang)
