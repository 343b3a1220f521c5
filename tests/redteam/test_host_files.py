"""Where the host touches files the sandbox wrote: who owns them, which mode bits they can carry,
how the host's side of the session (connection file, sockets) is kept out of the sandbox's reach,
and what the host does when it opens a path the sandbox could have planted.

Checked from the host's side: os.stat of what the sandbox left, the host's mount table, the host's
own reads of planted links and FIFOs, and the session's slot folder.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import CLEAN, Harness, start_kernel

from codeact.kernels import hostfs
from codeact.kernels.sandbox import SandboxKernel

ROOT = os.geteuid() == 0
DENIED = r"Operation not permitted|Operation not supported"


@pytest.fixture(scope="module")
def box(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("host-files"))
    yield kernel
    kernel.shutdown()


# --- class 1: privilege through files --------------------------------------------------------

SET_ID = {
    "chmod-setuid": "import os\nopen('a', 'w').close()\nos.chmod('a', 0o4755)",
    "chmod-setgid": "import os\nopen('b', 'w').close()\nos.chmod('b', 0o2755)",
    "fchmod-setuid": "import os\nfd = os.open('c', os.O_CREAT | os.O_WRONLY, 0o644)\nos.fchmod(fd, 0o4755)",
    "create-with-setuid-mode": "import os\nos.open('d', os.O_CREAT | os.O_WRONLY, 0o4755)",
    "mknod-regular-setuid": "import os, stat\nos.mknod('e', stat.S_IFREG | 0o4755)",
    "fchmodat2-raw-syscall": (
        "import ctypes, os\nopen('f', 'w').close()\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.syscall(452, -100, b'f', 0o4755, 0) < 0:\n"
        "    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))"
    ),
    "o-tmpfile-setuid": (
        "import os\nfd = os.open('.', os.O_TMPFILE | os.O_WRONLY, 0o6755)\n"
        "os.link(f'/proc/self/fd/{fd}', 'g', follow_symlinks=True)"
    ),
    "copy-a-setuid-binary": (
        "import os, shutil, glob\n"
        "src = next((p for p in glob.glob('/usr/bin/*') if os.stat(p).st_mode & 0o4000), None)\n"
        "shutil.copy2(src, 'h') if src else (open('h', 'w').close(), os.chmod('h', 0o4755))"
    ),
    "file-capability-xattr": (
        "import os\nopen('i', 'w').close()\n"
        "os.setxattr('i', 'security.capability', b'\\x01\\x00\\x00\\x02' + b'\\xff' * 16)"
    ),
    "setgid-directory": "import os\nos.mkdir('j')\nos.chmod('j', 0o2775)",
}


@pytest.mark.parametrize("code", SET_ID.values(), ids=SET_ID.keys())
def test_no_file_can_get_a_set_id_bit_or_capability(
    redteam: Harness, box: SandboxKernel, code: str
) -> None:
    redteam.attack(box, code, DENIED)
    for root, dirs, files in os.walk(box.workdir):
        for name in dirs + files:
            info = os.lstat(os.path.join(root, name))
            assert not info.st_mode & (stat.S_ISUID | stat.S_ISGID), f"{name} kept a set-id bit"
            with pytest.raises(OSError):
                os.getxattr(os.path.join(root, name), "security.capability", follow_symlinks=False)


def test_files_written_inside_belong_to_the_sessions_own_uid(
    redteam: Harness, box: SandboxKernel
) -> None:
    redteam.attack(
        box,
        "import os\nos.makedirs('made/deep', exist_ok=True)\nopen('made/deep/f', 'w').write('x')\nreport(os.listdir('made'))",
        CLEAN,
    )
    info = os.stat(box.workdir / "made" / "deep" / "f")
    if ROOT:
        assert info.st_uid == box.host_uid and info.st_uid != 0, "a sandbox file is host root's"
        assert box.host_uid != redteam.other.host_uid, "two sessions share a uid"
    else:
        assert info.st_uid == os.geteuid()


@pytest.mark.skipif(not ROOT, reason="mounts on the host need root")
def test_a_callers_workspace_is_nosuid_nodev_while_the_session_runs(box: SandboxKernel) -> None:
    options = _mount_options(box.workdir)
    assert options is not None, "the workspace is not a mount of its own"
    assert {"nosuid", "nodev"} <= options


@pytest.mark.skipif(not ROOT, reason="mounts on the host need root")
def test_the_slots_socket_folder_is_a_small_noexec_tmpfs(box: SandboxKernel) -> None:
    options = _mount_options(box.socket_dir)
    assert options is not None and {"nosuid", "nodev", "noexec"} <= options


@pytest.mark.skipif(not ROOT, reason="lending a folder to another uid needs root")
def test_a_callers_workspace_is_handed_back_without_set_id_bits(
    redteam: Harness, tmp_path: Path
) -> None:
    work = tmp_path / "lent"
    work.mkdir()
    (work / "data.csv").write_text("a,b\n1,2\n")
    kernel = start_kernel(work)
    try:
        redteam.attack(
            kernel,
            "import os\nos.makedirs('out', exist_ok=True)\nopen('out/r.txt', 'w').write('r')\n"
            "open('data.csv', 'a').write('3,4\\n')\nos.symlink('/etc/shadow', 'out/link')\n"
            "report(open('data.csv').read())",
            CLEAN,
        )
        assert (work / "out" / "r.txt").stat().st_uid == kernel.host_uid  # lent while it runs
    finally:
        kernel.shutdown()
    owner = (work.stat().st_uid, work.stat().st_gid)
    for path in [work, *work.rglob("*")]:
        info = os.lstat(path)
        assert (info.st_uid, info.st_gid) == owner, f"{path} was not handed back"
        assert not info.st_mode & (stat.S_ISUID | stat.S_ISGID)
    assert (work / "data.csv").read_text() == "a,b\n1,2\n3,4\n"
    assert _mount_options(work) is None, "the nosuid bind was left mounted"
    assert os.readlink(work / "out" / "link") == "/etc/shadow"  # a link, not followed
    assert os.stat("/etc/shadow").st_uid == 0, "handing back followed a link"


# --- class 2: host-side opens of paths the sandbox could control ---------------------------------


def test_the_host_side_of_the_session_is_out_of_the_sandboxs_reach(
    redteam: Harness, box: SandboxKernel
) -> None:
    assert box.runtime_dir is not None
    slot, sock = box.runtime_dir, box.socket_dir
    code = f"""
