"""The server's settings, one dataclass; `codeact serve` fills it from its flags."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError

MiB = 1024 * 1024


@dataclass
class Limits:
    """Caps that keep one machine from being overloaded; beyond them requests get a 429."""

    max_kernels: int = 20  # live kernels in all; idle ones are culled first to make room
    max_running: int = 8  # turns running at once
    max_kernels_per_user: int = 8
    max_running_per_user: int = 4
    idle_timeout: float = 900.0  # seconds before an idle conversation's kernel is stopped
    max_turns: int = 10  # LLM turns per message
    exec_timeout: float = 60.0  # seconds per code execution
    upload_bytes: int = 50 * MiB
    download_bytes: int = 200 * MiB
    shutdown_grace: float = 20.0  # seconds running turns get to finish on shutdown

    def check(self) -> None:
        if self.max_running > self.max_kernels:
            raise ConfigError(
                "--max-running cannot exceed --max-kernels (each turn needs a kernel)"
            )
        if min(self.max_kernels, self.max_running, self.max_turns) < 1:
            raise ConfigError("kernel, turn and running caps must be at least 1")


@dataclass
class ServerConfig:
    host: str = "127.0.0.1"
    port: int = 8000
    llm: str = "local"
    llm_options: dict[str, Any] = field(default_factory=dict)
    # more models a conversation may pick in its settings (`llm` is the default); `llm_options`
    # apply to those of the same provider as `llm`
    extra_llms: list[str] = field(default_factory=list)
    kernel: str = "sandbox"
    kernel_options: dict[str, Any] = field(default_factory=dict)
    data_dir: Path = field(default_factory=lambda: Path.home() / ".codeact" / "serve")
    db: str | None = None  # SQLAlchemy URL; default: a SQLite file in data_dir
    pool_size: int = 2  # warm kernels kept ready
    replay: bool = False  # rebuild a restarted kernel's state by replaying its successful cells
    auth: str = "auto"  # auto (tokens if any exist), token, none
    allow_no_auth: bool = False  # listen beyond loopback without auth anyway
    limits: Limits = field(default_factory=Limits)

    @property
    def db_url(self) -> str:
        return self.db or f"sqlite:///{self.data_dir / 'codeact.db'}"

    @property
    def workspaces(self) -> Path:
        return self.data_dir / "workspaces"

    def auth_required(self, has_tokens: bool) -> bool:
        """Whether requests need a token; refuses an open server beyond loopback."""
        if self.auth not in ("auto", "token", "none"):
            raise ConfigError(f"unknown auth mode {self.auth!r}; choose auto, token or none")
        required = self.auth == "token" or (self.auth == "auto" and has_tokens)
        if not required and not is_loopback(self.host) and not self.allow_no_auth:
            raise ConfigError(
                f"refusing to listen on {self.host} without auth: create a token with "
                "`codeact serve token create NAME`, or pass --allow-no-auth to serve anyone "
                "who can reach this address"
            )
        return required


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
