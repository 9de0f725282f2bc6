"""Compressed request bodies (Content-Encoding) and compressed responses
(Accept-Encoding), against the real binary.

DynamoDB's behaviour, as published conformance tests validated against AWS
pin it: gzip request bodies are accepted (concatenated members too, and
junk after the last member is ignored); an unknown Content-Encoding, or a
body that does not inflate (empty, truncated, not compressed at all) is a
500; answers of 4 KB or more are compressed when Accept-Encoding allows
gzip or deflate, and x-amz-crc32 covers the compressed bytes.  ddbd also
accepts deflate request bodies (zlib-wrapped or raw), and refuses an
inflated body over the 16 MB request limit with the 413 of an uncompressed
one (DynamoDB does not bound it; a small body must not become gigabytes).

botocore 1.29 on this machine predates request compression (and DynamoDB's
model has no requestcompression trait anyway), so compressed requests are
signed by hand over the compressed bytes, as an SDK signs them.
"""

import gzip
import json
import time
import zlib

import pytest

from conftest import (TARGET_PREFIX, create_simple_table, credentials_server, error_message, error_type,
                      parse_body, raw_request, sign_headers)

THRESHOLD = 4096
TOO_LARGE = "Request payload too large"


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def post_coded(url, op, payload, coding, akid="AKIDTEST", secret="secret", extra=None):
    """POST `payload` (bytes, already coded) with Content-Encoding `coding`
    (None: no header), signed over the bytes as sent."""
    headers = {"Content-Encoding": coding} if coding is not None else {}
    headers.update(extra or {})
    h = sign_headers(url, TARGET_PREFIX + op, payload, headers, akid=akid, secret=secret)
    return raw_request(url, "POST", "/", payload, h)


def put_body(table, pk, **attrs):
    item = {"pk": {"S": pk}}
    item.update({k: {"S": v} for k, v in attrs.items()})
    return json.dumps({"TableName": table, "Item": item}).encode()


def get_item(client, table, pk):
    return client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")


