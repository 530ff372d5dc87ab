"""How large a bill file may be uploaded (the web pages and the API): what a real statement
needs, not what a disk can hold. 200,000 statement lines (parsing.MAX_LINES, a bank's export
of many years, or an installer's sheet of 40 sites at their 5,000-line limit) of about 120
bytes each is 24 MB; site files keep their 1 MB (server.uploads)."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse

from madoguchi.server.uploads import BoundedUploadHandler

BILL_MAX_BYTES = 25_000_000
BILL_MAX_MB = BILL_MAX_BYTES // 1_000_000
# The API's bill-file imports (every other API upload is a site file).
_API_BILL_PATHS = re.compile(r"^/api/v1/(?:sites/\d{1,12}/bills/import|bill-sheets/import)/?$")


class BillUploadHandler(BoundedUploadHandler):
    """Refuse an uploaded bill file past BILL_MAX_BYTES (the site files' handler, at the bill
    files' larger limit)."""

    limit = BILL_MAX_BYTES


def use_bill_upload_handlers(request: HttpRequest) -> None:
    """Read this request's uploads as bill files (before anything reads its body)."""
    request.upload_handlers = [BillUploadHandler(request), TemporaryFileUploadHandler(request)]


class BillUploadsMiddleware:
    """The API's bill imports take bill files (a statement over 1 MB is not "no file"): the
    upload handlers are chosen before the CSRF check or the API reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and _API_BILL_PATHS.match(request.path_info):
            use_bill_upload_handlers(request)
        return self.get_response(request)