import os
results = {{}}
for name, action in [
    ("replace-connection-file", lambda: os.replace("/workspace/x", {str(slot / "kernel.json")!r})),
    ("write-connection-file", lambda: open({str(slot / "kernel.json")!r}, "w")),
    ("plant-link-in-sockets", lambda: os.symlink("/root/.codeact-redteam-secret", {str(sock / "kernel-9")!r})),
    ("fifo-in-sockets", lambda: os.mkfifo({str(sock / "fifo")!r})),
    ("replace-a-socket", lambda: os.rename({str(sock / "kernel-1")!r}, {str(sock / "old")!r})),
    ("fill-the-slot", lambda: open({str(sock / "fill")!r}, "wb").write(b"x" * 10**6)),
]:
    open("/workspace/x", "w").close()
    try:
        action()
        results[name] = "DONE"
    except OSError as e:
        results[name] = e.strerror
print("results:", results)
"""
    obs = redteam.attack(box, code, r"results: ")
    assert "DONE" not in obs.output, obs.output
    assert os.stat(slot).st_mode & 0o777 == 0o700 and os.stat(slot).st_uid == os.geteuid()
    assert sorted(p.name for p in sock.iterdir()) == [f"kernel-{n}" for n in range(1, 6)]


def test_a_kernel_death_then_restart_reads_nothing_planted(
    redteam: Harness, fresh: SandboxKernel
) -> None:
    """The old hole: after a death the host re-read the connection file, which the sandbox had
    swapped for a link to a host secret, a FIFO or /dev/zero. Now nothing there is its to swap."""
    assert fresh.runtime_dir is not None
    connection = fresh.runtime_dir / "kernel.json"
    code = f"""