def raw_deflate(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


@pytest.fixture(scope="module")
def table(server):
    c = server.client()
    name = "Compression"
    create_simple_table(c, name)
    return name


# ------------------------------------------------------------ request bodies

@pytest.mark.parametrize("coding,encode", [
    ("gzip", gzip.compress),
    ("GZIP", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", raw_deflate),
    ("identity", lambda b: b),
    (" gzip ", gzip.compress),
], ids=["gzip", "gzip-upper", "deflate-zlib", "deflate-raw", "identity", "gzip-blanks"])
def test_compressed_put_and_get(server, client, table, coding, encode):
    pk = "put-" + coding.strip() + "-" + encode.__name__
    status, hdrs, data = post_coded(server.url, "PutItem", encode(put_body(table, pk, v="hello")), coding)
    assert status == 200, data
    assert get_item(client, table, pk) == {"pk": {"S": pk}, "v": {"S": "hello"}}
    # A compressed read request, too.
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": pk}}, "ConsistentRead": True}).encode()
    status, hdrs, data = post_coded(server.url, "GetItem", encode(body), coding)
    assert status == 200, data
    assert json.loads(data)["Item"]["v"] == {"S": "hello"}


def test_long_compressed_body_crosses_buffers(server, client, table):
    # Compresses ~1000x (the output buffer grows many times) and a body of
    # random text that barely compresses (input and output both in pieces).
    import random
    rnd = random.Random(7)
    for pk, v in [("long-x", "x" * 300_000), ("long-rand", "".join(rnd.choice("abcdefghij") for _ in range(120_000)))]:
        status, _, data = post_coded(server.url, "PutItem", gzip.compress(put_body(table, pk, v=v)), "gzip")
        assert status == 200, data
        assert get_item(client, table, pk)["v"]["S"] == v


def test_concatenated_gzip_members_are_one_body(server, client, table):
    raw = put_body(table, "two-members", v="y")
    status, _, data = post_coded(server.url, "PutItem", gzip.compress(raw[:10]) + gzip.compress(raw[10:]), "gzip")
    assert status == 200, data
    assert get_item(client, table, "two-members")["v"] == {"S": "y"}


def test_junk_after_the_gzip_stream_is_ignored(server, client, table):
    # DynamoDB accepts this (its decoder ignores a malformed trailer).
    status, _, data = post_coded(server.url, "PutItem", gzip.compress(put_body(table, "junk", v="z")) + b"junk", "gzip")
    assert status == 200, data
    assert get_item(client, table, "junk")["v"] == {"S": "z"}


def internal_error(status, data):
    body = parse_body(data)
    return status == 500 and error_type(body) == "InternalServerError", (status, body)


@pytest.mark.parametrize("name,coding,make", [
    ("not-compressed", "gzip", lambda raw: raw),
    ("truncated", "gzip", lambda raw: gzip.compress(raw)[:-1]),
    ("cut-in-half", "gzip", lambda raw: gzip.compress(raw)[: len(gzip.compress(raw)) // 2]),
    ("empty", "gzip", lambda raw: b""),
    ("bad-crc", "gzip", lambda raw: gzip.compress(raw)[:-8] + b"\0\0\0\0" + gzip.compress(raw)[-4:]),
    ("deflate-garbage", "deflate", lambda raw: b"\xff\xff\xff\xff" + raw),
    ("deflate-empty", "deflate", lambda raw: b""),
    ("gzip-labelled-deflate", "deflate", lambda raw: gzip.compress(raw)),
    ("unknown-coding", "br", lambda raw: raw),
    ("garbage-coding", "garbage", lambda raw: gzip.compress(raw)),
    ("coding-list", "gzip, gzip", lambda raw: gzip.compress(gzip.compress(raw))),
    ("x-gzip", "x-gzip", lambda raw: gzip.compress(raw)),
])
def test_broken_or_unknown_coding_is_a_500_and_writes_nothing(server, client, table, name, coding, make):
    pk = "broken-" + name
    status, hdrs, data = post_coded(server.url, "PutItem", make(put_body(table, pk, v="no")), coding)
    ok, info = internal_error(status, data)
    assert ok, info
    assert int(hdrs["x-amz-crc32"]) == zlib.crc32(data)
    assert get_item(client, table, pk) is None
    # The connection's next request is served normally.
    assert server.client().describe_table(TableName=table)["Table"]["TableName"] == table


def test_gzip_bomb_is_refused_with_bounded_memory(server_factory, table_name):
    srv = server_factory(["--threads", "2"])
    c = srv.client()
    name = table_name("Bomb")
    create_simple_table(c, name)
    # 1 GiB of blanks inside a valid PutItem: about 1 MB compressed.
    head, tail = put_body(name, "bomb", v="x")[:-1], b"}"
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(head)]
    block = b" " * (1 << 20)
    for _ in range(1024):
        parts.append(comp.compress(block))
    parts.append(comp.compress(tail))
    parts.append(comp.flush())
    bomb = b"".join(parts)
    assert len(bomb) < 2 * 1024 * 1024
    idle_kb = status_kb(srv.pid, "VmRSS")
    t0 = time.monotonic()
    status, hdrs, data = post_coded(srv.url, "PutItem", bomb, "gzip")
    elapsed = time.monotonic() - t0
    body = parse_body(data)
    assert status == 413, body
    assert error_type(body) == "SerializationException"
    assert error_message(body) == TOO_LARGE
    growth_mb = (status_kb(srv.pid, "VmHWM") - idle_kb) / 1024
    # Inflating stops at the 16 MB limit: the buffer (doubling to 16 MB + 1)
    # is all it allocates, never the gigabyte.
    assert growth_mb < 80, f"peak RSS grew {growth_mb:.0f} MB"
    assert elapsed < 10
    assert get_item(c, name, "bomb") is None
    # Just under the limit inflates and is served.
    pad = 16 * 1024 * 1024 - len(head) - len(tail) - 64
    ok_body = gzip.compress(head + b" " * pad + tail, 1)
    status, _, data = post_coded(srv.url, "PutItem", ok_body, "gzip")
    assert status == 200, parse_body(data)
    assert get_item(c, name, "bomb") == {"pk": {"S": "bomb"}, "v": {"S": "x"}}
    # And one byte past the limit is refused.
    over = gzip.compress(head + b" " * (16 * 1024 * 1024 - len(head) - len(tail) + 1) + tail, 1)
    status, _, data = post_coded(srv.url, "PutItem", over, "gzip")
    assert status == 413 and error_message(parse_body(data)) == TOO_LARGE
    assert srv.alive()


def test_signature_covers_the_compressed_bytes(tmp_path_factory):
    keys = {"AKIDGZIP": "gzip-secret"}
    with credentials_server(tmp_path_factory, "ddbd-gzip-auth", keys) as srv:
        c = srv.client(akid="AKIDGZIP", secret="gzip-secret")
        create_simple_table(c, "Signed")
        raw = put_body("Signed", "signed", v="ok")
        payload = gzip.compress(raw)
        status, _, data = post_coded(srv.url, "PutItem", payload, "gzip", akid="AKIDGZIP", secret="gzip-secret")
        assert status == 200, parse_body(data)
        assert get_item(c, "Signed", "signed")["v"] == {"S": "ok"}
        # Signed over the uncompressed bytes but sending the compressed ones:
        # the signature does not match.
        h = sign_headers(srv.url, TARGET_PREFIX + "PutItem", raw, {"Content-Encoding": "gzip"},
                         akid="AKIDGZIP", secret="gzip-secret")
        status, _, data = raw_request(srv.url, "POST", "/", payload, h)
        assert status == 400 and error_type(parse_body(data)) == "InvalidSignatureException", parse_body(data)
        # A bad signature is reported before a broken body is looked at.
        h = sign_headers(srv.url, TARGET_PREFIX + "PutItem", b"other", {"Content-Encoding": "gzip"},
                         akid="AKIDGZIP", secret="gzip-secret")
        status, _, data = raw_request(srv.url, "POST", "/", b"not gzip", h)
        assert status == 400 and error_type(parse_body(data)) == "InvalidSignatureException"


def test_big_compressed_batch_is_served(server, client, table):
    # A 20 KB compressed body inflating to ~2 MB goes through the heavy pool.
    reqs = [{"PutRequest": {"Item": {"pk": {"S": f"batch-{i}"}, "v": {"S": "q" * 80_000 + str(i)}}}}
            for i in range(25)]
    raw = json.dumps({"RequestItems": {table: reqs}}).encode()
    payload = gzip.compress(raw)
    assert len(payload) >= 16 * 1024 or len(raw) > 1_000_000
    status, _, data = post_coded(server.url, "BatchWriteItem", payload, "gzip")
    assert status == 200, data
    assert json.loads(data)["UnprocessedItems"] == {}
    assert get_item(client, table, "batch-24")["v"]["S"].endswith("24")


# ---------------------------------------------------------------- responses

def get_raw(url, table, pk, accept=None, projection=None):
    body = {"TableName": table, "Key": {"pk": {"S": pk}}, "ConsistentRead": True}
    if projection:
        body["ProjectionExpression"] = projection
    raw = json.dumps(body).encode()
    extra = {} if accept is None else {"Accept-Encoding": accept}
    h = sign_headers(url, TARGET_PREFIX + "GetItem", raw, extra)
    return raw_request(url, "POST", "/", raw, h)


def decoded(hdrs, data):
    enc = hdrs.get("content-encoding")
    if enc == "gzip":
        return gzip.decompress(data)
    if enc == "deflate":
        return zlib.decompress(data)  # zlib-wrapped, as HTTP's deflate is
    assert enc is None, enc
    return data


@pytest.fixture(scope="module")
def big_item(server, table):
    c = server.client()
    c.put_item(TableName=table, Item={"pk": {"S": "big"}, "x": {"S": "x" * (THRESHOLD - 25)}, "s": {"S": "small"}})
    return "big"


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_big_answers_are_compressed_and_checksummed_as_sent(server, table, big_item, coding):
    status, hdrs, data = get_raw(server.url, table, big_item)
    assert status == 200 and "content-encoding" not in hdrs
    plain_len = len(data)
    assert plain_len > THRESHOLD

    status, hdrs, data = get_raw(server.url, table, big_item, accept=coding)
    assert status == 200
    assert hdrs["content-encoding"] == coding
    assert int(hdrs["content-length"]) == len(data)
    assert int(hdrs["x-amz-crc32"]) == zlib.crc32(data)  # over the compressed bytes
    body = decoded(hdrs, data)
    assert len(body) == plain_len and len(body) > 30 * len(data)
    assert json.loads(body)["Item"]["x"]["S"] == "x" * (THRESHOLD - 25)

    # Under the threshold: not compressed, even when asked.
    status, hdrs, data = get_raw(server.url, table, big_item, accept=coding, projection="s")
    assert status == 200 and "content-encoding" not in hdrs
    assert json.loads(data)["Item"] == {"s": {"S": "small"}}


# Accept-Encoding readings that DynamoDB answers as shown (published tests
# validated against AWS); None: not compressed.
ACCEPT_CASES = [
    ("identity", None), ("", None), ("br", None), ("zstd", None), ("compress", None), ("x-gzip", None),
    ("gzip, deflate", "gzip"), ("br, identity, deflate, gzip", "deflate"), ("GZIP, identity", "gzip"),
    ("dog, gzip ,, cat", "gzip"), ("gzip;q=0.8, deflate;q=0.5", "gzip"),
    ("br, gzip;q=0, deflate; q = 0.5 , identity;q=0", "deflate"),
    ("*", "gzip"), ("*, deflate;q=0.5", "gzip"), ("*, deflate", "deflate"), ("*, identity", "gzip"),
    ("*, gzip;q=0.5", "deflate"), ("gzip ;q=0", None), ("identity;q=0", None), ("*;q=0", None),
    ("*;q=0.5,identity", "gzip"), ("gzip;q=0.5,identity;q=0.8", "gzip"), ("br;q=0.8,identity;q=0.5,*;q=0", None),
    ('"gzip"', None), ("gzip br", None), ("gzip:q=1", None), ("deflate;q=0.5, gzip;q=31", "gzip"),
    ("gzip;q=31,deflate;q=51", "gzip"), ("deflate;q=0.5, gzip;q=0.2", "deflate"),
    ("deflate;q=0.5, gzip;q=1;q=0.2", "gzip"), ("deflate;q=0.5,gzip;q=0.", "deflate"),
    ("deflate;q=0.5,gzip;q=0.x", "gzip"), ("deflate;q=-0.5,gzip;q=0.2", "gzip"), ("gzip;nq=1;q=0 ", None),
    ("gzip;q=0, gzip;q=1, gzip;q=0", "gzip"), ("br,identity;q=0.5,gzip;q=0.0001", "gzip"),
]


@pytest.mark.parametrize("accept,expected", ACCEPT_CASES, ids=[repr(a) for a, _ in ACCEPT_CASES])
def test_accept_encoding_readings(server, table, big_item, accept, expected):
    status, hdrs, data = get_raw(server.url, table, big_item, accept=accept)
    assert status == 200
    assert hdrs.get("content-encoding") == expected
    assert int(hdrs["x-amz-crc32"]) == zlib.crc32(data)
    assert json.loads(decoded(hdrs, data))["Item"]["pk"] == {"S": "big"}


def test_big_query_answer_is_compressed_off_the_io_thread(server, client, table):
    # ~600 KB of items: compressed on the heavy pool; the answer is intact.
    name = "CompressionQuery"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": "N"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    for i in range(8):
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "v": {"S": f"{i:06d}" * 12_000}})
    raw = json.dumps({"TableName": name, "KeyConditionExpression": "pk = :p",
                      "ExpressionAttributeValues": {":p": {"S": "p"}}}).encode()
    for accept in ("gzip", "deflate"):
        h = sign_headers(server.url, TARGET_PREFIX + "Query", raw, {"Accept-Encoding": accept})
        status, hdrs, data = raw_request(server.url, "POST", "/", raw, h)
        assert status == 200 and hdrs["content-encoding"] == accept
        assert int(hdrs["x-amz-crc32"]) == zlib.crc32(data)
        items = json.loads(decoded(hdrs, data))["Items"]
        assert [it["v"]["S"] for it in items] == [f"{i:06d}" * 12_000 for i in range(8)]


def test_big_error_answers_are_compressed_too(server, table):
    # A ValidationException naming a long value comes back over 4 KB.
    raw = json.dumps({"TableName": table, "Key": {"pk": {"S": "a"}},
                      "ProjectionExpression": "#" + "n" * 5000}).encode()
    h = sign_headers(server.url, TARGET_PREFIX + "GetItem", raw, {"Accept-Encoding": "gzip"})
    status, hdrs, data = raw_request(server.url, "POST", "/", raw, h)
    assert status == 400
    body = decoded(hdrs, data)
    assert int(hdrs["x-amz-crc32"]) == zlib.crc32(data)
    assert json.loads(body)["__type"].endswith("ValidationException")


def test_botocore_with_accept_encoding_gzip(server, table, big_item):
    """botocore checks x-amz-crc32 over the bytes it receives (it reads the
    raw stream, not inflated), so the checksum must cover the compressed
    body.  An application that asks botocore for gzip inflates before the
    parse (botocore 1.29 has no before-parse event: its parser is wrapped)."""
    c = server.client()
    seen = []

    def add_header(params, **kwargs):
        params["headers"]["Accept-Encoding"] = "gzip"

    factory = c._endpoint._response_parser_factory
    create = factory.create_parser

    def create_parser(protocol):
        parser = create(protocol)
        parse = parser.parse

        def inflating_parse(response, shape):
            seen.append(response["headers"].get("content-encoding"))
            if seen[-1] == "gzip":
                response = dict(response, body=gzip.decompress(response["body"]))
            return parse(response, shape)

        parser.parse = inflating_parse
        return parser

    factory.create_parser = create_parser
    c.meta.events.register("before-call.dynamodb.GetItem", add_header)
    item = c.get_item(TableName=table, Key={"pk": {"S": big_item}}, ConsistentRead=True)["Item"]
    assert seen == ["gzip"]
    assert item["x"]["S"] == "x" * (THRESHOLD - 25)
