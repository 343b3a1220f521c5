"""Filesystem: only /workspace and a size-capped /tmp are writable; the host's home, the other
session's workspace and the host's /proc are not there at all; links planted in the workspace are
not followed by the host either.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import (
    CLEAN,
    HOME_SECRET_NAME,
    NOT_FOUND,
    OTHER_SECRET_NAME,
    READ_ONLY,
    Harness,
    start_kernel,
)

from codeact.kernels.sandbox import SandboxKernel

# a 1x1 PNG, shown with IPython's display: the host saves it under the workspace's outputs/
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SHOW_PNG = f"""
import base64
from IPython.display import Image, display
display(Image(base64.b64decode("{PNG}")))
"""


@pytest.fixture(scope="module")
def fs(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("filesystem"))
    yield kernel
    kernel.shutdown()


SITE = Path(sys.prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
WRITES = {
    "root-dir": ("open('/evil', 'w')", READ_ONLY),
    "usr": ("open('/usr/evil', 'w')", READ_ONLY),
    "usr-local-bin": ("open('/usr/local/bin/evil', 'w')", READ_ONLY),
    "usr-bin-python-replace": (
        "import os\nopen('x', 'w').close()\nos.replace('x', '/usr/bin/python3')",
        r"Invalid cross-device link|Read-only",
    ),
    "bin-via-merged-usr": ("open('/bin/evil', 'w')", READ_ONLY),
    "etc": ("open('/etc/evil', 'w')", READ_ONLY),
    "etc-ssl-certs": ("open('/etc/ssl/certs/evil.pem', 'w')", READ_ONLY),
    "root-home": ("open('/root/.bashrc', 'a')", READ_ONLY),
    "venv-pth-hook": (f"open({str(SITE / 'site-packages' / 'evil.pth')!r}, 'w')", READ_ONLY),
    "venv-python": (f"open({str(Path(sys.prefix) / 'bin' / 'evil')!r}, 'w')", READ_ONLY),
    "python-prefix-stdlib": (
        f"open({str(Path(sys.base_prefix) / 'lib' / SITE.name / 'os.py')!r}, 'a')",
        rf"{READ_ONLY}|Permission denied",
    ),
    "mkdir-in-usr": ("import os\nos.mkdir('/usr/evil')", READ_ONLY),
    "unlink-usr-file": ("import os\nos.unlink('/usr/bin/env')", READ_ONLY),
    # the seccomp filter refuses setuid bits before the read-only mount is even asked
    "chmod-usr-file": (
        "import os\nos.chmod('/usr/bin/env', 0o4777)",
        rf"{READ_ONLY}|Operation not permitted",
    ),
    "utime-usr-file": ("import os\nos.utime('/usr/bin/env', (0, 0))", READ_ONLY),
    "sysctl-core-pattern": (
        "p = '/proc/sys/kernel/core_pattern'\nopen(p, 'w').write(open(p).read())",
        READ_ONLY,
    ),
    "sysctl-fs-lease-break-time": (
        "p = '/proc/sys/fs/lease-break-time'\nopen(p, 'w').write(open(p).read())",
        READ_ONLY,
    ),
    "sysctl-any-writable": (
        "import os\nwritable = []\nfor root, _, files in os.walk('/proc/sys'):\n"
        "    writable += [f for f in files if os.access(os.path.join(root, f), os.W_OK)]\n"
        "print('writable sysctls:', writable)",
        r"writable sysctls: \[\]",
    ),
    "sysrq-trigger": ("open('/proc/sysrq-trigger', 'w')", r"No such file|Read-only|Permission"),
    "sys-fs-cgroup": ("open('/sys/fs/cgroup/cgroup.procs', 'w')", NOT_FOUND),
    "dev-node-mknod": (
        "import os\nos.mknod('/workspace/mem', 0o20666, os.makedev(1, 1))",
        r"Operation not permitted",
    ),
    "dev-block-device": ("open('/dev/vda', 'rb')", NOT_FOUND),
    "dev-kmsg": ("open('/dev/kmsg', 'rb')", NOT_FOUND),
    "proc-kmsg": ("open('/proc/kmsg', 'rb').read(1)", r"Operation not permitted|Permission denied"),
    "mount-remount-usr-rw": (
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.mount(b'none', b'/usr', None, 32 | 4096, None) < 0:\n"
        "    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))",
        r"Operation not permitted",
    ),
    "umount-workspace": (
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.umount2(b'/workspace', 2) < 0:\n"
        "    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))",
        r"Operation not permitted",
    ),
    "nested-userns-remount": (
        "import subprocess\nr = subprocess.run(['unshare', '-r', '-m', 'sh', '-c', "
        "'mount -o remount,rw /usr && touch /usr/evil; mount -t proc proc /proc; "
        "umount /proc/sys && echo 45 > /proc/sys/fs/lease-break-time'], "
        "capture_output=True, text=True)\nprint(r.stdout, r.stderr)\nassert r.returncode != 0",
        # nested user namespaces are refused at once: by the seccomp filter, and as an
        # ordinary user also by bwrap --disable-userns
        r"unshare failed: (No space left on device|Operation not permitted)",
    ),
    "chown-to-host-root": (
        "import os\nos.chown('/workspace', 0, 0)",
        r"Invalid argument|Operation not permitted",
    ),
    "setuid-root": ("import os\nos.setuid(0)", r"Invalid argument|Operation not permitted"),
    "hardlink-across-mounts": (
        "import os\nos.link('/usr/bin/env', '/workspace/env')",
        r"Invalid cross-device link|Operation not permitted",
    ),
}


@pytest.mark.parametrize(("code", "expect"), WRITES.values(), ids=WRITES.keys())
def test_nothing_outside_the_workspace_is_writable(
    redteam: Harness, fs: SandboxKernel, code: str, expect: str
) -> None:
    redteam.attack(fs, code, expect)
    assert not (SITE / "site-packages" / "evil.pth").exists()


def test_home_secret_is_not_there(redteam: Harness, fs: SandboxKernel) -> None:
    code = f"""
