"""Headless Chromium driven through the DevTools protocol over a pipe (no extra Python package).

Chromium started with ``--remote-debugging-pipe`` reads protocol commands from file descriptor 3 and
writes replies and events to descriptor 4, each message a JSON text ended by a NUL byte. ``Browser``
opens one page, navigates, evaluates JavaScript (awaiting promises), dispatches input and takes
screenshots; events are read and dropped.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

__all__ = ["Browser", "BrowserError", "find_chromium"]


class BrowserError(RuntimeError):
    """A protocol error, a JavaScript exception or a browser that went away."""


def find_chromium() -> str | None:
    """Debian's chromium (``.ci/browser.sh`` installs it), or another Chrome on PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """One headless Chromium with one page of ``width`` x ``height`` CSS pixels."""

    def __init__(self, executable: str, width: int = 1300, height: int = 1000, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="cumex-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_pipes() -> None:  # in the child: the protocol's descriptors 3 (commands) and 4 (replies)
            r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)

        args = [
            executable, "--headless", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
            "--mute-audio", f"--user-data-dir={self._profile}", f"--window-size={width},{height}",
            # the pages under test are files that load nothing from elsewhere
            "--allow-file-access-from-files", "about:blank",
        ]
        # its log goes to a file: a pipe nobody reads would fill up and stall the browser
        self._log = open(Path(self._profile) / "chromium.log", "wb")
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
                                      preexec_fn=wire_pipes, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Page.enable", session=True)
        self.call("Runtime.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height, deviceScaleFactor=1, mobile=False)

    # ---- protocol
    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("no reply from chromium in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                log = (Path(self._profile) / "chromium.log").read_bytes().decode(errors="replace")[-2000:]
                raise BrowserError(f"chromium closed the protocol pipe; its log ends:\n{log}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = False, **params: Any) -> dict:
        """Send one command and return its result (a reply with an error raises BrowserError)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    # ---- page
    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (a promise is awaited)."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"JavaScript: {details.get('exception', {}).get('description') or details.get('text')}")
        return result["result"].get("value")

    def frames(self) -> list[dict]:
        """Every frame of the page (the page first): {"id", "url"}."""
        def walk(node: dict) -> list[dict]:
            frame = node["frame"]
            return [{"id": frame["id"], "url": frame.get("url", "")}] + [f for c in node.get("childFrames", []) for f in walk(c)]

        return walk(self.call("Page.getFrameTree", session=True)["frameTree"])

    def evaluate_in_frame(self, frame_id: str, expression: str) -> Any:
        """The value of ``expression`` in a separate JavaScript world of one frame: its DOM, not its globals
        (works across origins, e.g. a report's iframe of a file)."""
        context = self.call("Page.createIsolatedWorld", session=True, frameId=frame_id, worldName="cumex-test")["executionContextId"]
        result = self.call("Runtime.evaluate", session=True, expression=expression, contextId=context, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"JavaScript in frame: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def click_at(self, x: float, y: float) -> None:
        """A real left click (mouse pressed and released) at page coordinates (CSS pixels)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=x, y=y, button="left", clickCount=1)

    def wait_for(self, expression: str, timeout: float | None = None) -> Any:
        """Poll until ``expression`` is truthy in the page; its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"timed out waiting for {expression!r}")
            time.sleep(0.1)

    def open(self, url: str) -> None:
        """Navigate and wait until the document has loaded."""
        self.call("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete'")

    def html(self) -> str:
        return self.evaluate("document.documentElement.outerHTML")

    def screenshot(self, path: Path | None = None) -> bytes:
        """A PNG of the viewport (also written to ``path`` if given)."""
        png = base64.b64decode(self.call("Page.captureScreenshot", session=True, format="png")["data"])
        if path is not None:
            Path(path).write_bytes(png)
        return png

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
