"""Photos from phones: refuse what is not a plain raster image, read EXIF GPS, re-encode."""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from workflow.errors import WorkflowError, invalid

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 50_000_000          # a 12 MP phone photo is far below; bombs are far above
MAX_SIDE = 1600
JPEG_QUALITY = 80
FORMATS = ("JPEG", "PNG", "WEBP")
MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")
# Markup or script anywhere in the bytes (a polyglot "image", an SVG, an HTML page):
# such a file is refused outright rather than cleaned, so nobody relies on the cleaning.
ACTIVE = re.compile(rb"<\s*(script|svg|html|iframe|object|embed|body|\?php)|javascript:|"
                    rb"onerror\s*=|onload\s*=", re.IGNORECASE)
GPS_IFD = 0x8825
# Where a stored photo is served; an incident's photo_url may only ever be one of these.
PHOTO_URL = "/m/photos/{}.jpg"
OWN_PHOTO = re.compile(r"^/m/photos/([0-9a-f]{32})\.jpg$")


def photo_id_of(url) -> str | None:
    """The photo id in one of our own photo URLs, else None."""
    match = OWN_PHOTO.match(url) if isinstance(url, str) else None
    return match.group(1) if match else None


def check_photo_url(url: str | None, field: str = "photo_url") -> str | None:
    """``url`` when it names one of our stored photos' addresses (or is empty: None);
    anything else (``javascript:``, another site, a path elsewhere) is refused (422).
    """
    if url is None or url == "":
        return None
    if photo_id_of(url) is None:
        raise invalid("照片地址只能是本系统保存的照片（/m/photos/<id>.jpg） / photo_url must be a "
                      "photo stored here (/m/photos/<id>.jpg)", field, "invalid_photo_url")
    return url


@dataclass(frozen=True)
class Photo:
    """A photo as stored: JPEG bytes without metadata, its size, and the EXIF location."""

    content: bytes
    width: int
    height: int
    lon: float | None = None
    lat: float | None = None


def _refuse(code: str, zh: str, en: str, status: int = 422) -> WorkflowError:
    return WorkflowError(status, code, f"{zh} / {en}", "photo")


def _degrees(values, ref) -> float | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper() in ("S", "W") else value


def exif_location(image) -> tuple[float | None, float | None]:
    """(lon, lat) from a Pillow image's EXIF GPS tags, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # noqa: BLE001 - broken EXIF is common and never fatal
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat, lon = _degrees(gps[2], gps.get(1, "N")), _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    if lat == 0 and lon == 0:
        return None, None
    return lon, lat


def _open(data: bytes):
    from PIL import Image

    if not data.startswith(MAGIC):
        raise _refuse("not_an_image", "文件不是照片（仅支持 JPEG、PNG、WebP）",
                      "the file is not a photo (JPEG, PNG or WebP only)")
    too_many = _refuse("photo_too_large", "照片像素过多", "the photo has too many pixels", 413)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # open() reads only the header: the size is known before any pixel is decoded,
            # so a 50-89 megapixel image costs nothing before it is refused.
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise _refuse("not_an_image", "文件不是照片（仅支持 JPEG、PNG、WebP）",
                              "the file is not a photo (JPEG, PNG or WebP only)")
            if image.width * image.height > MAX_PIXELS:
                raise too_many
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except WorkflowError:
        raise
    except Exception:  # noqa: BLE001 - Pillow raises many kinds for broken files
        raise _refuse("not_an_image", "无法读取照片，文件已损坏或不是图片",
                      "the photo cannot be read: broken or not an image") from None
    return image


def process_photo(data: bytes) -> Photo:
    """Check a phone's photo and re-encode it: at most 1600 px, JPEG, no metadata.

    Raises WorkflowError (413 too large; 422 not an image or carrying markup/script),
    always naming the field ``photo``.
    """
    from PIL import Image, ImageOps

    if not data:
        raise invalid("照片为空 / the photo is empty", "photo", "photo_empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("photo_too_large", "照片太大（最大 8 MB）", "the photo is larger than 8 MB",
                      413)
    if ACTIVE.search(data):
        raise _refuse("photo_has_script", "照片中含有脚本或网页代码，已拒绝",
                      "the file carries script or markup and was refused")
    image = _open(data)
    lon, lat = exif_location(image)
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGBA").convert("RGB") if "A" in image.mode else image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # Only the pixels go on: a new image carries none of the original's metadata (EXIF, the
    # JPEG comment Pillow would otherwise write back, XMP, ICC profile, PNG text chunks).
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Photo(out.getvalue(), clean.width, clean.height, lon, lat)