import os
paths = [{str(redteam.home_file)!r}, os.path.expanduser("~/{HOME_SECRET_NAME}"),
         os.path.expanduser("~root/{HOME_SECRET_NAME}"), "/root/{HOME_SECRET_NAME}"]
print({{p: os.path.exists(p) for p in paths}})
open({str(redteam.home_file)!r}).read()
"""
    obs = redteam.attack(fs, code, NOT_FOUND)
    assert "True" not in obs.output


def test_other_sessions_workspace_is_not_there(redteam: Harness, fs: SandboxKernel) -> None:
    other = redteam.other.workdir
    code = f"""
import glob, os
guesses = [{str(redteam.other_file)!r}, *glob.glob("/tmp/*/{OTHER_SECRET_NAME}"),
           *glob.glob("/tmp/**/{OTHER_SECRET_NAME}", recursive=True)]
for pid in os.listdir("/proc"):
    if pid.isdigit():
        guesses += [f"/proc/{{pid}}/root{other!s}/{OTHER_SECRET_NAME}",
                    f"/proc/{{pid}}/cwd/{OTHER_SECRET_NAME}"]
print("found:", [g for g in guesses if os.path.exists(g)])
os.listdir({str(other)!r})
"""
    redteam.attack(fs, code, rf"found: \[\][\s\S]*{NOT_FOUND}")


def test_files_named_like_the_secrets_are_nowhere(redteam: Harness, fs: SandboxKernel) -> None:
    code = f"""
import os
hits = []
for root, dirs, files in os.walk("/"):
    if root == "/":
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "usr")]
    hits += [os.path.join(root, f) for f in files if f in ("{HOME_SECRET_NAME}", "{OTHER_SECRET_NAME}")]
