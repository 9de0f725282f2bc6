"""A bounded request fuzzer (issue 10).

Starts its own server, builds a valid request of every supported operation, mutates
it (type swaps, nulls, huge/negative/decimal numbers, deep nesting, missing and extra
members, truncation, invalid UTF-8, long strings, duplicated keys, a body sent to the
wrong operation) and checks every answer:

- 200, or a 4xx whose JSON body has a DynamoDB `__type` ("namespace#Name");
- never a 5xx, never a hang (each request has a timeout), and the server is still up
  and answering correctly at the end;
- a sentinel table with known items is unchanged by every rejected request: after each
  request aimed at it that is not answered 200 it is scanned and compared; an accepted
  one (a harmless mutation) becomes the new reference.

The seed is fixed (DDBD_FUZZ_SEED) and the number of requests comes from
DDBD_FUZZ_ITERATIONS (default 2000, a few seconds; `make stress` runs more).  Every
accepted PutItem is read back: the stored item must have exactly the attributes, list
lengths and map keys it was sent (a dropped null would shift them).  A failure
prints the seed, the iteration and the request, so it can be replayed.
"""

import copy
import gzip
import json
import os
import random
import time
import zlib

import pytest

from conftest import TARGET_PREFIX, error_type, raw_request, sign_headers

ITERATIONS = int(os.environ.get("DDBD_FUZZ_ITERATIONS", "2000"))
SEED = int(os.environ.get("DDBD_FUZZ_SEED", "20261210"))
TARGET = "fz_target"
SENTINEL = "fz_sentinel"
WRITE_OPS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "UpdateTable"}


def item(pk, sk, **extra):
    it = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "g": {"S": "grp"}, "n": {"N": "1.5"},
          "l": {"L": [{"S": "a"}, {"N": "2"}, {"M": {"x": {"BOOL": True}}}]},
          "m": {"M": {"k": {"SS": ["p", "q"]}, "z": {"NULL": True}}}, "b": {"B": "AAEC"}}
    it.update(extra)
    return it


def key(pk, sk):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}}


