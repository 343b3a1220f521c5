"""Red-team fixtures. At session start the host gets its canaries, before any sandbox starts:

- an environment variable of the host test process (CODEACT_REDTEAM_CANARY),
- a secret file in the host user's home (~/.codeact-redteam-secret),
- a secret file in ANOTHER session's workspace (a second SandboxKernel with its own workdir),
- where the kernel allows it, a key in this process's session keyring (inherited by sandboxes).

Each token is random per run; the harness fails a case when any of them shows up in an output.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import (
    CANARY_ENV,
    HOME_SECRET_NAME,
    OTHER_SECRET_NAME,
    Harness,
    new_token,
    plant_session_key,
    revoke_key,
    start_kernel,
)

from codeact.kernels.isolation import probe
from codeact.kernels.sandbox import SandboxKernel


@pytest.fixture(scope="session")
def redteam(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    if probe().tier != "full":
        pytest.skip("the red-team suite needs the full isolation tier (see `codeact doctor`)")
    env_token, home_token, other_token, key_token = (new_token() for _ in range(4))
    previous = os.environ.get(CANARY_ENV)
    os.environ[CANARY_ENV] = env_token
    home_file = Path.home() / HOME_SECRET_NAME
    home_file.write_text(home_token)
    home_file.chmod(0o600)
    serial = plant_session_key(key_token)

    other_dir = tmp_path_factory.mktemp("other-session")
    other_file = other_dir / OTHER_SECRET_NAME
    other_file.write_text(other_token)
    other = start_kernel(other_dir)
    assert str(other.execute("other_state = 'alive'; other_state")) == "'alive'"
    harness = Harness(
        env_token=env_token,
        home_token=home_token,
        other_token=other_token,
        key_token=key_token if serial is not None else None,
        home_file=home_file,
        other=other,
        other_file=other_file,
    )
    try:
        yield harness
        harness.assert_other_intact()
    finally:
        other.shutdown()
        home_file.unlink(missing_ok=True)
        if serial is not None:
            revoke_key(serial)
        if previous is None:
            os.environ.pop(CANARY_ENV, None)
        else:
            os.environ[CANARY_ENV] = previous


@pytest.fixture
def fresh(redteam: Harness, tmp_path: Path) -> Iterator[SandboxKernel]:
    """A sandbox of its own, for the cases that wreck a kernel on purpose."""
    kernel = start_kernel(tmp_path / "work")
    try:
        yield kernel
    finally:
        with contextlib.suppress(Exception):
            kernel.shutdown()
