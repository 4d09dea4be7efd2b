"""A tiny SMTP server in the test process, for the delivery fault tests.

It speaks just enough SMTP for Django's SMTP backend (no TLS, no auth) and records every
message it *accepted* (answered 250 to the end of data). Two knobs make the faults:
``data_delay`` waits before that 250 (a slow server), ``hold_quit`` never answers QUIT
(so the client is stuck after the server accepted, and can be killed right there).
"""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes
from email.message import Message


class SmtpServer:
    def __init__(self, *, data_delay: float = 0.0, hold_quit: bool = False) -> None:
        self.data_delay = data_delay
        self.hold_quit = hold_quit
        self.accepted: list[Message] = []
        self.release = threading.Event()  # set() lets held QUITs answer
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.request.settimeout(30)
                self.reply("220 test-smtp ready")
                try:
                    while True:
                        line = self.rfile.readline()
                        if not line:
                            return
                        verb = line.decode(errors="replace").strip().split(" ")[0].upper()
                        if verb in {"EHLO", "HELO"}:
                            self.reply("250 test-smtp")
                        elif verb == "DATA":
                            self.reply("354 end with <CRLF>.<CRLF>")
                            outer._receive(self)
                        elif verb == "QUIT":
                            if outer.hold_quit:
                                outer.release.wait(60)
                            self.reply("221 bye")
                            return
                        else:  # MAIL, RCPT, RSET, NOOP
                            self.reply("250 ok")
                except OSError:
                    return

            def reply(self, text: str) -> None:
                self.wfile.write(text.encode() + b"\r\n")
                self.wfile.flush()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _receive(self, handler: socketserver.StreamRequestHandler) -> None:
        lines = []
        while True:
            line = handler.rfile.readline()
            if not line or line in {b".\r\n", b".\n"}:
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        if self.data_delay:
            time.sleep(self.data_delay)
        self.accepted.append(message_from_bytes(b"".join(lines)))
        handler.wfile.write(b"250 accepted\r\n")
        handler.wfile.flush()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def environment(self) -> dict[str, str]:
        """Settings for a worker process that sends through this server."""
        return {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "false"}