import os
for swap in (lambda: os.unlink({str(connection)!r}),
             lambda: os.symlink("/root/.codeact-redteam-secret", {str(connection)!r})):
    try:
        swap()
    except OSError:
        pass
os._exit(3)
"""
    started = time.monotonic()
    obs = fresh.execute(code, timeout=20)
    assert "The kernel died (exit code 3) and was restarted" in str(obs)
    assert time.monotonic() - started < 20, "the host hung on its way back"
    redteam.assert_no_canary(obs)
    assert str(fresh.execute("1+1")) == "2"


def _plant(tmp_path: Path, kind: str) -> Path:
    target = tmp_path / "planted"
    if kind == "symlink":
        target.symlink_to("/etc/shadow")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "huge":
        with target.open("wb") as f:
            f.truncate(10 * 1024 * 1024 * 1024)  # sparse: 10 GiB claimed
    elif kind == "dir-link":
        (tmp_path / "real").mkdir()
        (tmp_path / "real" / "planted").write_text("x")
        (tmp_path / "sub").symlink_to(tmp_path / "real")
        return Path("sub") / "planted"
    return Path("planted")


@pytest.mark.parametrize("kind", ["symlink", "fifo", "huge", "dir-link"])
def test_host_reads_of_a_workspace_refuse_planted_paths_at_once(tmp_path: Path, kind: str) -> None:
    relative = _plant(tmp_path, kind)
    done = threading.Event()

    def read() -> None:
        with pytest.raises(hostfs.UnsafePath):
            hostfs.read_file(tmp_path, relative, max_bytes=1024 * 1024)
        done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    assert done.is_set(), f"the host blocked or failed otherwise on a planted {kind}"


def test_host_reads_refuse_traversal(tmp_path: Path) -> None:
    for bad in ("../etc/passwd", "/etc/passwd", "a/../../x"):
        with pytest.raises(hostfs.UnsafePath):
            hostfs.read_file(tmp_path, bad, max_bytes=100)


def test_an_image_save_never_blocks_on_a_planted_fifo(redteam: Harness, box: SandboxKernel) -> None:
    code = """
import os, base64
from IPython.display import Image, display
os.makedirs('outputs', exist_ok=True)
for n in range(1, 4):
    if not os.path.exists(f'outputs/image_{n}.png'):
        os.mkfifo(f'outputs/image_{n}.png')
png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
display(Image(base64.b64decode(png)))
"""
    started = time.monotonic()
    obs = redteam.attack(box, code, r"\[image saved to outputs/image_\d+\.png\]")
    assert time.monotonic() - started < 10
    saved = box.workdir / obs.images[0]
    assert stat.S_ISREG(os.lstat(saved).st_mode)
    if ROOT:
        assert os.stat(saved).st_uid == box.host_uid  # the sandbox may tidy it up


def _mount_options(path: Path) -> set[str] | None:
    """The options of the mount whose mount point is exactly `path`, from the host's table."""
    found = None
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        if fields[4] == str(path):
            found = set(fields[5].split(","))
    return found


@pytest.mark.parametrize("folder", ["/", "/etc", "/home", "/usr"])
def test_a_system_folder_is_never_lent_to_the_sandbox(folder: str) -> None:
    kernel = SandboxKernel(folder, timeout=5)
    with pytest.raises(Exception, match="the workspace cannot be"):
        kernel.start()
    assert os.stat(folder).st_uid == 0


@pytest.mark.skipif(not ROOT, reason="lending a folder to another uid needs root")
def test_only_the_owners_files_are_lent_and_other_owners_keep_theirs(
    redteam: Harness, tmp_path: Path
) -> None:
    work = tmp_path / "mixed"
    work.mkdir()
    (work / "theirs.txt").write_text("someone else's")
    os.chown(work / "theirs.txt", 4242, 4242)
    kernel = start_kernel(work)
    try:
        redteam.attack(kernel, "open('theirs.txt', 'a').write('x')", r"Permission denied")
    finally:
        kernel.shutdown()
    info = (work / "theirs.txt").stat()
    assert (info.st_uid, info.st_gid) == (4242, 4242)
    assert (work / "theirs.txt").read_text() == "someone else's"
