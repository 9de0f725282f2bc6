"""Out of file descriptors (issue 10, item 4).  At the descriptor limit every
accept fails at once; the server used to retry at once, logging
"accept failed: Too many open files" 50,000-140,000 times a second at 114%
CPU.  It must back off, log rarely, keep serving its open connections,
accept again once descriptors are free, and raise its soft RLIMIT_NOFILE to
the hard limit at start."""

import mmap
import os
import socket
import stat
import sys
import time

import pytest

from conftest import DDBD_BIN, DdbdServer

GET = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"


def limited_binary(tmp_path, soft, hard):
    """A wrapper that execs ddbd (same pid) under RLIMIT_NOFILE soft/hard."""
    path = tmp_path / f"ddbd-nofile-{soft}-{hard}"
    path.write_text(
        f"#!{sys.executable}\n"
        "import os, resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_NOFILE, ({soft}, {hard}))\n"
        f"os.execv({DDBD_BIN!r}, [{DDBD_BIN!r}] + sys.argv[1:])\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def sanitized(binary):
    with open(binary, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        return m.find(b"__asan_init") >= 0


def start(tmp_path, soft, hard):
    if not os.path.exists(DDBD_BIN):
        pytest.skip(f"ddbd binary not found at {DDBD_BIN}")
    srv = DdbdServer(binary=limited_binary(tmp_path, soft, hard))
    return srv.start(["--in-memory"])


def answered(s, timeout):
    """True when s gets a complete health-check answer within timeout."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"healthy" not in data:
            chunk = s.recv(4096)
            if not chunk:
                return False
            data += chunk
    except (socket.timeout, ConnectionResetError):
        return False
    return data.startswith(b"HTTP/1.1 200")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_soft_fd_limit_raised_to_hard(tmp_path):
    srv = start(tmp_path, 64, 512)
    try:
        with open(f"/proc/{srv.pid}/limits") as f:
            line = next(l for l in f if l.startswith("Max open files"))
        soft, hard = line.split()[3:5]
        assert (soft, hard) == ("512", "512"), line
    finally:
        srv.stop()


def test_out_of_descriptors_backs_off_and_recovers(tmp_path):
    if os.path.exists(DDBD_BIN) and sanitized(DDBD_BIN):
        # The sanitizer runtime needs descriptors of its own: UBSan's vptr
        # check probes memory through a pipe, so at the limit it reports a
        # false "invalid vptr" in fmt and halts the server.
        pytest.skip("not meaningful under ASan/UBSan: the sanitizer runtime itself runs out of descriptors")
    srv = start(tmp_path, 64, 64)
    conns = []
    try:
        # Open keep-alive connections until one is not accepted.
        waiting = None
        for _ in range(80):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            s.sendall(GET)
            if not answered(s, 1.0):
                waiting = s  # connected in the kernel's backlog, not accepted
                break
            conns.append(s)
        assert waiting is not None, "never reached the descriptor limit"
        assert len(conns) > 10

        # At the limit: the server does not spin ...
        cpu0, t0 = cpu_seconds(srv.pid), time.monotonic()
        time.sleep(3)
        cpu = cpu_seconds(srv.pid) - cpu0
        wall = time.monotonic() - t0
        assert cpu < 0.3 * wall, f"server used {cpu:.2f} s of CPU in {wall:.2f} s at the fd limit"
        # ... keeps serving the connections it has ...
        for s in conns[:5]:
            s.sendall(GET)
            assert answered(s, 5), "an open connection stopped being served at the fd limit"
        # ... and logs a line, not a flood.
        log = os.path.getsize(srv._stderr_path)
        assert log < 16 * 1024, f"{log} bytes of log at the fd limit: {srv.stderr()[-500:]}"

        # Free some descriptors: the waiting connection is taken, and so are new ones.
        for s in conns[-10:]:
            s.close()
        del conns[-10:]
        assert answered(waiting, 5), "the waiting connection was not accepted after descriptors were freed"
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        conns.append(s)
        s.sendall(GET)
        assert answered(s, 5)
        assert srv.alive()
    finally:
        for s in conns:
            s.close()
        if waiting is not None:
            waiting.close()
        srv.stop()
