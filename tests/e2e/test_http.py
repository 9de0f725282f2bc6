"""Raw HTTP protocol behaviour."""

import http.client
import json
import re
import socket
import time
import zlib

import pytest

from conftest import (TARGET_PREFIX, error_message, error_type, raw_post, raw_request,
                      sign_headers)


def check_common_headers(hdrs, body_bytes):
    assert "x-amzn-requestid" in hdrs, hdrs
    assert hdrs["x-amzn-requestid"]
    assert "x-amz-crc32" in hdrs, hdrs
    assert int(hdrs["x-amz-crc32"]) == zlib.crc32(body_bytes) & 0xFFFFFFFF


def post_bytes(url, target, body, headers=None, sign=True):
    """Like raw_post but returns the raw body bytes too."""
    if sign:
        h = sign_headers(url, target, body, headers)
    else:
        h = {"Content-Type": "application/x-amz-json-1.0"}
        if target:
            h["X-Amz-Target"] = target
        h.update(headers or {})
    return raw_request(url, "POST", "/", body, h)


def test_health(server):
    # DynamoDB's endpoint names the host the request was sent to.
    status, hdrs, data = raw_request(server.url, "GET", "/")
    assert status == 200
    assert data.decode() == "healthy: " + server.url.split("//", 1)[1]
    assert hdrs["content-type"] == "text/plain"
    check_common_headers(hdrs, data)
    status, hdrs, data = raw_request(server.url, "GET", "/", headers={"Host": "dynamodb.eu-west-3.amazonaws.com"})
    assert data.decode() == "healthy: dynamodb.eu-west-3.amazonaws.com"


def test_list_tables_raw(server):
    status, hdrs, data = post_bytes(server.url, TARGET_PREFIX + "ListTables", b"{}")
    assert status == 200
    assert hdrs["content-type"].startswith("application/x-amz-json-1.0")
    assert "TableNames" in json.loads(data)
    check_common_headers(hdrs, data)


@pytest.mark.parametrize("target", [None, TARGET_PREFIX + "Nope"], ids=["missing_target", "unknown_operation"])
def test_unknown_operation(server, target):
    status, hdrs, data = post_bytes(server.url, target, b"{}")
    assert status == 400
    body = json.loads(data)
    assert body["__type"].endswith("#UnknownOperationException"), body
    check_common_headers(hdrs, data)


def test_malformed_json(server):
    status, hdrs, data = post_bytes(server.url, TARGET_PREFIX + "ListTables", b"{not json")
    assert status == 400
    body = json.loads(data)
    assert body["__type"] == "com.amazon.coral.service#SerializationException", body
    check_common_headers(hdrs, data)


@pytest.mark.parametrize("payload", [
    b'{"TableName": 5}',
    b'{"TableName": ["x"]}',
    b'{"TableName": {"a": 1}}',
    b'[]',
])
def test_wrong_json_type(server, payload):
    status, hdrs, data = post_bytes(server.url, TARGET_PREFIX + "DescribeTable", payload)
    assert status == 400
    body = json.loads(data)
    assert body["__type"] == "com.amazon.coral.service#SerializationException", body
    check_common_headers(hdrs, data)


def test_wrong_json_type_in_item(server):
    payload = json.dumps({"TableName": "whatever", "Item": {"k": {"S": 5}}}).encode()
    status, _, body = raw_post(server.url, TARGET_PREFIX + "PutItem", payload)
    assert status == 400
    assert error_type(body) == "SerializationException", body


def test_missing_authorization(server):
    status, hdrs, data = post_bytes(server.url, TARGET_PREFIX + "ListTables", b"{}", sign=False)
    assert status == 400
    body = json.loads(data)
    assert body["__type"] == "com.amazon.coral.service#MissingAuthenticationTokenException", body
    assert error_message(body) == "Request is missing Authentication Token"
    check_common_headers(hdrs, data)


def test_unsupported_operation(server):
    payload = json.dumps({"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/whatever",
                          "S3Bucket": "bucket"}).encode()
    status, hdrs, data = post_bytes(server.url, TARGET_PREFIX + "ExportTableToPointInTime", payload)
    assert status == 400
    body = json.loads(data)
    assert "__type" in body
    assert "ExportTableToPointInTime" in error_message(body), body
    check_common_headers(hdrs, data)


