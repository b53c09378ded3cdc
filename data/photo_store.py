"""Photos from phones in PostGIS: store one re-encoded JPEG, read it back with its owner."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select

from data.models import MobilePhoto


def insert_photo(conn: Connection, photo_id: str, user_id: int, incident_id: int | None,
                 purpose: str, content: bytes, width: int, height: int,
                 exif_lon: float | None = None, exif_lat: float | None = None) -> None:
    """Store one photo (already re-encoded, metadata stripped).

    Parameters
    ----------
    conn : Connection
    photo_id : str
        32 hex characters (also in the photo's URL).
    user_id : int
        Who sent it.
    incident_id : int, optional
    purpose : {"report", "verify"}
    content : bytes
        JPEG bytes.
    width, height : int
    exif_lon, exif_lat : float, optional
        The location the original's EXIF carried.
    """
    conn.execute(insert(MobilePhoto).values(
        id=photo_id, user_id=user_id, incident_id=incident_id, purpose=purpose,
        content=content, width=width, height=height, byte_size=len(content),
        exif_lon=exif_lon, exif_lat=exif_lat))


def photo(conn: Connection, photo_id: str) -> dict | None:
    """A photo's bytes, its sender and its incident, or None.

    Parameters
    ----------
    conn : Connection
    photo_id : str

    Returns
    -------
    dict or None
        content, user_id, incident_id, created_at.
    """
    stmt = (select(MobilePhoto.content, MobilePhoto.user_id, MobilePhoto.incident_id,
                   MobilePhoto.created_at)
            .where(MobilePhoto.id == photo_id))
    row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None
