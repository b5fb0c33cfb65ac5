#!/usr/bin/env python3
"""A FleetLock server for the tests (the protocol zincati speaks; coreos.github.io/zincati,
"FleetLock protocol"): a counting semaphore per group with SLOTS slots, locks owned by the
client id and recursive. It answers as the protocol documents: 200 on success, else a 4xx or
5xx status with {"kind": ..., "value": ...}. The group "broken" gets a 502 with an HTML body,
as a proxy in front of a stopped server would give.

Usage: fleetlock_server.py PORT SLOTS
"""
import http.server
import json
import re
import sys
import threading


def main():
    port, slots = int(sys.argv[1]), int(sys.argv[2])
    holders = {}  # group -> set of ids
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self, status, body):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def error(self, status, kind, value):
            self.answer(status, {"kind": kind, "value": value})

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("fleet-lock-protocol") != "true":
                return self.error(400, "missing_header", "the fleet-lock-protocol header must be true")
            try:
                params = json.loads(body)["client_params"]
                node, group = params["id"], params["group"]
                assert isinstance(node, str) and node and isinstance(group, str)
                assert re.fullmatch(r"[a-zA-Z0-9.-]+", group)
            except (ValueError, KeyError, TypeError, AssertionError):
                return self.error(400, "invalid_client_params", "client_params must hold a non-empty id and a valid group")
            if group == "broken":
                return self.answer(502, "<html><body>502 Bad Gateway</body></html>")
            with lock:
                held = holders.setdefault(group, set())
                if self.path == "/v1/pre-reboot":
                    if node in held:
                        return self.answer(200, {})
                    if len(held) >= slots:
                        return self.error(409, "failed_lock_semaphore_full", "semaphore currently full, all slots are locked already")
                    held.add(node)
                    return self.answer(200, {})
                if self.path == "/v1/steady-state":
                    held.discard(node)
                    return self.answer(200, {})
            self.error(404, "not_found", "no such endpoint: " + self.path)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
