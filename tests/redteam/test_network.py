"""Network: the sandbox has its own empty network namespace (a loopback of its own, no routes).

Real servers listen on the HOST's loopback (TCP, UDP, IPv6, unix and abstract unix sockets) and
count what reaches them; the sandbox must not reach any of them. Connections to public and cloud
metadata addresses must fail at once, inside the namespace: no packet leaves, and the host itself
never sends anything to a non-loopback address in this module.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from redteam_harness import Harness, start_kernel

from codeact.kernels.sandbox import SandboxKernel

UNREACHABLE = r"Network is unreachable"
REFUSED = r"ConnectionRefusedError|Connection refused"


@dataclass
class HostServers:
    """Listeners on the host that record every connection or datagram they get."""

    tcp_port: int = 0
    tcp6_port: int | None = None
    udp_port: int = 0
    unix_path: str = ""
    abstract_name: str = ""
    hits: list[str] = field(default_factory=list)
    sockets: list[socket.socket] = field(default_factory=list)

    def listen(self, sock: socket.socket, label: str, stream: bool = True) -> None:
        self.sockets.append(sock)
        if stream:
            sock.listen(16)

        def serve() -> None:
            with contextlib.suppress(OSError):
                while True:
                    if stream:
                        conn, _ = sock.accept()
                        self.hits.append(label)
                        conn.close()
                    else:
                        sock.recvfrom(65536)
                        self.hits.append(label)

        threading.Thread(target=serve, daemon=True).start()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostServers]:
    found = HostServers()
    tcp = socket.socket()
    tcp.bind(("127.0.0.1", 0))
    found.tcp_port = tcp.getsockname()[1]
    found.listen(tcp, "tcp")
    try:
        tcp6 = socket.socket(socket.AF_INET6)
        tcp6.bind(("::1", 0))
        found.tcp6_port = tcp6.getsockname()[1]
        found.listen(tcp6, "tcp6")
    except OSError:
        found.tcp6_port = None
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    found.udp_port = udp.getsockname()[1]
    found.listen(udp, "udp", stream=False)
    unix = socket.socket(socket.AF_UNIX)
    found.unix_path = str(tmp_path_factory.mktemp("host-socket") / "host.sock")
    unix.bind(found.unix_path)
    found.listen(unix, "unix")
    abstract = socket.socket(socket.AF_UNIX)
    found.abstract_name = f"codeact-redteam-{found.tcp_port}"
    abstract.bind("\0" + found.abstract_name)
    found.listen(abstract, "abstract")
    # the servers work: the host itself gets through to each
    with socket.create_connection(("127.0.0.1", found.tcp_port), timeout=2):
        pass
    # the accept thread records that check asynchronously: wait for it, then start from zero
    deadline = time.monotonic() + 5
    while "tcp" not in found.hits and time.monotonic() < deadline:
        time.sleep(0.01)
    assert found.hits == ["tcp"], found.hits
    found.hits.clear()
    yield found
    for sock in found.sockets:
        sock.close()


@pytest.fixture(scope="module")
def net(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("network"))
    yield kernel
    kernel.shutdown()


@pytest.fixture
def quiet(servers: HostServers) -> Iterator[HostServers]:
    """Whatever the case does, no host listener may see it."""
    before = list(servers.hits)
    yield servers
    assert servers.hits == before, f"the sandbox reached a host listener: {servers.hits}"


HOST_LOOPBACK = {
    "tcp-127.0.0.1": (
        "import socket\nsocket.create_connection(('127.0.0.1', TCP_PORT), timeout=2)",
        REFUSED,
    ),
    "tcp-localhost-name": (
        "import socket\nsocket.create_connection(('localhost', TCP_PORT), timeout=2)",
        rf"{REFUSED}|gaierror",
    ),
    "tcp-127.0.0.2-same-loopback-net": (
        "import socket\nsocket.create_connection(('127.0.0.2', TCP_PORT), timeout=2)",
        REFUSED,
    ),
    "tcp-0.0.0.0": (
        "import socket\nsocket.create_connection(('0.0.0.0', TCP_PORT), timeout=2)",
        REFUSED,
    ),
    "http-urllib": (
        "import urllib.request\nurllib.request.urlopen('http://127.0.0.1:TCP_PORT/', timeout=2)",
        r"URLError.*Connection refused",
    ),
    "udp-connected-send": (
        "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.connect(('127.0.0.1', UDP_PORT)); s.settimeout(1)\n"
        "s.send(b'hello host'); s.recv(100)",
        REFUSED,
    ),
    "unix-socket-path": (
        "import socket\nsocket.socket(socket.AF_UNIX).connect('UNIX_PATH')",
        r"FileNotFoundError",
    ),
    "abstract-unix-socket": (
        "import socket\nsocket.socket(socket.AF_UNIX).connect('\\0ABSTRACT')",
        REFUSED,
    ),
    "scan-low-ports": (
        "import socket\nopen_ports = []\nfor port in list(range(1, 1025)) + [TCP_PORT]:\n"
        "    s = socket.socket(); s.settimeout(0.2)\n"
        "    if s.connect_ex(('127.0.0.1', port)) == 0: open_ports.append(port)\n"
        "    s.close()\nprint('open ports:', open_ports)",
        r"open ports: \[\]",
    ),
}


@pytest.mark.parametrize(("code", "expect"), HOST_LOOPBACK.values(), ids=HOST_LOOPBACK.keys())
def test_host_loopback_is_out_of_reach(
    redteam: Harness, net: SandboxKernel, quiet: HostServers, code: str, expect: str
) -> None:
    code = (
        code.replace("TCP_PORT", str(quiet.tcp_port))
        .replace("UDP_PORT", str(quiet.udp_port))
        .replace("UNIX_PATH", quiet.unix_path)
        .replace("ABSTRACT", quiet.abstract_name)
    )
    redteam.attack(net, code, expect)


def test_host_ipv6_loopback_is_out_of_reach(
    redteam: Harness, net: SandboxKernel, quiet: HostServers
) -> None:
    if quiet.tcp6_port is None:
        pytest.skip("no IPv6 loopback on this host")
    code = f"import socket\nsocket.create_connection(('::1', {quiet.tcp6_port}), timeout=2)"
    redteam.attack(net, code, rf"{REFUSED}|{UNREACHABLE}|Cannot assign")


OUTSIDE = {
    "tcp-1.1.1.1-53": ("socket.create_connection(('1.1.1.1', 53), timeout=5)", UNREACHABLE),
    "tcp-8.8.8.8-443": ("socket.create_connection(('8.8.8.8', 443), timeout=5)", UNREACHABLE),
    "tcp-metadata-169.254.169.254": (
        "socket.create_connection(('169.254.169.254', 80), timeout=5)",
        UNREACHABLE,
    ),
    "http-metadata-urllib": (
        "import urllib.request\n"
        "urllib.request.urlopen('http://169.254.169.254/latest/meta-data/', timeout=5)",
        UNREACHABLE,
    ),
    "tcp-private-10.0.0.1": ("socket.create_connection(('10.0.0.1', 22), timeout=5)", UNREACHABLE),
    "tcp-ipv6-public": (
        "s = socket.socket(socket.AF_INET6); s.settimeout(5)\n"
        "s.connect(('2606:4700:4700::1111', 53))",
        UNREACHABLE,
    ),
    "udp-dns-query-8.8.8.8": (
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.sendto(b'\\x12\\x34\\x01\\x00\\x00\\x01' + bytes(6) + b'\\x07example\\x03com\\x00\\x00\\x01\\x00\\x01', ('8.8.8.8', 53))",
        UNREACHABLE,
    ),
    "udp-broadcast": (
        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)\n"
        "s.sendto(b'x', ('255.255.255.255', 67))",
        UNREACHABLE,
    ),
    "dns-resolution": ("socket.getaddrinfo('example.com', 443)", r"gaierror"),
    "dns-resolution-metadata-name": (
        "socket.getaddrinfo('metadata.google.internal', 80)",
        r"gaierror",
    ),
    "raw-icmp-socket": (
        "socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)",
        r"PermissionError|Operation not permitted",
    ),
    "packet-socket": (
        "socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))",
        r"PermissionError|Operation not permitted",
    ),
    "only-a-loopback-interface": (
        "print('interfaces:', socket.if_nameindex())\n"
        "print('routes:', open('/proc/net/route').read().splitlines()[1:])",
        r"interfaces: \[\(1, 'lo'\)\]\nroutes: \[\]",
    ),
}


@pytest.mark.parametrize(("code", "expect"), OUTSIDE.values(), ids=OUTSIDE.keys())
def test_outside_is_unreachable_at_once(
    redteam: Harness, net: SandboxKernel, quiet: HostServers, code: str, expect: str
) -> None:
    obs = redteam.attack(net, "import socket\n" + code, expect)
    assert obs.seconds < 2, "the failure must come from the namespace, not a network timeout"


def test_a_server_in_the_sandbox_is_not_reachable_from_the_host(
    redteam: Harness, net: SandboxKernel
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"""
import socket, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("0.0.0.0", {port}))
srv.listen(5)
def serve():
    while True:
        conn, _ = srv.accept()
        conn.sendall(b"inside-the-sandbox")
        conn.close()
