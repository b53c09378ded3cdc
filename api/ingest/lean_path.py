"""A lean WSGI path for the everyday OsmAnd fix; anything else goes on to the Flask app."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

from flask import Flask

from api.ingest.ingestor import Ingestor
from api.ingest.osmand import decode_params
from api.rate_windows import SlidingWindow
from api.ratelimit import INGEST_COUNTED, query_device_key

# Headers a success must not copy from the template answer: they belong to one request.
PER_REQUEST = {"content-length", "set-cookie", "date"}


class OsmandFastPath:
    """WSGI middleware answering a registered phone's query-string fix without Flask.

    A Traccar Client request is a few hundred bytes of query string; Flask's per-request
    work (routing among hundreds of rules, session, a dozen hooks) costs more than
    decoding and queuing the fix. This path takes only the common success: GET or POST to
    one of ``paths`` with the fix in the query, no body, no cookie or Authorization, a
    known device within its rate limit, and fixes that pass validation. Every other
    request, and every one that fails on the way, is handed to the Flask app unchanged,
    which answers it (errors, 429, 503) exactly as before; the rate limit counts it once
    (``INGEST_COUNTED``) and a retried write is harmless (a device's fix is stored once).

    Parameters
    ----------
    app : Flask
        The app whose ``wsgi_app`` this wraps (its headers are copied onto successes).
    ingestor : Ingestor
        The same ingestor (caches, group writer) the Flask handler uses.
    window : SlidingWindow
        The same per-device rate limit the Flask app's ingest gate uses.
    paths : tuple of str
    """

    def __init__(self, app: Flask, ingestor: Ingestor, window: SlidingWindow,
                 paths: tuple[str, ...]) -> None:
        self.app, self.next = app, app.wsgi_app
        self.ingestor, self.window, self.paths = ingestor, window, frozenset(paths)
        self._headers: list[tuple[str, str]] | None = None
        self.served = 0         # answered here (the tests and the benchmark read it)

    def success_headers(self) -> list[tuple[str, str]]:
        """The headers the Flask app puts on an empty 200 here, computed once.

        Built by the app's own after-request hooks (security headers and the rest), so
        both paths answer alike. Lazily: the CSP hashes are known only once Dash is built.
        """
        if self._headers is None:
            with self.app.test_request_context(max(self.paths, key=len)):
                response = self.app.process_response(self.app.response_class(status=200))
            self._headers = [(k, v) for k, v in response.headers.items()
                             if k.lower() not in PER_REQUEST] + [("Content-Length", "0")]
        return self._headers

    def _fast_enough(self, environ: dict) -> bool:
        return (environ.get("PATH_INFO") in self.paths
                and environ.get("REQUEST_METHOD") in ("GET", "POST")
                and bool(environ.get("QUERY_STRING"))
                and "%00" not in environ["QUERY_STRING"]
                and environ.get("CONTENT_LENGTH", "") in ("", "0")
                and "HTTP_TRANSFER_ENCODING" not in environ
                and "json" not in environ.get("CONTENT_TYPE", "")
                and "HTTP_AUTHORIZATION" not in environ and "HTTP_COOKIE" not in environ)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self._fast_enough(environ):
            return self.next(environ, start_response)
        try:
            params = parse_qs(environ["QUERY_STRING"], keep_blank_values=True,
                              errors="strict", max_num_fields=200)
            key = query_device_key(params)
        except (ValueError, UnicodeDecodeError):
            return self.next(environ, start_response)
        if key is None or self.window.take(key):
            return self.next(environ, start_response)    # no id, or over the limit: Flask says so
        environ[INGEST_COUNTED] = True
        try:
            ident, reading = decode_params(params)
            ident = str(ident or "").strip()
            device = self.ingestor.device_by_key(ident) if ident else None
        except Exception:  # noqa: BLE001 - nothing written yet: Flask answers (400, 503, ...)
            return self.next(environ, start_response)
        if device is None:
            return self.next(environ, start_response)
        try:
            self.ingestor.ingest(device, [reading])
        except Exception as err:  # noqa: BLE001 - answered by the app's own error handlers
            # Not handed on: the write was tried, and trying it again would double the
            # wait when the writer is busy.
            return self._error(environ, start_response, err)
        headers = self.success_headers()
        self.served += 1
        start_response("200 OK", list(headers))
        return [b""]

    def _error(self, environ: dict, start_response: Callable, err: Exception):
        """The Flask app's answer to ``err`` (its handlers: FixRejected, 503, ...)."""
        with self.app.request_context(environ):
            try:
                answer = self.app.handle_user_exception(err)
            except Exception as unhandled:  # noqa: BLE001 - a bug: the app's 500 handling
                answer = self.app.handle_exception(unhandled)
            response = self.app.process_response(self.app.make_response(answer))
        return response(environ, start_response)


def install_fast_path(app: Flask, ingestor: Ingestor, window: SlidingWindow,
                      paths: tuple[str, ...]) -> OsmandFastPath:
    """Wrap ``app.wsgi_app`` with the lean OsmAnd path and return the wrapper."""
    fast = OsmandFastPath(app, ingestor, window, paths)
    app.wsgi_app = fast
    app.extensions["hq_osmand_fast"] = fast
    return fast