def test_error_responses_have_crc_and_request_id(server):
    ids = set()
    for target, payload, type_ in [
        (TARGET_PREFIX + "DescribeTable", b'{"TableName": "no-such-table-xyz"}',
         "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"),
        (TARGET_PREFIX + "CreateTable", b'{"TableName": "ab"}',
         "com.amazon.coral.validate#ValidationException"),
        (TARGET_PREFIX + "ListTables", b'{"Limit": 0}',
         "com.amazon.coral.validate#ValidationException"),
    ]:
        status, hdrs, data = post_bytes(server.url, target, payload)
        assert status == 400
        check_common_headers(hdrs, data)
        ids.add(hdrs["x-amzn-requestid"])
        body = json.loads(data)
        assert body["__type"] == type_, body
    assert len(ids) == 3


def test_describe_missing_table_raw(server):
    status, _, body = raw_post(server.url, TARGET_PREFIX + "DescribeTable",
                               b'{"TableName": "no-such-table-raw"}')
    assert status == 400
    assert body["__type"] == "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
    assert error_message(body) == "Requested resource not found: Table: no-such-table-raw not found"


def test_validation_aggregation(server):
    payload = json.dumps({
        "TableName": "ab",
        "BillingMode": "X",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    }).encode()
    status, _, body = raw_post(server.url, TARGET_PREFIX + "CreateTable", payload)
    assert status == 400
    assert error_type(body) == "ValidationException"
    msg = error_message(body)
    assert msg.startswith("2 validation errors detected: "), msg
    assert "Value 'ab' at 'tableName' failed to satisfy constraint" in msg
    assert "Value 'X' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set" in msg


def test_validation_aggregation_three(server):
    payload = json.dumps({
        "TableName": "a b",
        "BillingMode": "X",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "Q"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    }).encode()
    status, _, body = raw_post(server.url, TARGET_PREFIX + "CreateTable", payload)
    assert status == 400
    msg = error_message(body)
    m = re.match(r"^(\d+) validation errors detected: ", msg)
    assert m, msg
    assert int(m.group(1)) == 3, msg
    assert "attributeDefinitions.1.member.attributeType" in msg


def test_single_validation_error_prefix(server):
    status, _, body = raw_post(server.url, TARGET_PREFIX + "ListTables", b'{"Limit": 500}')
    assert status == 400
    msg = error_message(body)
    assert msg.startswith("1 validation error detected: Value '500' at 'limit' failed to satisfy constraint: "), msg


def test_keep_alive(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        sock = None
        for i in range(6):
            target = TARGET_PREFIX + ("ListTables" if i % 2 == 0 else "DescribeTable")
            body = b"{}" if i % 2 == 0 else b'{"TableName": "no-such-keepalive"}'
            conn.request("POST", "/", body=body, headers=sign_headers(server.url, target, body))
            resp = conn.getresponse()
            data = resp.read()
            assert resp.status == (200 if i % 2 == 0 else 400)
            assert json.loads(data)
            assert resp.getheader("Connection", "").lower() != "close"
            if sock is None:
                sock = conn.sock
            else:
                assert conn.sock is sock, "connection was not kept alive"
        conn.request("GET", "/")
        resp = conn.getresponse()
        assert resp.status == 200
        resp.read()
        assert conn.sock is sock
    finally:
        conn.close()


def test_oversized_body(server):
    size = 20 * 1024 * 1024
    body = b'{"TableName":"' + b"x" * (size - 20) + b'"}'
    h = sign_headers(server.url, TARGET_PREFIX + "DescribeTable", b"")  # signature irrelevant
    h["Content-Length"] = str(len(body))
    s = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    status_line = b""
    try:
        head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in h.items() if k.lower() != "content-length") + \
            f"Content-Length: {len(body)}\r\n\r\n"
        s.sendall(head.encode())
        try:
            s.sendall(body)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        try:
            status_line = s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            status_line = b""
    finally:
        s.close()
    if status_line:
        assert status_line.startswith(b"HTTP/1.1 413") or status_line.startswith(b"HTTP/1.1 400"), status_line[:200]
    # The server is still alive and serving.
    assert server.alive()
    status, _, data = raw_request(server.url, "GET", "/")
    assert status == 200
    status, _, body = raw_post(server.url, TARGET_PREFIX + "ListTables", b"{}")
    assert status == 200


