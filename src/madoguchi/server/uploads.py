"""Uploads and request bodies are bounded by the engine's site-file limits (engine.limits).

Django has no per-file size limit: its default handlers write an upload of any size to a
temporary file. `BoundedUploadHandler` stops reading an uploaded file once it passes
MAX_FILE_BYTES (the rest of it is drained, not stored) and notes its name on the request, so
the import form and the API can say which file was too large instead of "no file".
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from madoguchi.engine.limits import MAX_FILE_BYTES

_REFUSED = "_madoguchi_refused_uploads"


class BoundedUploadHandler(FileUploadHandler):
    """Refuse each uploaded file past `limit` (MAX_FILE_BYTES); leave the others to the next
    handlers."""

    limit = MAX_FILE_BYTES

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            if self.request is not None:
                refused = getattr(self.request, _REFUSED, [])
                refused.append(self.file_name or self.field_name or "")
                setattr(self.request, _REFUSED, refused)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None  # the next handler (memory or temporary file) builds the file


def refused_uploads(request: HttpRequest) -> list[str]:
    """Names of the uploaded files this request carried that were too large to read."""
    return list(getattr(request, _REFUSED, []))


def declared_length(request: HttpRequest) -> int:
    """The request body's declared size (Django never reads more than this)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0
