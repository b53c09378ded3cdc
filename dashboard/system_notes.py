"""The notes the system itself writes into logs (in Chinese, as stored), read in English."""
from __future__ import annotations

import re

from dashboard.i18n import t

# Each pattern matches a note written by workflow/ (whistles, escalation); its catalogue
# entry says it in English with the same pieces. People's own notes are shown as written.
SYSTEM_NOTES = (
    (re.compile(r"^(?:街道吹哨|二次吹哨) (?P<code>\S+)，召集部门报到$"), "note_whistle"),
    (re.compile(r"^吹哨 (?P<code>\S+) 已验收：(?P<feedback>.*)$", re.S), "note_whistle_closed"),
    (re.compile(r"^街道不满意，吹响二次哨$"), "note_second_whistle"),
    (re.compile(r"^超期 (?P<hours>\d+) 小时未办结，转区委督查室督办$"), "note_overdue"),
    (re.compile(r"^吹哨超期 (?P<hours>\d+) 小时未办结，区委督查室督办$"), "note_whistle_overdue"),
)


def note_text(note: str, lang: str) -> str:
    """A log note in the reader's language when the system wrote it, else as written."""
    if lang != "en" or not note:
        return note
    for pattern, key in SYSTEM_NOTES:
        found = pattern.match(note)
        if found:
            return t(key, lang).format(**found.groupdict())
    return note
