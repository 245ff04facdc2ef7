"""A headless Chromium driven through chromedriver's W3C WebDriver protocol, with ``urllib`` only,
and ``memgit serve`` started as a real process. Used by the browser test and the screenshot script.

WebDriver is plain JSON over HTTP: a session, then navigate / find element / click / read text /
screenshot. The dozen calls the viewer's tests need do not justify Selenium and its dependencies.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[2] / "src"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--window-size=1280,1000",
)
_ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


def find_browser() -> tuple[str | None, str | None]:
    """Paths of a Chromium binary and of chromedriver (None for what is missing)."""
    browser = next((p for name in CHROMIUM_NAMES if (p := shutil.which(name))), None)
    return browser, shutil.which("chromedriver")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One WebDriver session on a running chromedriver."""

    def __init__(self, endpoint: str, session: str) -> None:
        self.endpoint = endpoint
        self.session = session

    def call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        return _request(method, f"{self.endpoint}/session/{self.session}{path}", payload)

    def get(self, url: str) -> None:
        self.call("POST", "/url", {"url": url})

    @property
    def url(self) -> str:
        current: str = self.call("GET", "/url")
        return current

    @property
    def title(self) -> str:
        title: str = self.call("GET", "/title")
        return title

    def find(self, css: str) -> str:
        found = self.call("POST", "/element", {"using": "css selector", "value": css})
        element: str = found[_ELEMENT]
        return element

    def find_all(self, css: str) -> list[str]:
        found = self.call("POST", "/elements", {"using": "css selector", "value": css})
        return [item[_ELEMENT] for item in found]

    def text(self, element: str) -> str:
        text: str = self.call("GET", f"/element/{element}/text")
        return text

    def click(self, element: str) -> None:
        self.call("POST", f"/element/{element}/click", {})

    def type(self, element: str, text: str) -> None:
        self.call("POST", f"/element/{element}/value", {"text": text})

    def run(self, script: str, *args: Any) -> Any:
        return self.call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def screenshot(self, target: Path) -> Path:
        data = base64.b64decode(self.call("GET", "/screenshot"))
        target.write_bytes(data)
        return target

    def full_page_screenshot(self, target: Path, width: int = 1280) -> Path:
        """Resize the window to the page's height first, so the whole page is in the picture."""
        height = int(self.run("return document.documentElement.scrollHeight;"))
        self.call("POST", "/window/rect", {"width": width, "height": min(height + 140, 4000)})
        return self.screenshot(target)

    def wait_for(self, css: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.find(css)
            except WebDriverError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)


def _request(method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with _LOCAL.open(request, timeout=60) as response:
            body = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        detail = json.loads(exc.read() or b"{}").get("value", {})
        message = f"{method} {url}: {detail.get('error')}: {detail.get('message')}"
        raise WebDriverError(message) from None
    return body.get("value")


@contextmanager
def chromium(profile: Path) -> Iterator[Browser]:
    """A headless Chromium session (chromedriver on a free local port), closed afterwards."""
    binary, driver = find_browser()
    if binary is None or driver is None:
        raise WebDriverError("chromium and chromedriver are needed")
    port = free_port()
    log = profile.parent / "chromedriver.log"
    process = subprocess.Popen(
        [driver, f"--port={port}", f"--log-path={log}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{endpoint}/status", process)
        options = {"binary": binary, "args": [*CHROMIUM_FLAGS, f"--user-data-dir={profile}"]}
        created = _request(
            "POST",
            f"{endpoint}/session",
            {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}},
        )
        browser = Browser(endpoint, created["sessionId"])
        try:
            yield browser
        finally:
            _request("DELETE", f"{endpoint}/session/{browser.session}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise WebDriverError(f"chromedriver exited with status {process.returncode}")
        try:
            _request("GET", url)
            return
        except (OSError, WebDriverError):
            time.sleep(0.1)
    raise WebDriverError(f"chromedriver did not answer at {url} within {timeout:g}s")


@contextmanager
def memgit_serve(repo: Path, log: Path) -> Iterator[str]:
    """``memgit serve --port 0`` as a real process in ``repo``; yields its base URL. Its stderr
    goes to ``log``."""
    environment = {**os.environ, "PYTHONPATH": str(SRC)}
    with log.open("w", encoding="utf-8") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "memgit", "serve", "--port", "0"],
            cwd=repo,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            encoding="utf-8",
        )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if match is None:
            process.kill()
            process.wait(timeout=10)
            raise RuntimeError(
                f"memgit serve did not start: {line!r} {log.read_text(encoding='utf-8')!r}"
            )
        yield match.group(0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
