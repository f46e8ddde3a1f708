"""Serve a built site on loopback, for the browser tests (and the benchmark and PDF printing)."""

from __future__ import annotations

import functools
import gzip
import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".json", ".txt", ".xml", ".ipynb")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class GzipHandler(QuietHandler):
    """Text compressed with gzip when the browser asks for it, as GitHub Pages serves it,
    so that measured transfer sizes are the ones a reader's browser sees."""

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.suffix in COMPRESSIBLE and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


class TrickleHandler(QuietHandler):
    """Pages arrive as over a slow connection: the head and menus at once, then the article in
    pieces PAUSE seconds apart, so that the browser paints each before the next arrives:
    small ones over its first screen (FIRST_SCREEN bytes), larger ones up to ARTICLE_PART
    bytes, then the rest. A piece ends after a `>`: a word cut in two can wrap differently
    once whole, on any site, and that is not what the tests look for. Not compressed."""

    PAUSE = 0.05
    FIRST_SCREEN, FIRST_PIECE = 8_000, 400
    ARTICLE_PART, PIECE = 30_000, 2_000

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if not self.path.split("?")[0].endswith((".html", "/")):
            super().copyfile(source, outputfile)
            return
        page = source.read()
        article = start = max(page.find(b"<article"), 0)
        pieces = [page[:start]]
        while start < len(page) and start - article < self.ARTICLE_PART:
            size = self.FIRST_PIECE if start - article < self.FIRST_SCREEN else self.PIECE
            end = page.find(b">", start + size)
            end = len(page) if end < 0 else end + 1
            pieces.append(page[start:end])
            start = end
        if start < len(page):
            pieces.append(page[start:])
        for number, piece in enumerate(pieces):
            if number:
                time.sleep(self.PAUSE)
            outputfile.write(piece)
            outputfile.flush()


@contextmanager
def serve(site: Path, compress: bool = False, trickle: bool = False) -> Iterator[str]:
    """Serve *site* on 127.0.0.1 at a free port; yields the base URL. *trickle*: pages
    arrive in pieces, as over a slow connection (TrickleHandler)."""
    handler = TrickleHandler if trickle else GzipHandler if compress else QuietHandler
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