def templates(table, rnd):
    """Valid requests of every supported operation against `table`."""
    k = key("p1", rnd.randint(0, 9))
    eav = {":v": {"S": "x"}, ":n": {"N": "3"}, ":l": {"L": [{"S": "y"}]}}
    return [
        ("ListTables", {"Limit": 10}),
        ("DescribeTable", {"TableName": table}),
        ("DescribeEndpoints", {}),
        ("DescribeLimits", {}),
        ("CreateTable", {"TableName": f"fz_new_{rnd.randint(0, 3)}",
                         "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "S"},
                                                  {"AttributeName": "r", "AttributeType": "N"}],
                         "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"},
                                       {"AttributeName": "r", "KeyType": "RANGE"}],
                         "GlobalSecondaryIndexes": [{"IndexName": "gi", "KeySchema": [{"AttributeName": "r",
                                                                                       "KeyType": "HASH"}],
                                                     "Projection": {"ProjectionType": "ALL"}}],
                         "BillingMode": "PAY_PER_REQUEST", "DeletionProtectionEnabled": False}),
        ("DeleteTable", {"TableName": f"fz_new_{rnd.randint(0, 3)}"}),
        ("UpdateTable", {"TableName": table, "BillingMode": "PAY_PER_REQUEST"}),
        ("PutItem", {"TableName": table, "Item": item("p1", rnd.randint(0, 9)), "ReturnValues": "ALL_OLD",
                     "ConditionExpression": "attribute_not_exists(nope) OR #g = :v",
                     "ExpressionAttributeNames": {"#g": "g"}, "ExpressionAttributeValues": {":v": {"S": "grp"}}}),
        ("PutItem", {"TableName": table, "Item": item("p2", 1),
                     "Expected": {"g": {"ComparisonOperator": "NOT_NULL"}}, "ReturnConsumedCapacity": "TOTAL"}),
        ("GetItem", {"TableName": table, "Key": k, "ConsistentRead": True, "ProjectionExpression": "l[1], m.k, #n",
                     "ExpressionAttributeNames": {"#n": "n"}}),
        ("GetItem", {"TableName": table, "Key": k, "AttributesToGet": ["pk", "l"]}),
        ("UpdateItem", {"TableName": table, "Key": k, "ReturnValues": "UPDATED_NEW",
                        "UpdateExpression": "SET #n = if_not_exists(#n, :n) + :n, l = list_append(l, :l) "
                                            "REMOVE m.z ADD s :s",
                        "ExpressionAttributeNames": {"#n": "n"},
                        "ExpressionAttributeValues": {":n": {"N": "3"}, ":l": {"L": [{"S": "y"}]},
                                                      ":s": {"SS": ["t"]}}}),
        ("UpdateItem", {"TableName": table, "Key": k,
                        "AttributeUpdates": {"c": {"Action": "ADD", "Value": {"N": "1"}}, "g": {"Action": "DELETE"}}}),
        ("DeleteItem", {"TableName": table, "Key": key("p2", 1), "ConditionExpression": "size(l) > :n",
                        "ExpressionAttributeValues": {":n": {"N": "1"}}, "ReturnValues": "ALL_OLD"}),
        ("Query", {"TableName": table, "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
                   "FilterExpression": "contains(l, :v) OR attribute_exists(m)",
                   "ExpressionAttributeValues": {":p": {"S": "p1"}, ":a": {"N": "0"}, ":b": {"N": "9"},
                                                 ":v": {"S": "a"}},
                   "Limit": 5, "ScanIndexForward": False, "ExclusiveStartKey": key("p1", 9)}),
        ("Query", {"TableName": table, "IndexName": "byG", "KeyConditions": {
            "g": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "grp"}]}},
            "QueryFilter": {"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "0"}]}},
            "Select": "ALL_ATTRIBUTES"}),
        ("Scan", {"TableName": table, "Segment": 1, "TotalSegments": 3, "Limit": 7, "ConsistentRead": True,
                  "FilterExpression": "begins_with(g, :v)", "ExpressionAttributeValues": {":v": {"S": "g"}},
                  "ReturnConsumedCapacity": "INDEXES"}),
        ("Scan", {"TableName": table, "ScanFilter": {"n": {"ComparisonOperator": "BETWEEN",
                                                            "AttributeValueList": [{"N": "0"}, {"N": "100"}]}},
                  "Select": "COUNT"}),
        ("BatchGetItem", {"RequestItems": {table: {"Keys": [key("p1", i) for i in range(3)],
                                                   "ProjectionExpression": "pk, sk, l", "ConsistentRead": True}}}),
        ("BatchWriteItem", {"RequestItems": {table: [{"PutRequest": {"Item": item("p3", i)}} for i in range(3)] +
                                             [{"DeleteRequest": {"Key": key("p3", 9)}}]},
                            "ReturnItemCollectionMetrics": "SIZE"}),
        ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": table, "Key": key("p1", i)}} for i in range(2)]}),
        ("TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": table, "Item": item("p4", 1)}},
            {"Update": {"TableName": table, "Key": key("p4", 2), "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": {"S": "x"}}}},
            {"Delete": {"TableName": table, "Key": key("p4", 3)}},
            {"ConditionCheck": {"TableName": table, "Key": key("p1", 0),
                                "ConditionExpression": "attribute_exists(pk)"}}],
            "ClientRequestToken": f"tok-{rnd.randint(0, 5)}"}),
    ]


# ------------------------------------------------------------------ mutations

def slots(node, out, max_depth=60):
    """The (container, key) positions of a JSON tree, down to max_depth levels."""
    stack = [(node, 0)]
    while stack:
        n, depth = stack.pop()
        if depth >= max_depth:
            continue
        keys = list(n) if isinstance(n, dict) else range(len(n)) if isinstance(n, list) else []
        for k in keys:
            out.append((n, k))
            stack.append((n[k], depth + 1))
    return out


def random_value(rnd):
    return rnd.choice([
        None, True, False, 0, -1, 1, 2 ** 31, 2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1, -(2 ** 63), 10 ** 40, 1e300,
        -1e300, 1e-300, 0.5, -0.0, "", "x", "0", "true", "1e400", "NaN", "-", " ", "\u0000", "\ud7ff\ue000",
        [], [None], [1, "a"], {}, {"S": None}, {"N": "1e200"}, {"N": "1" * 40}, {"L": [None]}, {"M": {"a": None}},
        {"SS": []}, {"NS": ["1", "1"]}, {"B": "!!!!"}, {"NULL": False}, {"S": "x", "N": "1"},
        "#n", ":v", "attribute_exists(", ")" * 50, "SET a = :v, a = :v",
    ])


