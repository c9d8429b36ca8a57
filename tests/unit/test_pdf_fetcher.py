"""The PDF renderer's URL fetcher reaches only static/ and data: URIs: no other file, no network."""

from __future__ import annotations

import socket
import subprocess
import threading
from pathlib import Path

import pytest

from app.services import pdf


class Listener:
    """A loopback TCP listener that counts the connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_fetcher_refuses_files_outside_static_and_the_network():
    f = pdf.safe_fetcher()
    for url in (
        "file:///etc/passwd",
        "file:///proc/self/environ",
        f"file://{pdf.STATIC_DIR}/../app/settings.py",
        "http://127.0.0.1/",
        "https://127.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError):
            f.fetch(url)


def test_fetcher_serves_static_files_and_data_uris():
    f = pdf.safe_fetcher()
    css = Path(pdf.STATIC_DIR, "css", "app.css")
    r = f.fetch(css.as_uri())
    assert r.read()
    r.close()
    r = f.fetch("data:text/plain;base64,aGk=")
    assert r.read() == b"hi"
    r.close()


def test_render_with_hostile_references_makes_no_request_and_reads_no_file(tmp_path):
    listener = Listener()
    try:
        html = f"""<html><head>
        <link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css">
        <link rel="attachment" href="file:///etc/passwd">
        <style>body {{ background: url(http://127.0.0.1:{listener.port}/bg.png); }}
               p {{ background: url(file:///dev/urandom); }}</style></head>
        <body><p>證明 Certificate</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:{listener.port}/a.png">
        <iframe src="file:///etc/passwd"></iframe><object data="file:///etc/passwd"></object></body></html>"""
        data = pdf.render_sync(html)
    finally:
        listener.close()
    assert listener.connections == 0
    out = tmp_path / "x.pdf"
    out.write_bytes(data)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "證明 Certificate" in text
    assert "root:" not in text
    assert b"/EmbeddedFiles" not in data


def test_qr_code_is_an_svg_data_uri():
    uri = pdf.qr_svg_data_uri("http://127.0.0.1:8000/verify/E115696500101?code=ABC")
    assert uri.startswith("data:image/svg+xml")
