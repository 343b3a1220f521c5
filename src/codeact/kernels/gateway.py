"""`gateway` kernel: a remote Jupyter Kernel Gateway or Enterprise Gateway, one kernel per session.

The kernel is created, interrupted, restarted and deleted over REST (/api/kernels) and spoken to
over one WebSocket (/api/kernels/{id}/channels) carrying Jupyter messages as JSON. The execution
policy (timeouts, interrupts, restarts, tool calls) is the local kernel's: see `loop.KernelLoop`.

A kernel that dies is noticed three ways: the gateway's own restarter reports execution_state
"restarting" or "dead" on iopub, the WebSocket closes, or GET /api/kernels/{id} no longer finds it.
The code runs on the gateway's machine, in its working directory; `workdir` is a LOCAL folder
where images the code displays are saved.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from codeact.contracts import Tool
from codeact.errors import ConfigError, KernelError, MissingDependency
from codeact.kernels.loop import KernelLoop, dropping_malformed
from codeact.kernels.output import OutputCollector
from codeact.kernels.wire import bounded_unpack

if TYPE_CHECKING:
    from websocket import WebSocket

log = logging.getLogger(__name__)

DEFAULT_URL = "http://127.0.0.1:8888"
PROTOCOL_VERSION = "5.3"
PROBE_EVERY = 2.0  # seconds of silence between REST liveness checks while code runs
READY_RETRY = 1.0  # a kernel_info_request sent mid-restart can be lost: ask again this often

# why the kernel is known dead; the notice reads "The kernel died (REASON) and was restarted."
RESTARTING = "the gateway reported it restarting"
DEAD = "the gateway reported it dead"
GONE = "the gateway no longer lists it"
CLOSED = "its connection to the gateway closed"
DEATH_STATES = {"restarting": RESTARTING, "dead": DEAD}


class _NotFound(KernelError):
    """The gateway answered 404: the kernel is gone."""


def _websocket() -> ModuleType:
    try:
        import websocket
    except ImportError as exc:
        raise MissingDependency("websocket-client", "gateway", "the gateway kernel") from exc
    return websocket


class GatewayKernel(KernelLoop):
    """A stateful Python kernel behind a Jupyter (Enterprise) Gateway, reached over HTTP."""

    name = "gateway"
    tier = "remote"  # the code runs on the gateway's machines, isolated as they are

    def __init__(
        self,
        url: str | None = None,
        *,
        token: str | None = None,
        kernel_name: str = "python3",
        workdir: str | Path | None = None,
        timeout: float = 60.0,
        interrupt_grace: float = 3.0,
        startup_timeout: float = 30.0,
        max_output_chars: int = 1_000_000,
        render_limit: int = 4000,
    ) -> None:
        self._ws_lib = _websocket()  # fail here, with the install hint, not at the first call
        self.url = (url or os.environ.get("CODEACT_GATEWAY_URL") or DEFAULT_URL).rstrip("/")
        if not re.match(r"https?://", self.url):
            raise ConfigError(f"the gateway URL must start with http:// or https://: {self.url!r}")
        self.token = token or os.environ.get("CODEACT_GATEWAY_TOKEN") or None
        self.kernel_name = kernel_name
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="codeact-")).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.interrupt_grace = interrupt_grace
        self.startup_timeout = startup_timeout
        self.max_output_chars = max_output_chars
        self.render_limit = render_limit
        self.tools: dict[str, Tool] = {}
        self.restarts = 0
        self.kernel_id: str | None = None
        self._ws: WebSocket | None = None
        self._session = uuid.uuid4().hex
        self._death: str | None = None  # set when the kernel is known dead, until restarted

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self.kernel_id is not None:
            return
        self.kernel_id = self._create()
        try:
            self._connect()
        except KernelError:
            self._delete()  # do not leave a half-started kernel on the gateway
            raise

    def restart(self) -> None:
        """Restart the kernel: all state is lost, the local working directory is kept."""
        if self.kernel_id is None:
            self.start()
            return
        # after a crash the gateway's restarter brings the kernel back by itself: wait for that
        if not (self._death == RESTARTING and self._wait_ready(self.startup_timeout)):
            self._restart_remote()
        # a restarted kernel listens on new ports; a fresh WebSocket makes the gateway bind fresh
        # channels to them (requests sent down the old one were seen to vanish)
        self._close_ws()
        self._death = None
        self.restarts += 1
        self._connect()

    def interrupt(self) -> None:
        if self.kernel_id is not None:
            self._request("POST", f"/api/kernels/{self.kernel_id}/interrupt")

    def shutdown(self) -> None:
        self._close_ws()
        self._delete()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> GatewayKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    def is_alive(self) -> bool:
        if self.kernel_id is None or self._death is not None:
            return False
        self._probe()
        return self._death is None

    def _create(self) -> str:
        model = self._request("POST", "/api/kernels", {"name": self.kernel_name})
        return str(model["id"])

    def _connect(self) -> None:
        """Open the channels if needed, wait until the kernel answers, (re)install the tools."""
        if self._ws is None:
            self._ws = self._open_ws()
        if not self._wait_ready(self.startup_timeout):
            raise KernelError(
                f"the kernel {self.kernel_id} did not become ready within {self.startup_timeout:g} s"
            )
        self._prepare()

    def _restart_remote(self) -> None:
        try:
            self._request("POST", f"/api/kernels/{self.kernel_id}/restart")
        except KernelError:
            # gone or broken: a fresh kernel does as well, since the state is lost either way
            self._close_ws()
            self._delete()
            self.kernel_id = self._create()

    def _delete(self) -> None:
        if self.kernel_id is None:
            return
        try:
            self._request("DELETE", f"/api/kernels/{self.kernel_id}")
        except _NotFound:
            pass
        except KernelError as exc:
            log.warning("could not delete kernel %s: %s", self.kernel_id, exc)
        self.kernel_id = None

    def _probe(self) -> None:
        """Ask the gateway whether the kernel still exists; unreachable means no news."""
        try:
            model = self._request("GET", f"/api/kernels/{self.kernel_id}")
        except _NotFound:
            self._death = GONE
        except KernelError:
            return  # a dead gateway also closes the WebSocket, which is noticed there
        else:
            if model.get("execution_state") == "dead":
                self._death = DEAD

    # --- REST -----------------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"} if self.token else {}

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One REST call; errors become KernelError (_NotFound for 404)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self._headers(), "Content-Type": "application/json"}
        req = urllib.request.Request(self.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.startup_timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            error = _NotFound if exc.code == 404 else KernelError
            raise error(
                f"the gateway answered {method} {path} with {exc.code} {exc.reason}"
            ) from exc
        except OSError as exc:  # URLError, refused, timed out
            raise KernelError(f"could not reach the gateway at {self.url}: {exc}") from exc
        try:
            return json.loads(raw) if raw else {}
        except ValueError as exc:
            raise KernelError(f"the gateway answered {method} {path} with non-JSON") from exc

    # --- WebSocket ------------------------------------------------------------------------------

    def _open_ws(self) -> WebSocket:
        url = re.sub(r"^http", "ws", self.url)
        url += f"/api/kernels/{self.kernel_id}/channels?session_id={self._session}"
        headers = [f"{k}: {v}" for k, v in self._headers().items()]
        try:
            ws: WebSocket = self._ws_lib.create_connection(
                url, header=headers, timeout=self.startup_timeout
            )
        except (self._ws_lib.WebSocketException, OSError) as exc:
            raise KernelError(f"could not open the kernel's channels at {url}: {exc}") from exc
        return ws

    def _close_ws(self) -> None:
        if self._ws is not None:
            with suppress(self._ws_lib.WebSocketException, OSError):
                self._ws.close(timeout=1)
            self._ws = None

    def _lost_connection(self) -> None:
        self._close_ws()
        self._death = self._death or CLOSED

    def _send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        parent: dict[str, Any] | None = None,
    ) -> str:
        """Send one message; return its msg_id. A closed socket is noted, not raised."""
        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "codeact",
            "session": self._session,
            "msg_type": msg_type,
            "version": PROTOCOL_VERSION,
            "date": datetime.now(UTC).isoformat(),
        }
        msg = {
            "header": header,
            "parent_header": parent or {},
            "metadata": {},
            "content": content,
            "channel": channel,
            "buffers": [],
        }
        if self._ws is None:
            self._lost_connection()
        else:
            try:
                self._ws.send(json.dumps(msg))
            except (self._ws_lib.WebSocketException, OSError):
                self._lost_connection()
        return header["msg_id"]

    def _recv(self, until: float) -> dict[str, Any] | None:
        """The next JSON message, or None once `until` (monotonic) passes or the socket closes."""
        while self._ws is not None and (wait := until - time.monotonic()) > 0:
            self._ws.settimeout(wait)
            try:
                opcode, data = self._ws.recv_data()
            except self._ws_lib.WebSocketTimeoutException:
                return None
            except (self._ws_lib.WebSocketException, OSError):
                self._lost_connection()
                return None
            if opcode == self._ws_lib.ABNF.OPCODE_CLOSE:
                self._lost_connection()
                return None
            if opcode == self._ws_lib.ABNF.OPCODE_TEXT:  # binary frames carry only buffers
                # the same bounds as the local kernels' wire (size, density, depth)
                try:
                    msg = bounded_unpack(data)
                except ValueError as exc:
                    log.warning("skipped a message from the gateway: %s", exc)
                    continue
                if isinstance(msg, dict):
                    return msg
        return None

    def _wait_ready(self, timeout: float) -> bool:
        """Ask for kernel_info until the kernel answers (True), reports itself dead, or time's up."""
        deadline = time.monotonic() + timeout
        asked: set[str] = set()
        while self._ws is not None and time.monotonic() < deadline:
            asked.add(self._send("shell", "kernel_info_request", {}))
            while (msg := self._recv(min(time.monotonic() + READY_RETRY, deadline))) is not None:
                if _death_reason(msg) == DEAD:
                    return False
                replied = msg["header"]["msg_type"] == "kernel_info_reply"
                if replied and msg["parent_header"].get("msg_id") in asked:
                    return True
        return False

    # --- transport (the execution policy is KernelLoop's) ----------------------------------

    def _connected(self) -> bool:
        return self._ws is not None

    def _send_execute(self, code: str, store_history: bool) -> str:
        content = {
            "code": code,
            "silent": False,
            "store_history": store_history,
            "user_expressions": {},
            "allow_stdin": True,
            "stop_on_error": True,
        }
        return self._send("shell", "execute_request", content)

    def _send_input(self, value: str, request: dict[str, Any]) -> None:
        self._send("stdin", "input_reply", {"value": value}, request["header"])

    def _await_idle(self, msg_id: str, out: OutputCollector, deadline: float) -> bool:
        probe_at = time.monotonic() + PROBE_EVERY
        while self._death is None:
            if time.monotonic() >= deadline:  # checked on every message: a flood must not hide it
                return False
            msg = self._recv(min(deadline, time.monotonic() + 0.5))
            if msg is not None:
                if self._handle_safely(msg, msg_id, out):
                    return True
            elif time.monotonic() >= probe_at:
                probe_at = time.monotonic() + PROBE_EVERY
                self._probe()
        return False

    def _handle_safely(self, msg: dict[str, Any], msg_id: str, out: OutputCollector) -> bool:
        """`_handle`, skipping a message that lacks the fields every Jupyter message has."""
        with dropping_malformed(out):
            return self._handle(msg, msg_id, out)
        return False

    def _handle(self, msg: dict[str, Any], msg_id: str, out: OutputCollector) -> bool:
        """Route one message; True when execution `msg_id` is over."""
        channel = msg.get("channel")
        if channel == "stdin" and msg["header"]["msg_type"] == "input_request":
            self._answer_input(msg, out)
        elif channel == "iopub":
            self._death = _death_reason(msg)
            if self._death is None:
                return self._on_iopub(msg, msg_id, out)
        return False

    def _exit_reason(self) -> str:
        return self._death or "exit status unknown"


def _death_reason(msg: dict[str, Any]) -> str | None:
    """The iopub status the gateway sends, whatever the parent, when the kernel process died."""
    if msg.get("channel") != "iopub" or msg["header"]["msg_type"] != "status":
        return None
    return DEATH_STATES.get(msg["content"].get("execution_state", ""))
