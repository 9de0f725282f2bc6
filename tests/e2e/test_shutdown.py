"""Graceful SIGTERM (issue 10, item 6): the server stops accepting, closes
idle keep-alive connections, finishes the requests in progress (being read,
processed or answered) and exits 0; after --shutdown-timeout it exits anyway.
Reproduces: a 14 MB BatchGetItem answer to a slow reader was cut at 2.8 MB,
the process gone 16 ms after the signal."""

import json
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import DDBD_BIN, TARGET_PREFIX, create_simple_table, raw_request, sign_headers


def wait_exit(srv, timeout):
    """The exit status of srv's process, or None if still running after timeout."""
    try:
        return srv.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def signed_head(url, target, body, extra=""):
    h = sign_headers(url, target, body)
    return ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
            + extra + f"Content-Length: {len(body)}\r\n\r\n").encode()


def read_response(s, data=b""):
    """Read one Content-Length response from s (after `data` already read)."""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        assert chunk, f"closed inside the response head after {len(data)} bytes"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    headers = {}
    for line in head.decode("latin-1").split("\r\n")[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    length = int(headers["content-length"])
    while len(body) < length:
        chunk = s.recv(1 << 20)
        assert chunk, f"response cut at {len(body)} of {length} body bytes"
        body += chunk
    return head.split(b"\r\n", 1)[0], headers, body


def test_sigterm_finishes_a_large_answer_to_a_slow_reader(server_factory, tmp_path):
    srv = server_factory([])
    client = srv.client()
    create_simple_table(client, "big")
    blob = "x" * (350 * 1024)
    for i in range(40):  # 40 x 350 KB: a 14 MB BatchGetItem answer
        client.put_item(TableName="big", Item={"pk": {"S": f"k{i}"}, "v": {"S": blob}})
    body = json.dumps({"RequestItems": {"big": {"Keys": [{"pk": {"S": f"k{i}"}} for i in range(40)]}}}).encode()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    s.settimeout(20)
    s.connect(("127.0.0.1", srv.port))
    try:
        s.sendall(signed_head(srv.url, TARGET_PREFIX + "BatchGetItem", body) + body)
        first = s.recv(65536)
        assert first.startswith(b"HTTP/1.1 200"), first[:200]
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)  # the slow reader: the server must wait for it
        assert srv.alive(), "the server exited while an answer was being written"
        # New connections are refused once the signal has arrived.
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        status, headers, data = read_response(s, first)
        assert status == b"HTTP/1.1 200 OK"
        answer = json.loads(data)
        assert len(answer["Responses"]["big"]) == 40
        assert len(data) > 14 * 1000 * 1000
        assert s.recv(1) == b"", "the connection stays open after the answer"
    finally:
        s.close()
    assert wait_exit(srv, 10) == 0


def test_sigterm_finishes_a_request_being_read(server_factory):
    srv = server_factory(["--in-memory"])
    body = b"{}"
    raw = signed_head(srv.url, TARGET_PREFIX + "ListTables", body) + body
    idle = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    try:
        # An idle keep-alive connection, after one answered request.
        idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        read_response(idle)
        s.sendall(raw[:40])
        time.sleep(0.2)
        srv.proc.send_signal(signal.SIGTERM)
        # The idle connection is closed at once ...
        assert idle.recv(1) == b""
        time.sleep(0.5)
        assert srv.alive(), "the server exited while a request was being read"
        # ... the one in the middle of a request gets its answer, then a close.
        s.sendall(raw[40:])
        status, headers, data = read_response(s)
        assert status == b"HTTP/1.1 200 OK"
        assert "TableNames" in json.loads(data)
        assert headers.get("connection", "").lower() == "close"
        assert s.recv(1) == b""
    finally:
        idle.close()
        s.close()
    assert wait_exit(srv, 10) == 0


def test_sigterm_exits_at_once_when_idle(server_factory):
    srv = server_factory(["--in-memory"])
    assert raw_request(srv.url, "GET", "/")[0] == 200
    srv.proc.send_signal(signal.SIGTERM)
    assert wait_exit(srv, 5) == 0


def test_shutdown_timeout_bounds_the_wait(server_factory):
    """A request that never completes keeps the server only for
    --shutdown-timeout seconds; then it exits 0 anyway."""
    srv = server_factory(["--in-memory", "--shutdown-timeout", "1"])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    try:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
        time.sleep(0.2)
        t0 = time.monotonic()
        srv.proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        assert srv.alive(), "the server did not wait for the request in progress"
        assert wait_exit(srv, 5) == 0
        assert time.monotonic() - t0 < 5
    finally:
        s.close()


@pytest.mark.parametrize("flag,value", [("--shutdown-timeout", "-1"), ("--shutdown-timeout", "soon"),
                                        ("--header-timeout", "0"), ("--header-timeout", "1.5")])
def test_bad_timeout_values_are_rejected(flag, value):
    if not os.path.exists(DDBD_BIN):
        pytest.skip("no binary")
    p = subprocess.run([DDBD_BIN, "--in-memory", flag, value], capture_output=True, text=True, timeout=10)
    assert p.returncode == 2
    assert f"invalid {flag} value: {value}" in p.stderr


def test_sigterm_stops_background_services_and_exits_promptly(server_factory):
    """Issue 11, part 4: background services (the ClientRequestToken cache's
    sweep) start with the server and, on SIGTERM, are stopped and joined after
    the listener has drained and before the store closes; the process still
    exits 0 at once, though the sweep interval is far from over."""
    srv = server_factory(["--in-memory", "--log-level", "info"])
    client = srv.client()
    create_simple_table(client, "svc")
    items = [{"Put": {"TableName": "svc", "Item": {"pk": {"S": "a"}}}}]
    first = client.transact_write_items(TransactItems=items, ClientRequestToken="svc-token")
    again = client.transact_write_items(TransactItems=items, ClientRequestToken="svc-token")
    assert again["ResponseMetadata"]["HTTPStatusCode"] == first["ResponseMetadata"]["HTTPStatusCode"] == 200
    t0 = time.monotonic()
    srv.proc.send_signal(signal.SIGTERM)
    assert wait_exit(srv, 5) == 0
    assert time.monotonic() - t0 < 5
    log = srv.stderr()
    started = log.find("services started: client-request-tokens")
    signalled = log.find("signal 15: stopping")
    stopped = log.find("services stopped")
    assert 0 <= started < signalled < stopped, log
    assert log.rfind("] stopped") > stopped, log
