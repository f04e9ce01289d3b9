"""A local HTTP server that answers like the Opendatasoft Explore API v2.1 of the portals.

Recorded responses: each dataset id maps to the bytes of a CSV export (the test fixtures, laid
out as the producers publish them). It honours ``Range`` requests (206), answers 404 for an
unknown dataset and can misbehave on purpose: fail the first requests with 500, or cut the
first response half-way, so that retries and resumed downloads are exercised. It listens on
127.0.0.1 only and stops with the test.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PREFIX = "/api/explore/v2.1/catalog/datasets/"


class FakePortal:
    def __init__(self, exports: dict[str, bytes], fail_first: int = 0, cut_first: bool = False):
        self.exports = exports
        self.fail_first = fail_first
        self.cut_first = cut_first
        self.requests: list[dict] = []
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server API)
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                portal.requests.append({"path": url.path, "query": query, "range": self.headers.get("Range")})
                if portal.fail_first > 0:
                    portal.fail_first -= 1
                    self.send_error(500)
                    return
                if not url.path.startswith(PREFIX):
                    self.send_error(404)
                    return
                dataset, _, rest = url.path[len(PREFIX):].partition("/")
                body = portal.exports.get(dataset)
                if body is None:
                    self.send_error(404)
                    return
                if rest == "records":
                    payload = json.dumps({"total_count": body.count(b"\n") - 1, "results": []}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and rng.startswith("bytes="):
                    start = int(rng[len("bytes="):].split("-")[0])
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "text/csv; charset=utf-8")
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if portal.cut_first:
                    portal.cut_first = False
                    self.wfile.write(body[start:start + (len(body) - start) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body[start:])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakePortal":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
