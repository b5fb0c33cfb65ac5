#!/usr/bin/env python3
"""Serves the git repositories under ROOT over HTTPS on 127.0.0.1:PORT, through git's own
http-backend (git's smart HTTP protocol), with the certificate CERT and its key KEY.

Usage: git_https_server.py ROOT PORT CERT KEY

A repository ROOT/NAME is at https://127.0.0.1:PORT/NAME. The server runs until it is killed.
"""
import http.server
import os
import ssl
import subprocess
import sys
import urllib.parse


def main():
    root, cert, key = (os.path.abspath(a) for a in (sys.argv[1], sys.argv[3], sys.argv[4]))
    port = int(sys.argv[2])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.backend(b"")

        def do_POST(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().strip(), 16)
                    chunk = self.rfile.read(size + 2)[:size]
                    if size == 0:
                        break
                    body += chunk
            else:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.backend(body)

        # Runs `git http-backend` as the CGI program it is, and relays its answer.
        def backend(self, body):
            url = urllib.parse.urlsplit(self.path)
            env = dict(os.environ, GIT_PROJECT_ROOT=root, GIT_HTTP_EXPORT_ALL="1", REQUEST_METHOD=self.command,
                       PATH_INFO=urllib.parse.unquote(url.path), QUERY_STRING=url.query,
                       CONTENT_TYPE=self.headers.get("Content-Type", ""), CONTENT_LENGTH=str(len(body)),
                       REMOTE_ADDR="127.0.0.1", GATEWAY_INTERFACE="CGI/1.1", SERVER_PROTOCOL="HTTP/1.0")
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True).stdout
            head, _, payload = out.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