def test_slow_client_does_not_block_others(server):
    stalled = []
    try:
        # One stuck mid-body, one stuck mid-headers, one connected and silent.
        s1 = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s1.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n"
                   b"X-Amz-Target: DynamoDB_20120810.ListTables\r\n\r\n{")
        s2 = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        s2.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
        s3 = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        stalled = [s1, s2, s3]
        for _ in range(5):
            t0 = time.monotonic()
            status, _, body = raw_post(server.url, TARGET_PREFIX + "ListTables", b"{}")
            assert status == 200
            assert time.monotonic() - t0 < 3
            status, _, _ = raw_request(server.url, "GET", "/", timeout=5)
            assert status == 200
    finally:
        for s in stalled:
            s.close()
    assert server.alive()


def test_garbage_request_line(server):
    s = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    try:
        s.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        try:
            s.recv(4096)
        except (ConnectionResetError, socket.timeout):
            pass
    finally:
        s.close()
    assert server.alive()
    status, _, _ = raw_request(server.url, "GET", "/")
    assert status == 200


def test_server_and_date_headers(server):
    """DynamoDB answers carry `Server: Server` and an IMF-fixdate Date, on
    successes and errors alike."""
    import email.utils
    for target, body in [("ListTables", b"{}"), ("DescribeTable", b'{"TableName": "NoSuchTable"}')]:
        status, hdrs, _ = post_bytes(server.url, TARGET_PREFIX + target, body)
        assert hdrs["server"] == "Server"
        assert re.fullmatch(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                            r"\d{4} \d\d:\d\d:\d\d GMT", hdrs["date"]), hdrs["date"]
        sent = email.utils.parsedate_to_datetime(hdrs["date"]).timestamp()
        assert abs(sent - time.time()) < 5
    status, hdrs, _ = raw_request(server.url, "GET", "/")
    assert hdrs["server"] == "Server" and hdrs["date"].endswith(" GMT")


CORS_HEADERS = ["access-control-allow-origin", "access-control-expose-headers", "access-control-max-age",
                "access-control-allow-methods", "access-control-allow-headers"]


def test_cors_without_origin_has_no_cors_headers(server):
    for method in ("GET", "POST", "OPTIONS"):
        _, hdrs, _ = raw_request(server.url, method, "/")
        assert not [h for h in CORS_HEADERS if h in hdrs], (method, hdrs)


def test_cors_default_allows_any_origin_with_star(server):
    """Without --cors, as DynamoDB Local's default: `*`, not the origin."""
    origin = {"Origin": "http://example.com"}
    for method in ("GET", "POST"):
        _, hdrs, _ = raw_request(server.url, method, "/", headers=origin)
        assert hdrs["access-control-allow-origin"] == "*", (method, hdrs)
        assert "x-amzn-RequestId" in hdrs["access-control-expose-headers"]
        assert "access-control-max-age" not in hdrs and "access-control-allow-methods" not in hdrs
    # A signed API call from a browser origin.
    status, hdrs, _ = post_bytes(server.url, TARGET_PREFIX + "ListTables", b"{}", origin)
    assert status == 200 and hdrs["access-control-allow-origin"] == "*"
    # The preflight echoes what was asked for.
    _, hdrs, data = raw_request(server.url, "OPTIONS", "/", headers={
        "Origin": "http://example.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-amz-target, authorization"})
    assert hdrs["access-control-allow-origin"] == "*"
    assert hdrs["access-control-allow-methods"] == "POST"
    assert hdrs["access-control-allow-headers"] == "content-type, x-amz-target, authorization"
    assert int(hdrs["access-control-max-age"]) > 0
    assert data == b""


def test_cors_list_echoes_listed_origins_only(server_factory):
    srv = server_factory(["--cors", "http://a.example, http://b.example"])
    _, hdrs, _ = raw_request(srv.url, "GET", "/", headers={"Origin": "http://b.example"})
    assert hdrs["access-control-allow-origin"] == "http://b.example"
    _, hdrs, _ = raw_request(srv.url, "GET", "/", headers={"Origin": "http://c.example"})
    assert "access-control-allow-origin" not in hdrs
    srv2 = server_factory(["--cors", "*"])
    _, hdrs, _ = raw_request(srv2.url, "GET", "/", headers={"Origin": "http://c.example"})
    assert hdrs["access-control-allow-origin"] == "*"
