"""Field tasks from the phone page: the photo taken on site stored with the completion."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection

from data import photo_store, task_store
from workflow.errors import invalid, not_found
from workflow.intake.tasks import complete_task
from workflow.mobile.photo import PHOTO_URL, process_photo
from workflow.roles import Actor


def complete_on_site(conn: Connection, actor: Actor, task_id: int, outcome: str, note: str,
                     photo_data: bytes | None, where: tuple[float, float] | None,
                     now: datetime) -> dict:
    """Complete a task with the phone's photo (required) and position (else the photo's)."""
    if not photo_data:
        raise invalid("请拍照 / a photo is required", "photo")
    photo = process_photo(photo_data)
    if where is None and photo.lon is not None and photo.lat is not None:
        where = (photo.lon, photo.lat)
    if where is None:
        raise invalid("需要定位 / the position is required", "lon")
    task = task_store.lock_task(conn, task_id)
    if task is None:
        raise not_found("任务", "task", "id")
    photo_id = uuid.uuid4().hex
    url = PHOTO_URL.format(photo_id)
    # The photo row first: completing checks the address names a stored photo's form only,
    # and a refusal below rolls both back together.
    photo_store.insert_photo(conn, photo_id, actor.id, task["incident_id"], "verify",
                             photo.content, photo.width, photo.height, photo.lon, photo.lat)
    return complete_task(conn, actor, task_id, outcome, note, url, where[0], where[1], now)
