"""Real local receivers for notices: an HTTP server playing WeCom/DingTalk robots and an SMS
gateway, and an SMTP server (aiosmtpd); each can be stopped and started again on its port.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


class HttpReceiver:
    """Records every POST (path, query, JSON); a DingTalk path checks the signature as the
    real robot does and answers errcode 310000 when it is wrong.
    """

    def __init__(self, dingtalk_secret: str = "") -> None:
        self.received: list[dict] = []
        self.secret = dingtalk_secret
        self.port = 0
        self._server: ThreadingHTTPServer | None = None

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                code = 0
                if parts.path.startswith("/dingtalk") and receiver.secret:
                    code = 0 if receiver.signed(query) else 310000
                if code == 0:
                    receiver.received.append({"path": parts.path, "query": query, "json": body})
                answer = json.dumps({"errcode": code, "errmsg": "ok" if not code else "sign"})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        return Handler

    def signed(self, query: dict) -> bool:
        stamp = query.get("timestamp", "")
        digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(),
                          hashlib.sha256).digest()
        return query.get("sign") == base64.b64encode(digest).decode()

    def start(self) -> HttpReceiver:
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class MailReceiver:
    """A local SMTP server (aiosmtpd) keeping every message it accepts."""

    def __init__(self, port: int) -> None:
        self.port, self.messages = port, []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def start(self) -> MailReceiver:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
