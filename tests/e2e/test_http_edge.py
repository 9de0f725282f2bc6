"""HTTP edges (issue 10, item 7): malformed or oversized requests get an HTTP
answer and then a close, never a silent close; HEAD answers carry no body;
`Expect: 100-continue` is answered; headers trickled byte by byte hit a
deadline.  Raw sockets throughout: http.client would smooth these over."""

import json
import socket
import time

import pytest

from conftest import TARGET_PREFIX, raw_request, sign_headers


def exchange(port, raw, timeout=5.0):
    """Send raw bytes and read until the server closes (or `timeout`).
    Returns (bytes, closed) where closed says the server closed first."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    data = b""
    try:
        s.sendall(raw)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                return data, False
            except ConnectionResetError:
                return data, True
            if not chunk:
                return data, True
            data += chunk
        return data, False
    finally:
        s.close()


def split_response(data):
    """(status code, lower-cased header dict, body bytes) of one response."""
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, f"no complete response head: {data[:300]!r}"
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    assert parts[0] == "HTTP/1.1", lines[0]
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(parts[1]), headers, body


GET = b"GET / HTTP/1.1\r\nHost: x\r\n"

# Each of these used to be closed with no answer at all.
REFUSED = [
    ("content-length over 16 MiB", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n", 413),
    ("headers over 64 KB", GET + b"X-Big: " + b"a" * 70000 + b"\r\n\r\n", 431),
    ("request line over 64 KB", b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 431),
    ("700 headers of 110 bytes (77 KB)",
     GET + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(700)) + b"\r\n", 431),
    ("request line and headers over 64 KB together",
     b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 30000 + b"\r\n\r\n", 431),
    ("DEL in a header value", GET + b"X-A: a\x7fb\r\n\r\n", 400),
    ("NUL in a header value", GET + b"X-A: a\x00b\r\n\r\n", 400),
    ("duplicate content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
    ("negative content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -2\r\n\r\n{}", 400),
    ("hex content-length", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x2\r\n\r\n{}", 400),
    ("bad chunk size", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", 400),
    ("HTTP/2.0 request line", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    ("bare LF line endings", b"GET / HTTP/1.1\nHost: x\n\n", 400),
]


@pytest.mark.parametrize("name,raw,status", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_requests_get_an_answer_then_close(server, name, raw, status):
    data, closed = exchange(server.port, raw)
    assert data, f"{name}: connection closed with no answer"
    code, headers, body = split_response(data)
    assert code == status, (name, data[:300])
    assert headers.get("connection", "").lower() == "close", headers
    assert int(headers["content-length"]) == len(body)
    assert closed, "the server must close after refusing a request"
    # Refusals carry DynamoDB's Server and Date headers too.
    assert headers["server"] == "Server"
    assert headers["date"].endswith(" GMT")
    if status == 413:
        # The answer DynamoDB (and dynalite) give to an oversized body.
        assert json.loads(body) == {"__type": "com.amazon.coral.service#SerializationException",
                                    "Message": "Request payload too large"}
    # The server is unharmed.
    assert raw_request(server.url, "GET", "/")[0] == 200


def test_oversized_body_sent_in_full_still_gets_413(server):
    """A client that sends all of a 20 MB body before reading still gets the
    413: the server drains what is in flight instead of resetting."""
    body = b"x" * (20 * 1024 * 1024)
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    try:
        s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(body))
        s.sendall(body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    code, headers, _ = split_response(data)
    assert code == 413
    assert headers["connection"].lower() == "close"


def test_head_has_no_body(server):
    _, get_headers, get_body = split_response(
        exchange(server.port, GET + b"Connection: close\r\n\r\n")[0])
    assert get_body
    # Keep-alive HEAD followed by a GET on the same connection: a body after
    # the HEAD answer would be read as the start of the next answer.
    data, _ = exchange(server.port, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + GET + b"Connection: close\r\n\r\n")
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
    head_part, _, rest = data.partition(b"\r\n\r\n")
    assert rest.startswith(b"HTTP/1.1 200"), f"HEAD answer carried a body: {rest[:100]!r}"
    head_headers = split_response(head_part + b"\r\n\r\n")[1]
    # RFC 9110 9.3.2: the headers of the GET answer, Content-Length included.
    assert int(head_headers["content-length"]) == len(get_body)
    assert split_response(rest)[2] == get_body
    # A HEAD that is not the health check: still no body.
    data, _ = exchange(server.port, b"HEAD /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    code, headers, body = split_response(data)
    assert code == 404 and int(headers["content-length"]) > 0 and body == b""


def test_expect_100_continue(server):
    body = b"{}"
    h = sign_headers(server.url, TARGET_PREFIX + "ListTables", body)
    h["Expect"] = "100-continue"
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
    s = socket.create_connection(("127.0.0.1", server.port), timeout=3)
    try:
        s.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode())
        try:
            interim = s.recv(4096)
        except socket.timeout:
            pytest.fail("no 100 Continue: the client would wait before sending the body")
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n"
        s.sendall(body)
        data = b""
        while b"TableNames" not in data:
            chunk = s.recv(65536)
            assert chunk, data
            data += chunk
        assert data.startswith(b"HTTP/1.1 200"), data[:200]
    finally:
        s.close()


def test_headers_trickled_hit_the_header_deadline(server_factory):
    """Slowloris: a client sending its headers a byte at a time is closed when
    the header deadline (--header-timeout, here 1 s) passes, although it is
    never idle for long."""
    srv = server_factory(["--in-memory", "--header-timeout", "1"])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=0.2)
    closed_after = None
    t0 = time.monotonic()
    try:
        for b in b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000:
            try:
                s.sendall(bytes([b]))
                if s.recv(4096) == b"":
                    closed_after = time.monotonic() - t0
                    break
            except socket.timeout:
                pass
            except (BrokenPipeError, ConnectionResetError):
                closed_after = time.monotonic() - t0
                break
            if time.monotonic() - t0 > 10:
                break
    finally:
        s.close()
    assert closed_after is not None, "a trickling client held the connection for 10 s"
    assert closed_after < 5
    assert srv.alive()


def test_idle_keep_alive_is_not_cut_by_the_header_deadline(server_factory):
    """The header deadline counts from a request's first byte: a keep-alive
    connection may wait longer than it between requests."""
    srv = server_factory(["--in-memory", "--header-timeout", "1"])
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    try:
        for _ in range(2):
            time.sleep(1.5)
            s.sendall(GET + b"\r\n")
            data = b""
            while b"healthy" not in data:
                chunk = s.recv(4096)
                assert chunk, "idle keep-alive connection closed"
                data += chunk
            assert data.startswith(b"HTTP/1.1 200")
    finally:
        s.close()


def test_headers_just_under_the_limit_are_served(server):
    """A signed request whose header block is just under 64 KB is served."""
    body = b"{}"
    h = sign_headers(server.url, TARGET_PREFIX + "ListTables", body, {"X-Pad": "p" * 60000})
    status, _, data = raw_request(server.url, "POST", "/", body, h)
    assert status == 200, data


def test_chunked_body_and_pipelined_requests(server):
    """A chunked request body (split across writes, with a chunk extension)
    is read whole, and the request pipelined behind it is answered next;
    HTTP/1.0 gets its answer and a close."""
    body = b"{}"
    h = sign_headers(server.url, TARGET_PREFIX + "ListTables", body)
    head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items())
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    data = b""
    try:
        s.sendall(f"{head}Transfer-Encoding: chunked\r\n\r\n1\r\n{{\r\n".encode())
        time.sleep(0.05)
        s.sendall(b"1;x=y\r\n}\r\n0\r\n\r\n" + GET + b"\r\n" + b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    first, _, rest = data.partition(b'{"TableNames":')
    assert first.startswith(b"HTTP/1.1 200"), data[:300]
    assert rest.count(b"healthy: x") == 2, data
    assert b"HTTP/1.0 200" in rest and b"Connection: close" not in first, data