def deep(rnd, inner):
    depth = rnd.choice([33, 64, 150])  # json.dumps recurses; deeper nesting is built as text
    kind = rnd.choice(["L", "M", "list", "dict"])
    for _ in range(depth):
        inner = {"L": [inner]} if kind == "L" else {"M": {"a": inner}} if kind == "M" else \
            [inner] if kind == "list" else {"a": inner}
    return inner


def mutate_tree(rnd, body):
    body = copy.deepcopy(body)
    places = slots(body, [])
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        kind = rnd.choice(["swap", "null", "number", "deep", "drop", "extra", "long", "swap"])
        if kind == "extra" or not places:
            target = body if not places or rnd.random() < 0.3 else rnd.choice(places)[0]
            if isinstance(target, dict):
                target[rnd.choice(["Extra", "S", "L", "Item", "Key", "TableName", "x" * 300])] = random_value(rnd)
            elif isinstance(target, list):
                target.append(random_value(rnd))
            continue
        container, k = rnd.choice(places)
        if kind == "drop":
            if isinstance(container, dict):
                container.pop(k, None)
            elif k < len(container):
                container.pop(k)
            places = slots(body, [])
            continue
        if isinstance(container, list) and k >= len(container):
            continue
        if kind == "swap" or kind == "null":
            container[k] = None if kind == "null" else random_value(rnd)
        elif kind == "number":
            container[k] = rnd.choice([2 ** 31, 2 ** 32 + 1, 2 ** 63, -(2 ** 63) - 1, 1e300, -5, 0, 3.7, 1e-30])
        elif kind == "deep":
            container[k] = deep(rnd, container[k])
        elif kind == "long":
            container[k] = "z" * rnd.choice([256, 1025, 2049, 65536, 300_000])
        places = slots(body, [])
    return body