print("found:", hits)
"""
    redteam.attack(fs, code, r"found: \[\]")


def test_proc_environ_is_the_sandboxes_own(redteam: Harness, fs: SandboxKernel) -> None:
    obs = redteam.attack(
        fs, "import os\nreport(open(f'/proc/{os.getpid()}/environ', 'rb').read())", CLEAN
    )
    env = fs.execute("print(open('/proc/self/environ', 'rb').read().split(b'\\0'))")
    assert "USER=sandbox" in str(env) and "CODEACT_REDTEAM" not in str(env)
    assert "matches: []" in str(obs)
    # pid 1 is bubblewrap's init: as root it runs privileged, and the sandbox's uid cannot read it
    first = fs.execute("open('/proc/1/environ', 'rb').read().split(b'\\0')")
    if os.geteuid() == 0:
        assert first.error is not None and first.error.name == "PermissionError"
    else:
        assert "CODEACT_REDTEAM" not in str(first)


def test_listing_the_root_shows_no_host_data(redteam: Harness, fs: SandboxKernel) -> None:
    assert fs.runtime_dir is not None
    state = fs.runtime_dir.parent  # the slots' folder: only this session's slot is mounted
    code = f"""
import json, os
dirs = ("/", "/etc", "/root", "/tmp", {str(state)!r})
print("listing:", json.dumps({{d: sorted(os.listdir(d)) for d in dirs}}))
"""
    obs = redteam.attack(fs, code, r"listing: \{")
    seen = json.loads(obs.output.split("listing: ", 1)[1])
    host_only = {"home", "var", "opt", "srv", "mnt", "media", "boot", "snap", "sys"}
    assert not host_only & set(seen["/"]), seen["/"]
    assert not {"passwd", "shadow", "hostname", "hosts", "sudoers", "ssh", "crontab"} & set(
        seen["/etc"]
    )
    assert HOME_SECRET_NAME not in seen["/root"] and ".bashrc" not in seen["/root"]
    assert not [n for n in seen["/tmp"] if n.startswith("codeact")], seen["/tmp"]
    assert seen[str(state)] == [fs.runtime_dir.name], "only its own slot is there"


def test_repository_and_host_tmp_are_not_visible(redteam: Harness, fs: SandboxKernel) -> None:
    repo = Path.cwd()
    hidden = [repo / "src", repo / "pyproject.toml", repo / "tests", Path("/work/main/src")]
    hidden += [redteam.other.runtime_dir, redteam.other.workdir, redteam.other_file.parent.parent]
    code = f"""
