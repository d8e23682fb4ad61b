"""A stand-in for the Hugging Face Hub on 127.0.0.1, serving checkpoint folders as repositories the way
huggingface_hub reads them: `GET /api/models/{repo}/revision/{rev}` (the commit and its files) and
`GET /api/models/{repo}/tree/{rev}` (its files' sizes and hashes),
`HEAD`/`GET /{repo}/resolve/{rev}/{file}` (commit, ETag and size headers; byte ranges, so a download resumes).
While `flaky`, every GET of a file larger than 2 x `drop_after` is cut after `drop_after` bytes (a connection that
keeps dropping); `ranges` records the byte offsets of ranged requests (resumed downloads)."""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class StandInHub:
    def __init__(self, repos: dict[str, Path], drop_after: int | None = None):
        self.repos, self.drop_after, self.flaky = repos, drop_after, drop_after is not None
        self.ranges: list[int] = []
        self.requests: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_HEAD(self):
                hub._serve(self, body=False)

            def do_GET(self):
                hub._serve(self, body=True)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, handler, body: bool) -> None:
        path = unquote(handler.path.split("?")[0])
        self.requests.append(f"{handler.command} {path}")
        for repo, folder in self.repos.items():
            if path.startswith(f"/api/models/{repo}/tree/"):  # the files of a commit, one page
                entries = []
                for p in sorted(folder.iterdir()):
                    if p.is_file():
                        data = p.read_bytes()
                        entries.append({"type": "file", "path": p.name, "size": len(data),
                                        "oid": hashlib.sha1(data).hexdigest(),
                                        "lfs": {"oid": hashlib.sha256(data).hexdigest(), "size": len(data),
                                                "pointerSize": 134}})
                return self._send(handler, 200, json.dumps(entries).encode(), {"Content-Type": "application/json"}, body)
            if path.startswith(f"/api/models/{repo}"):
                files = sorted(p.name for p in folder.iterdir() if p.is_file())
                data = json.dumps({"id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                                   "siblings": [{"rfilename": f} for f in files]}).encode()
                return self._send(handler, 200, data, {"Content-Type": "application/json"}, body)
            prefix = f"/{repo}/resolve/"
            if path.startswith(prefix):
                name = path[len(prefix):].split("/", 1)[1]
                file = folder / name
                if not file.is_file():
                    return self._send(handler, 404, b"{}", {"X-Error-Code": "EntryNotFound"}, body)
                return self._file(handler, file, body)
        self._send(handler, 404, b'{"error": "Repository not found"}', {"X-Error-Code": "RepoNotFound"}, body)

    def _file(self, handler, file: Path, body: bool) -> None:
        data = file.read_bytes()
        etag = hashlib.sha256(data).hexdigest()
        headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{etag}"', "Accept-Ranges": "bytes",
                   "Content-Type": "application/octet-stream"}
        start = 0
        ranged = handler.headers.get("Range")
        if ranged and ranged.startswith("bytes="):
            start = int(ranged[6:].split("-")[0] or 0)
        status = 206 if start else 200
        if start:
            self.ranges.append(start)
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        part = data[start:]
        if body and self.flaky and len(data) > 2 * self.drop_after:
            handler.send_response(status)
            for k, v in {**headers, "Content-Length": str(len(part))}.items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(part[:self.drop_after])
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        self._send(handler, status, part, headers, body)

    @staticmethod
    def _send(handler, status: int, data: bytes, headers: dict, body: bool) -> None:
        handler.send_response(status)
        for k, v in {**headers, "Content-Length": str(len(data))}.items():
            handler.send_header(k, v)
        handler.end_headers()
        if body:
            handler.wfile.write(data)