def mutate_bytes(rnd, raw):
    kind = rnd.choice(["truncate", "utf8", "flip", "dupkey", "garbage", "deep"])
    if kind == "truncate" and raw:
        return raw[:rnd.randrange(len(raw))]
    if kind == "utf8":
        at = raw.find(b'"', rnd.randrange(max(1, len(raw))))
        bad = rnd.choice([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\xaf", b"\x00"])
        return raw if at < 0 else raw[:at + 1] + bad + raw[at + 1:]
    if kind == "flip" and raw:
        b = bytearray(raw)
        for _ in range(rnd.randint(1, 4)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    if kind == "deep":
        n = rnd.choice([1000, 10000, 100000])
        return (b'{"TableName":"' + SENTINEL.encode() + b'","Item":{"pk":{"S":"p1"},"sk":{"N":"1"},"d":' +
                b'{"L":[' * n + b'{"S":"x"}' + b"]}" * n + b"}}")
    if kind == "dupkey" and raw.startswith(b"{"):
        return b'{"TableName":"fz_new_0",' + raw[1:]  # never the sentinel: DeleteTable would drop it
    return rnd.choice([b"", b"{", b"null", b"[]", b"1", b'"s"', b"{}" * 3, b"{" * 10000, b"[" * 100000])


def mutate(rnd, op, body):
    """(op, body bytes) of one mutated request."""
    choice = rnd.random()
    if choice < 0.08:
        op = rnd.choice(["PutItem", "Query", "Scan", "BatchWriteItem", "TransactWriteItems", "UpdateTable", "Nope"])
    if choice < 0.25:
        return op, mutate_bytes(rnd, json.dumps(body).encode())
    try:
        return op, json.dumps(mutate_tree(rnd, body)).encode()
    except RecursionError:  # stacked deep mutations: json.dumps gives up before the server would
        return op, mutate_bytes(rnd, b"")


# ------------------------------------------------------------------ the run

class Fuzz:
    def __init__(self, srv):
        self.srv = srv

    def call(self, op, body_bytes, timeout=30):
        h = sign_headers(self.srv.url, TARGET_PREFIX + op, body_bytes)
        status, _, data = raw_request(self.srv.url, "POST", "/", body_bytes, h, timeout=timeout)
        return status, data

    def ok(self, op, body):
        status, data = self.call(op, json.dumps(body).encode())
        assert status == 200, (op, body, data)
        return json.loads(data)

    def snapshot(self):
        items = self.ok("Scan", {"TableName": SENTINEL, "ConsistentRead": True})["Items"]
        return sorted(json.dumps(i, sort_keys=True) for i in items)


def create_table(f, name):
    f.ok("CreateTable", {"TableName": name,
                         "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                                  {"AttributeName": "sk", "AttributeType": "N"},
                                                  {"AttributeName": "g", "AttributeType": "S"}],
                         "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                       {"AttributeName": "sk", "KeyType": "RANGE"}],
                         "GlobalSecondaryIndexes": [{"IndexName": "byG",
                                                     "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                                     "Projection": {"ProjectionType": "ALL"}}],
                         "BillingMode": "PAY_PER_REQUEST"})
    for pk in ("p1", "p2", "p4"):
        for sk in range(10):
            f.ok("PutItem", {"TableName": name, "Item": item(pk, sk)})


AV_TYPES = {"S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"}


def shape(av):
    """The structure of an AttributeValue that survives normalisation (numbers are
    canonicalised, sets may be reordered): types, list lengths, map keys, set sizes."""
    if not isinstance(av, dict):
        return repr(av)  # a JSON null (or worse) where a value belongs: never stored as such
    members = [(t, v) for t, v in av.items() if t in AV_TYPES and v is not None]  # null member = absent
    if len(members) != 1:
        return "invalid"
    (t, v), = members
    if t == "L":
        return ["L", [shape(x) for x in v]]
    if t == "M":
        return ["M", {k: shape(x) for k, x in v.items()}]
    if t in ("SS", "NS", "BS"):
        return [t, len(v)]
    return t


def check_put_stored(f, raw, context):
    """An accepted PutItem stored exactly the attributes it was sent (nothing dropped)."""
    sent = json.loads(raw)
    want = {k: shape(v) for k, v in sent["Item"].items()}
    got = f.ok("GetItem", {"TableName": sent["TableName"], "ConsistentRead": True,
                           "Key": {"pk": sent["Item"]["pk"], "sk": sent["Item"]["sk"]}}).get("Item", {})
    assert {k: shape(v) for k, v in got.items()} == want, ("stored item differs", context, got)


def check_answer(status, data, context):
    assert status < 500, ("5xx", context, data[:2000])
    if status == 200:
        return
    assert 400 <= status < 500, ("status", context, data[:2000])
    body = json.loads(data)
    assert "#" in body.get("__type", ""), ("no __type", context, body)
    assert error_type(body), ("no __type", context, body)


@pytest.fixture
def fuzz(server_factory):
    srv = server_factory()
    f = Fuzz(srv)
    create_table(f, TARGET)
    create_table(f, SENTINEL)
    return f


def test_request_fuzz(fuzz):
    rnd = random.Random(SEED)
    expected = fuzz.snapshot()
    counts = {}
    started = time.monotonic()
    for i in range(ITERATIONS):
        table = SENTINEL if rnd.random() < 0.5 else TARGET
        op, body = rnd.choice(templates(table, rnd))
        op, raw = mutate(rnd, op, body)
        context = {"seed": SEED, "iteration": i, "op": op, "body": raw[:3000]}
        try:
            status, data = fuzz.call(op, raw)
        except Exception as e:  # a hang or a dropped connection
            pytest.fail(f"request failed: {e!r} {context}")
        check_answer(status, data, context)
        counts[status] = counts.get(status, 0) + 1
        if status == 200 and op == "PutItem":
            check_put_stored(fuzz, raw, context)
        # Mutations can aim any request at the sentinel (a duplicated TableName).
        if SENTINEL.encode() in raw and op in WRITE_OPS:
            now = fuzz.snapshot()
            if status != 200:
                assert now == expected, ("sentinel changed by a rejected request", context, data[:2000])
            expected = now
    elapsed = time.monotonic() - started
    print(f"fuzz: {ITERATIONS} requests in {elapsed:.1f}s, answers by status {sorted(counts.items())}")
    # The server is still up and still right.
    assert fuzz.srv.alive()
    status, _, data = raw_request(fuzz.srv.url, "GET", "/")
    assert status == 200, data
    assert fuzz.snapshot() == expected
    got = fuzz.ok("GetItem", {"TableName": TARGET, "Key": key("p1", 0), "ConsistentRead": True})
    assert "Item" in got or got == {}
    assert 200 in counts and any(400 <= s < 500 for s in counts), counts


def compress_body(rnd, raw):
    """(coding, bytes, corrupted) of `raw` compressed as a client may send it,
    sometimes with the compressed stream damaged."""
    coding = rnd.choice(["gzip", "gzip", "deflate", "deflate-raw"])
    if coding == "gzip":
        data = gzip.compress(raw)
    else:
        c = zlib.compressobj(6, zlib.DEFLATED, 15 if coding == "deflate" else -15)
        data = c.compress(raw) + c.flush()
    corrupted = False
    kind = rnd.random()
    if kind < 0.15 and data:
        data, corrupted = data[:rnd.randrange(len(data))], True
    elif kind < 0.3 and data:
        b = bytearray(data)
        for _ in range(rnd.randint(1, 3)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        data, corrupted = bytes(b), True
    elif kind < 0.35:
        data += rnd.choice([b"junk", gzip.compress(b" "), b"\x1f\x8b\x08garbage"])
        corrupted = True
    return coding.replace("-raw", ""), data, corrupted


def test_compressed_request_fuzz(fuzz):
    """Mutated requests sent gzip- or deflate-compressed, some with the
    compressed stream damaged: the same rules as above, except that a damaged
    stream may be answered 500 InternalServerError (DynamoDB's answer to a
    body that does not inflate), never another 5xx."""
    rnd = random.Random(SEED + 15)
    expected = fuzz.snapshot()
    counts = {}
    for i in range(max(ITERATIONS // 4, 50)):
        table = SENTINEL if rnd.random() < 0.5 else TARGET
        op, body = rnd.choice(templates(table, rnd))
        op, raw = mutate(rnd, op, body) if rnd.random() < 0.7 else (op, json.dumps(body).encode())
        coding, data_sent, corrupted = compress_body(rnd, raw)
        context = {"seed": SEED + 15, "iteration": i, "op": op, "coding": coding, "corrupted": corrupted,
                   "body": raw[:3000]}
        h = sign_headers(fuzz.srv.url, TARGET_PREFIX + op, data_sent, {"Content-Encoding": coding})
        try:
            status, _, data = raw_request(fuzz.srv.url, "POST", "/", data_sent, h, timeout=30)
        except Exception as e:
            pytest.fail(f"request failed: {e!r} {context}")
        if status == 500:
            assert corrupted and error_type(json.loads(data)) == "InternalServerError", (context, data[:2000])
        else:
            check_answer(status, data, context)
        counts[status] = counts.get(status, 0) + 1
        if status == 200 and op == "PutItem" and not corrupted:
            check_put_stored(fuzz, raw, context)
        if SENTINEL.encode() in raw and op in WRITE_OPS:
            now = fuzz.snapshot()
            if status != 200:
                assert now == expected, ("sentinel changed by a rejected request", context, data[:2000])
            expected = now
    print(f"compressed fuzz: answers by status {sorted(counts.items())}")
    assert fuzz.srv.alive()
    assert fuzz.snapshot() == expected
    assert 200 in counts and 500 in counts and any(400 <= s < 500 for s in counts), counts


# ------------------------------------------------------------------ Streams and Lambda

STREAMS_PREFIX = "DynamoDBStreams_20120810."
LAMBDA_PATH = "/2015-03-31/event-source-mappings/"


def lambda_call(srv, method, path, body_bytes):
    """A SigV4-signed (service "lambda") REST call; returns (status, headers, body)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    from conftest import DEFAULT_AKID, DEFAULT_SECRET, REGION
    req = AWSRequest(method=method, url=srv.url + path, data=body_bytes,
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(DEFAULT_AKID, DEFAULT_SECRET), "lambda", REGION).add_auth(req)
    return raw_request(srv.url, method, path, body_bytes, dict(req.headers.items()), timeout=30)


def test_streams_and_lambda_fuzz(fuzz):
    """Mutated Streams API and Lambda mapping requests get 4xx errors (never a
    5xx, a hang or a crash), and the stream keeps recording afterwards."""
    rnd = random.Random(SEED + 1)
    srv = fuzz.srv
    fuzz.ok("UpdateTable", {"TableName": TARGET,
                            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    arn = fuzz.ok("DescribeTable", {"TableName": TARGET})["Table"]["LatestStreamArn"]

    def streams(op, body):
        h = sign_headers(srv.url, STREAMS_PREFIX + op, body)
        h["Content-Type"] = "application/x-amz-json-1.0"
        status, _, data = raw_request(srv.url, "POST", "/", body, h, timeout=30)
        return status, data

    status, data = streams("DescribeStream", json.dumps({"StreamArn": arn}).encode())
    assert status == 200, data
    shard = json.loads(data)["StreamDescription"]["Shards"][0]["ShardId"]
    status, data = streams("GetShardIterator", json.dumps(
        {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "TRIM_HORIZON"}).encode())
    assert status == 200, data
    iterator = json.loads(data)["ShardIterator"]
    templates = [
        ("ListStreams", {"TableName": TARGET, "Limit": 5}),
        ("DescribeStream", {"StreamArn": arn, "Limit": 10, "ExclusiveStartShardId": shard}),
        ("GetShardIterator", {"StreamArn": arn, "ShardId": shard, "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
                              "SequenceNumber": "000000000000000000001"}),
        ("GetRecords", {"ShardIterator": iterator, "Limit": 100}),
    ]
    mapping = {"FunctionName": "fz", "EventSourceArn": arn, "StartingPosition": "LATEST", "BatchSize": 10,
               "FilterCriteria": {"Filters": [{"Pattern": json.dumps({"eventName": ["INSERT"]})}]}}
    counts = {}
    for i in range(max(200, ITERATIONS // 4)):
        if rnd.random() < 0.7:
            op, body = rnd.choice(templates)
            raw = (mutate_bytes(rnd, json.dumps(body).encode()) if rnd.random() < 0.3
                   else json.dumps(mutate_tree(rnd, copy.deepcopy(body))).encode())
            status, data = streams(op, raw)
            context = {"iteration": i, "op": op, "body": raw[:2000]}
            check_answer(status, data, context)
        else:
            raw = (mutate_bytes(rnd, json.dumps(mapping).encode()) if rnd.random() < 0.3
                   else json.dumps(mutate_tree(rnd, copy.deepcopy(mapping))).encode())
            method, path = rnd.choice([("POST", LAMBDA_PATH), ("PUT", LAMBDA_PATH + "not-a-uuid"),
                                       ("GET", LAMBDA_PATH + "?MaxItems=" + str(rnd.randint(-5, 20000)))])
            status, hdrs, data = lambda_call(srv, method, path, raw if method != "GET" else b"")
            context = {"iteration": i, "method": method, "path": path, "body": raw[:2000]}
            assert status < 500, ("5xx", context, data[:2000])
            if status >= 400:
                assert hdrs.get("x-amzn-errortype"), ("no x-amzn-ErrorType", context, data[:2000])
        counts[status] = counts.get(status, 0) + 1
    assert srv.alive()
    assert any(400 <= s < 500 for s in counts), counts
    # The stream still records, and GetRecords still reads it.
    fuzz.ok("PutItem", {"TableName": TARGET, "Item": item("after", 1)})
    status, data = streams("GetRecords", json.dumps({"ShardIterator": iterator, "Limit": 1000}).encode())
    assert status == 200, data
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in json.loads(data)["Records"]]
    assert "after" in keys


# ------------------------------------------------------------------ PartiQL

def mutate_statement(rnd, text):
    """A PartiQL text cut, spliced or padded where a parser can trip."""
    kind = rnd.choice(["cut", "splice", "repeat", "nest", "quote", "params"])
    if kind == "cut":
        return text[:rnd.randrange(len(text) + 1)]
    if kind == "splice":
        at = rnd.randrange(len(text) + 1)
        return text[:at] + rnd.choice(["?", "'", '"', "(", ")", "[", "]", "{", "}", "<<", ">>", ",", ".", "--",
                                       "/*", "AND", "OR", "NOT", "WHERE", "SELECT", "1e999", "-0", "\u0000",
                                       "\ufffd", "EXISTS(", "RETURNING ALL OLD *"]) + text[at:]
    if kind == "repeat":
        return text + " " + text
    if kind == "nest":
        n = rnd.choice([50, 500, 5000])
        return text.replace("= ?", "= " + "(" * n + "?" + ")" * n, 1) if "= ?" in text else "(" * n + text
    if kind == "quote":
        return text.replace("'", '"') if rnd.random() < 0.5 else text.replace('"', "'")
    return text.replace("?", "'x'", 1)


def partiql_templates(table, rnd):
    """Valid PartiQL requests of the three operations against `table`."""
    sk = rnd.randint(0, 9)
    t = f'"{table}"'
    return [
        ("ExecuteStatement", {"Statement": f"SELECT pk, sk, l[1], m.k FROM {t} WHERE pk = ? AND sk BETWEEN ? AND ?",
                              "Parameters": [{"S": "p1"}, {"N": "0"}, {"N": "9"}], "Limit": 5,
                              "ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL"}),
        ("ExecuteStatement", {"Statement": f"UPDATE {t} SET n = n + ? SET l = list_append(l, ?) REMOVE m.z "
                                           f"WHERE pk = 'p1' AND sk = {sk} RETURNING ALL NEW *",
                              "Parameters": [{"N": "1"}, {"L": [{"S": "y"}]}]}),
        ("ExecuteStatement", {"Statement": f"INSERT INTO {t} VALUE {{'pk': ?, 'sk': ?, 's': <<'a', 'b'>>}}",
                              "Parameters": [{"S": "p5"}, {"N": str(sk)}]}),
        ("BatchExecuteStatement", {"Statements": [
            {"Statement": f"SELECT * FROM {t} WHERE pk = ? AND sk = ?", "Parameters": [{"S": "p1"}, {"N": str(i)}],
             "ConsistentRead": True} for i in range(3)], "ReturnConsumedCapacity": "TOTAL"}),
        ("BatchExecuteStatement", {"Statements": [
            {"Statement": f"DELETE FROM {t} WHERE pk = 'p2' AND sk = {sk} AND n > 0"},
            {"Statement": f"UPDATE {t} SET v = ? WHERE pk = 'p4' AND sk = 1", "Parameters": [{"S": "x"}],
             "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
            {"Statement": f"INSERT INTO {t} VALUE {{'pk': 'p5', 'sk': 99}}"}]}),
        ("ExecuteTransaction", {"TransactStatements": [
            {"Statement": f"SELECT * FROM {t} WHERE pk = 'p1' AND sk = {i}"} for i in range(2)]}),
        ("ExecuteTransaction", {"TransactStatements": [
            {"Statement": f"EXISTS(SELECT * FROM {t} WHERE pk = 'p1' AND sk = 0 AND attribute_exists(l))"},
            {"Statement": f"UPDATE {t} SET v = 'x' WHERE pk = 'p4' AND sk = 2"},
            {"Statement": f"DELETE FROM {t} WHERE pk = 'p4' AND sk = 3",
             "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}],
            "ClientRequestToken": f"tok-{rnd.randint(0, 5)}", "ReturnConsumedCapacity": "INDEXES"}),
    ]


def test_partiql_fuzz(fuzz):
    """Mutated ExecuteStatement, BatchExecuteStatement and ExecuteTransaction
    requests (their JSON and their statements' text) get 200 or a 4xx, never a
    5xx or a hang; a rejected one leaves the sentinel table as it was."""
    rnd = random.Random(SEED + 2)
    expected = fuzz.snapshot()
    counts = {}
    for i in range(max(300, ITERATIONS // 3)):
        table = SENTINEL if rnd.random() < 0.5 else TARGET
        op, body = rnd.choice(partiql_templates(table, rnd))
        r = rnd.random()
        if r < 0.45:
            body = copy.deepcopy(body)
            members = body.get("Statements") or body.get("TransactStatements") or [body]
            m = rnd.choice(members)
            m["Statement"] = mutate_statement(rnd, m["Statement"])
            raw = json.dumps(body).encode()
        elif r < 0.6:
            raw = mutate_bytes(rnd, json.dumps(body).encode())
        else:
            try:
                raw = json.dumps(mutate_tree(rnd, body)).encode()
            except RecursionError:
                raw = mutate_bytes(rnd, b"")
        context = {"seed": SEED + 2, "iteration": i, "op": op, "body": raw[:3000]}
        try:
            status, data = fuzz.call(op, raw)
        except Exception as e:  # a hang or a dropped connection
            pytest.fail(f"request failed: {e!r} {context}")
        check_answer(status, data, context)
        counts[status] = counts.get(status, 0) + 1
        if SENTINEL.encode() in raw:
            now = fuzz.snapshot()
            if status != 200:
                assert now == expected, ("sentinel changed by a rejected request", context, data[:2000])
            expected = now
    assert fuzz.srv.alive()
    assert 200 in counts and any(400 <= s < 500 for s in counts), counts
    assert fuzz.snapshot() == expected


# ------------------------------------------------------------------ tags, settings, backups

def admin_templates(f, table, arn, backup_arn, rnd):
    n = rnd.randint(0, 10**6)
    return [
        ("TagResource", {"ResourceArn": arn, "Tags": [{"Key": f"k{n % 7}", "Value": "v"}, {"Key": "env", "Value": ""}]}),
        ("UntagResource", {"ResourceArn": arn, "TagKeys": [f"k{n % 7}", "nope"]}),
        ("ListTagsOfResource", {"ResourceArn": arn, "NextToken": None} if n % 2 else {"ResourceArn": arn}),
        ("UpdateTable", {"TableName": table, "TableClass": "STANDARD_INFREQUENT_ACCESS" if n % 2 else "STANDARD",
                         "SSESpecification": {"Enabled": True, "SSEType": "KMS"}}),
        ("UpdateTable", {"TableName": table, "OnDemandThroughput": {"MaxReadRequestUnits": 100 + n % 50,
                                                                    "MaxWriteRequestUnits": -1}}),
        ("CreateBackup", {"TableName": table, "BackupName": f"b{n}"}),
        ("DescribeBackup", {"BackupArn": backup_arn}),
        ("ListBackups", {"TableName": table, "Limit": 1 + n % 5, "BackupType": "USER"}),
        ("DeleteBackup", {"BackupArn": backup_arn + ("x" if n % 3 == 0 else "")}),
        ("RestoreTableFromBackup", {"TargetTableName": f"fz_restored_{n % 4}", "BackupArn": backup_arn,
                                    "BillingModeOverride": "PAY_PER_REQUEST"}),
        ("DescribeContinuousBackups", {"TableName": table}),
        ("RestoreTableToPointInTime", {"SourceTableName": table, "TargetTableName": f"fz_pitr_{n % 4}",
                                       "UseLatestRestorableTime": True} if n % 2 else
                                      {"SourceTableArn": arn, "TargetTableName": f"fz_pitr_{n % 4}",
                                       "RestoreDateTime": time.time() - n % 100,
                                       "BillingModeOverride": "PAY_PER_REQUEST"}),
        ("UpdateContinuousBackups", {"TableName": table, "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": bool(n % 2), "RecoveryPeriodInDays": 1 + n % 35}}),
    ]


def test_tags_settings_backups_fuzz(fuzz):
    """Mutated tag, table-settings and backup requests get 200 or a 4xx, never a 5xx
    or a hang; a rejected one leaves the sentinel table's items as they were."""
    rnd = random.Random(SEED + 3)
    arns = {t: fuzz.ok("DescribeTable", {"TableName": t})["Table"]["TableArn"] for t in (TARGET, SENTINEL)}
    backup = fuzz.ok("CreateBackup", {"TableName": TARGET, "BackupName": "seed"})["BackupDetails"]["BackupArn"]
    expected = fuzz.snapshot()
    counts = {}
    for i in range(max(300, ITERATIONS // 4)):
        table = SENTINEL if rnd.random() < 0.5 else TARGET
        op, body = rnd.choice(admin_templates(fuzz, table, arns[table], backup, rnd))
        op, raw = mutate(rnd, op, body)
        context = {"seed": SEED + 3, "iteration": i, "op": op, "body": raw[:3000]}
        try:
            status, data = fuzz.call(op, raw)
        except Exception as e:  # a hang or a dropped connection
            pytest.fail(f"request failed: {e!r} {context}")
        check_answer(status, data, context)
        counts[status] = counts.get(status, 0) + 1
        if SENTINEL.encode() in raw:
            assert fuzz.snapshot() == expected, ("sentinel items changed", context, data[:2000])
    assert fuzz.srv.alive()
    assert 200 in counts and any(400 <= s < 500 for s in counts), counts
    assert fuzz.snapshot() == expected
