"""Photo uploads: the type is read from the file's first bytes (never from its name or the client's header),
with a size limit and a limit on how many photos one act carries. Errors name the file and say what is wrong."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents.errors import PhotoRejected, lazy_message

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 6
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def sniff(head: bytes) -> str | None:
    """The image type from the magic number, or None for anything that is not a JPEG, PNG or WebP image."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True, slots=True)
class CheckedPhoto:
    name: str
    content: bytes
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_file(self, prefix: str) -> ContentFile[bytes]:
        return ContentFile(self.content, name=f"{prefix}-{self.sha256[:16]}.{EXTENSIONS[self.content_type]}")


def _read(upload: Any) -> tuple[str, bytes]:
    name = str(getattr(upload, "name", "") or "photo")
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > MAX_PHOTO_BYTES:
        return name, b""  # too large: do not read it into memory
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_PHOTO_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
    return name, bytes(data)


def check_many(uploads: Sequence[Any]) -> list[CheckedPhoto]:
    """Check every upload; raise ``PhotoRejected`` (422) listing each bad file, or return them all."""
    problems: list[str | Promise] = []
    if len(uploads) > MAX_PHOTOS:
        raise PhotoRejected(
            field_errors={"photos": [lazy_message(_("At most %(count)s photos can be attached."), count=MAX_PHOTOS)]}
        )
    checked: list[CheckedPhoto] = []
    for upload in uploads:
        name, data = _read(upload)
        declared = getattr(upload, "size", None)
        if (isinstance(declared, int) and declared > MAX_PHOTO_BYTES) or len(data) > MAX_PHOTO_BYTES:
            problems.append(
                lazy_message(_("“%(name)s” is larger than %(limit)s MB."), name=name, limit=MAX_PHOTO_BYTES >> 20)
            )
            continue
        if not data:
            problems.append(lazy_message(_("“%(name)s” is empty."), name=name))
            continue
        kind = sniff(data[:16])
        if kind is None:
            problems.append(lazy_message(_("“%(name)s” is not a JPEG, PNG or WebP image."), name=name))
            continue
        checked.append(CheckedPhoto(name=name, content=data, content_type=kind))
    if problems:
        raise PhotoRejected(field_errors={"photos": list(problems)})
    return checked