threading.Thread(target=serve, daemon=True).start()
with socket.create_connection(("127.0.0.1", {port}), timeout=2) as c:
    print("own loopback works:", c.recv(100).decode())
"""
    redteam.attack(net, code, r"own loopback works: inside-the-sandbox")
    got = b""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as c:
        c.settimeout(1)
        got = c.recv(100)
    assert b"inside-the-sandbox" not in got


def test_other_sessions_kernel_sockets_are_out_of_reach(
    redteam: Harness, net: SandboxKernel
) -> None:
    """The other session's Jupyter channels are IPC sockets in its slot folder on the host."""
    sockets = sorted(str(p) for p in redteam.other.socket_dir.glob("kernel-*"))
    assert sockets, "the other session has no IPC sockets to aim at"
    code = f"""
import socket, glob
results = []
for path in {sockets!r} + glob.glob("/run/codeact/*/sock/kernel-*"):
    s = socket.socket(socket.AF_UNIX)
    try:
        s.connect(path)
        results.append((path, "connected"))
    except OSError as e:
        results.append((path, type(e).__name__))
print({{p: r for p, r in results if p in {sockets!r}}})
"""
    obs = redteam.attack(net, code, r"FileNotFoundError")
    assert "connected" not in str(obs).split("\n")[-1]