import os
print("visible:", [p for p in {[str(p) for p in hidden]!r} if os.path.exists(p)])
print("listing:", os.listdir({str(repo)!r}) if os.path.isdir({str(repo)!r}) else [])
"""
    obs = redteam.attack(fs, code, r"visible: \[\]")
    listing = obs.output.split("listing: ")[1]
    # at most the path down to the read-only venv (bound under its own name) shows
    venv_top = (
        Path(sys.prefix).parts[len(repo.parts)] if sys.prefix.startswith(f"{repo}/") else None
    )
    assert listing.strip() in ("[]", f"[{venv_top!r}]"), listing


SYMLINKS = {
    "to-home-secret": (
        f"import os\nos.symlink({str(Path.home() / HOME_SECRET_NAME)!r}, 'sec')\nopen('sec').read()",
        NOT_FOUND,
    ),
    "to-proc-1-root-home": (
        f"import os\nos.symlink('/proc/1/root{Path.home()}/{HOME_SECRET_NAME}', 'sec2')\n"
        "open('sec2').read()",
        rf"{NOT_FOUND}|Permission denied",
    ),
    "relative-dotdot-walk": (
        "import os\nos.symlink('../../../../../../root', 'up')\nprint('root:', os.listdir('up'))",
        r"root: \[('\.pyenv')?\]|No such file",
    ),
    "symlink-loop": (
        "import os\nos.symlink('loop', 'loop')\nopen('loop').read()",
        r"Too many levels",
    ),
}


@pytest.mark.parametrize(("code", "expect"), SYMLINKS.values(), ids=SYMLINKS.keys())
def test_symlinks_in_the_workspace_lead_nowhere_inside(
    redteam: Harness, fs: SandboxKernel, code: str, expect: str
) -> None:
    redteam.attack(fs, code, expect)
    for name in ("sec", "sec2", "up", "loop"):
        (fs.workdir / name).unlink(missing_ok=True)


@pytest.fixture
def host_dir(tmp_path: Path) -> Path:
    target = tmp_path / "host-only"
    target.mkdir()
    (target / "keep.txt").write_text("host data")
    return target


def _clear_outputs(kernel: SandboxKernel) -> None:
    code = (
        "import os, shutil\n"
        "if os.path.isdir('outputs') and not os.path.islink('outputs'):\n"
        "    shutil.rmtree('outputs')\n"
        "elif os.path.lexists('outputs'):\n"
        "    os.remove('outputs')"
    )
    assert kernel.execute(code).ok


def test_host_does_not_follow_an_outputs_symlink(
    redteam: Harness, fs: SandboxKernel, host_dir: Path
) -> None:
    """The host saves images under workspace/outputs: a planted link must not send them out."""
    _clear_outputs(fs)
    fs.execute(f"import os\nos.symlink({str(host_dir)!r}, 'outputs')")
    redteam.attack(fs, SHOW_PNG, r"image could not be saved")
    assert sorted(p.name for p in host_dir.iterdir()) == ["keep.txt"]
    _clear_outputs(fs)


def test_host_does_not_follow_an_image_file_symlink(
    redteam: Harness, fs: SandboxKernel, host_dir: Path
) -> None:
    _clear_outputs(fs)
    victim = host_dir / "keep.txt"
    # one entry in outputs/, so the next name is image_2.png: exactly the link
    fs.execute(
        f"import os\nos.mkdir('outputs')\nos.symlink({str(victim)!r}, 'outputs/image_2.png')"
    )
    obs = redteam.attack(fs, SHOW_PNG, r"\[image saved to outputs/image_3\.png\]")
    assert victim.read_text() == "host data"
    assert (fs.workdir / obs.images[0]).read_bytes() == base64.b64decode(PNG)
    _clear_outputs(fs)


def test_host_is_not_blocked_by_a_fifo_named_outputs(redteam: Harness, fs: SandboxKernel) -> None:
    _clear_outputs(fs)
    fs.execute("import os\nos.mkfifo('outputs')")
    obs = redteam.attack(fs, SHOW_PNG, r"image could not be saved")
    assert obs.seconds < 5
    _clear_outputs(fs)


def test_host_cleanup_does_not_follow_workspace_symlinks(redteam: Harness, host_dir: Path) -> None:
    kernel = start_kernel(None)  # a workspace of its own, removed by shutdown
    workdir = kernel.workdir
    try:
        code = f"""
import os
os.symlink({str(host_dir)!r}, "dir-link")
os.symlink({str(host_dir / "keep.txt")!r}, "file-link")
os.makedirs("nested/deeper")
os.symlink({str(host_dir)!r}, "nested/deeper/link")
print(sorted(os.listdir(".")))
"""
        redteam.attack(kernel, code, r"dir-link")
    finally:
        kernel.shutdown()
    assert not workdir.exists()
    assert (host_dir / "keep.txt").read_text() == "host data"


def test_tmp_is_capped(redteam: Harness, fs: SandboxKernel) -> None:
    code = """
import os
written = 0
try:
    with open("/tmp/fill", "wb") as f:
        for _ in range(200):
            f.write(b"x" * (1 << 20))
            f.flush()
            written += 1
finally:
    print("wrote", written, "MiB to /tmp")
    os.remove("/tmp/fill")
"""
    obs = redteam.attack(fs, code, r"No space left on device")
    written = int(obs.output.split("wrote ")[1].split()[0])
    assert 32 <= written <= 64
    assert str(fs.execute("open('/tmp/after', 'w').write('ok')")) == "2"


def test_workspace_files_keep_host_ownership_sane(redteam: Harness, fs: SandboxKernel) -> None:
    """Files written in the sandbox stay plain files: no setuid bit survives, no device nodes."""
    code = """
import os, stat
open("suid", "w").close()
os.chmod("suid", 0o4755)
print("mode", oct(os.stat("suid").st_mode))
os.mknod("node", stat.S_IFCHR | 0o666, os.makedev(1, 3))
"""
    redteam.attack(fs, code, r"Operation not permitted")
    # the bind mount is nosuid: even where the bit is set, it grants nothing on exec
    mounts = fs.execute("print([l for l in open('/proc/self/mountinfo') if ' /workspace ' in l])")
    assert "nosuid" in str(mounts) and "nodev" in str(mounts)
    os.remove(fs.workdir / "suid")
