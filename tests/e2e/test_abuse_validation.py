"""Abusive or malformed requests that used to be accepted, or answered badly (issue 10, items 1, 8, 9).

- A JSON null where an AttributeValue (or a set element) belongs was dropped and the
  write answered 200, shifting list positions.  It is a SerializationException now,
  and nothing is written.  Smithy's protocol tests require a SerializationException
  for a null in a dense list (RestJsonBodyMalformedListNullItem); the message is the
  one DynamoDB gives for any other non-structure there ("Unexpected value type in
  payload").
- Strict SigV4 (--credentials): the algorithm word and a signed `host` are required
  (dynalite index.js records DynamoDB's answers: "Request is missing Authentication
  Token" for a non-AWS4 header, "Unsupported AWS 'algorithm': ..." and "'Host' or
  ':authority' must be a 'SignedHeader' in the AWS Authorization.").
- Attribute names are limited to 65,535 bytes (DynamoDB's documented 64 KB).
- Integer members are Coral Integers (32-bit): out of range is a SerializationException,
  and `Limit: 1e300` no longer shows an overflowed number.
- Booleans must be JSON booleans ("NUMBER_VALUE cannot be converted to Boolean"), and
  SerializationException answers carry a message in DynamoDB's current wording.
"""

import hashlib
import hmac
import json

import pytest

from conftest import (TARGET_PREFIX, create_simple_table, credentials_server, error_message, error_type, raw_post,
                      raw_request, sign_headers)


def post(server, op, body):
    return raw_post(server.url, TARGET_PREFIX + op, json.dumps(body).encode())


def assert_error(status, body, code, message=None):
    assert status == 400, body
    assert error_type(body) == code, body
    if message is not None:
        assert error_message(body) == message, body


@pytest.fixture
def table(client, table_name):
    name = table_name("abuse")
    create_simple_table(client, name)
    return name


def get_item(server, table, pk):
    status, _, body = post(server, "GetItem", {"TableName": table, "Key": {"pk": {"S": pk}}, "ConsistentRead": True})
    assert status == 200, body
    return body.get("Item")


# ------------------------------------------------------------------ item 1: nulls

NULL_ITEMS = {
    "null first in L": {"l": {"L": [None, {"S": "x"}]}},
    "null last in L": {"l": {"L": [{"S": "x"}, None]}},
    "null in nested L": {"l": {"L": [{"L": [None]}]}},
    "null value in M": {"m": {"M": {"a": None, "b": {"S": "x"}}}},
    "null attribute": {"a": None},
    "null in SS": {"s": {"SS": ["a", None]}},
    "null in NS": {"s": {"NS": ["1", None]}},
    "null in BS": {"s": {"BS": ["AA==", None]}},
}


@pytest.mark.parametrize("extra", NULL_ITEMS.values(), ids=NULL_ITEMS.keys())
def test_put_item_with_null_is_rejected_and_writes_nothing(server, table, extra):
    item = {"pk": {"S": "k"}, **extra}
    status, _, body = post(server, "PutItem", {"TableName": table, "Item": item})
    assert_error(status, body, "SerializationException", "Unexpected value type in payload")
    assert get_item(server, table, "k") is None


def test_null_in_every_attribute_value_position(server, table):
    """Each place an AttributeValue is decoded refuses a null instead of dropping it."""
    status, _, body = post(server, "PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "v": {"S": "old"}}})
    assert status == 200, body
    bad_list = {"L": [None, {"S": "x"}]}
    requests = [
        ("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}, "extra": None}}),
        ("DeleteItem", {"TableName": table, "Key": {"pk": {"S": "k"}, "extra": None}}),
        ("UpdateItem", {"TableName": table, "Key": {"pk": {"S": "k"}}, "UpdateExpression": "SET v = :v",
                        "ExpressionAttributeValues": {":v": bad_list}}),
        ("UpdateItem", {"TableName": table, "Key": {"pk": {"S": "k"}},
                        "AttributeUpdates": {"v": {"Action": "PUT", "Value": bad_list}}}),
        ("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "v": {"S": "new"}},
                     "Expected": {"v": {"ComparisonOperator": "NE", "AttributeValueList": [bad_list]}}}),
        ("BatchWriteItem", {"RequestItems": {table: [{"PutRequest": {"Item": {"pk": {"S": "k"}, "v": bad_list}}}]}}),
        ("BatchWriteItem", {"RequestItems": {table: [{"DeleteRequest": {"Key": {"pk": {"S": "k"}, "x": None}}}]}}),
        ("BatchGetItem", {"RequestItems": {table: {"Keys": [{"pk": {"S": "k"}, "x": None}]}}}),
        ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": table,
                                                           "Item": {"pk": {"S": "k"}, "v": {"M": {"a": None}}}}}]}),
        ("TransactWriteItems", {"TransactItems": [{"Update": {"TableName": table, "Key": {"pk": {"S": "k"}},
                                                              "UpdateExpression": "SET v = :v",
                                                              "ExpressionAttributeValues": {":v": bad_list}}}]}),
        ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": table, "Key": {"pk": {"S": "k"}, "x": None}}}]}),
        ("Scan", {"TableName": table, "ExclusiveStartKey": {"pk": {"S": "k"}, "x": None}}),
        ("Query", {"TableName": table, "KeyConditionExpression": "pk = :k",
                   "ExpressionAttributeValues": {":k": {"S": "k"}, ":f": {"L": [None]}},
                   "FilterExpression": "v <> :f"}),
        ("Query", {"TableName": table, "KeyConditions": {"pk": {"ComparisonOperator": "EQ",
                                                                "AttributeValueList": [{"S": "k"}]}},
                   "ExclusiveStartKey": {"pk": {"S": "k"}, "x": None}}),
    ]
    for op, req in requests:
        status, _, body = post(server, op, req)
        assert status == 400 and error_type(body) == "SerializationException", (op, req, body)
    assert get_item(server, table, "k") == {"pk": {"S": "k"}, "v": {"S": "old"}}


def test_null_members_of_structures_still_mean_absent(server, table):
    """Only elements of lists and maps are refused: a null structure member is absent, as in DynamoDB."""
    status, _, body = post(server, "PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "v": {"S": "x", "N": None}},
                                               "ConditionExpression": None, "ReturnValues": None})
    assert status == 200, body
    assert get_item(server, table, "k") == {"pk": {"S": "k"}, "v": {"S": "x"}}


# ------------------------------------------------------------------ item 8: strict SigV4

GOOD_AKID = "AKIDSTRICT"
GOOD_SECRET = "strictsecret"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    with credentials_server(tmp_path_factory, "ddbd-strict", {GOOD_AKID: GOOD_SECRET}) as srv:
        yield srv


def signed(srv):
    return sign_headers(srv.url, TARGET_PREFIX + "ListTables", b"{}", akid=GOOD_AKID, secret=GOOD_SECRET)


def send(srv, headers):
    status, _, data = raw_request(srv.url, "POST", "/", b"{}", headers)
    return status, json.loads(data)


def test_strict_accepts_a_good_signature(strict_server):
    status, body = send(strict_server, signed(strict_server))
    assert status == 200, body


@pytest.mark.parametrize("algorithm", ["FOO", "HMAC-SHA256", "Bearer"])
def test_strict_non_aws4_algorithm_is_missing_authentication(strict_server, algorithm):
    h = signed(strict_server)
    h["Authorization"] = algorithm + h["Authorization"][len("AWS4-HMAC-SHA256"):]
    status, body = send(strict_server, h)
    assert_error(status, body, "MissingAuthenticationTokenException", "Request is missing Authentication Token")


@pytest.mark.parametrize("algorithm", ["AWS4-HMAC-SHA512", "AWS4-HMAC-SHA25", "AWS4-ECDSA-P256-SHA256"])
def test_strict_unsupported_aws4_algorithm(strict_server, algorithm):
    h = signed(strict_server)
    h["Authorization"] = algorithm + h["Authorization"][len("AWS4-HMAC-SHA256"):]
    status, body = send(strict_server, h)
    assert_error(status, body, "IncompleteSignatureException",
                 f"Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). ")
    assert body["__type"] == "com.amazon.coral.service#IncompleteSignatureException"


def sign_without_host(srv, body=b"{}"):
    """A correct SigV4 signature over content-type, x-amz-date and x-amz-target only."""
    h = signed(srv)  # for a current X-Amz-Date
    amz_date = h["X-Amz-Date"]
    day = amz_date[:8]
    signed_names = ["content-type", "x-amz-date", "x-amz-target"]
    values = {"content-type": "application/x-amz-json-1.0", "x-amz-date": amz_date,
              "x-amz-target": TARGET_PREFIX + "ListTables"}
    canonical = "\n".join(["POST", "/", "", *[f"{n}:{values[n]}" for n in signed_names], "",
                           ";".join(signed_names), hashlib.sha256(body).hexdigest()])
    scope = f"{day}/us-east-1/dynamodb/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + GOOD_SECRET).encode()
    for part in (day, "us-east-1", "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": values["content-type"], "X-Amz-Date": amz_date, "X-Amz-Target": values["x-amz-target"],
            "Authorization": f"AWS4-HMAC-SHA256 Credential={GOOD_AKID}/{scope}, "
                             f"SignedHeaders={';'.join(signed_names)}, Signature={sig}"}


def test_strict_host_must_be_signed(strict_server):
    status, body = send(strict_server, sign_without_host(strict_server))
    assert_error(status, body, "InvalidSignatureException",
                 "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")


def test_strict_signature_of_wrong_length_or_case(strict_server):
    """The constant-time comparison still rejects near misses."""
    h = signed(strict_server)
    sig = h["Authorization"].rsplit("Signature=", 1)[1]
    for bad in (sig[:-1], sig + "0", sig.upper(), ""):
        h2 = dict(h)
        h2["Authorization"] = h["Authorization"].replace("Signature=" + sig, "Signature=" + bad)
        status, body = send(strict_server, h2)
        assert status == 400 and error_type(body) in ("InvalidSignatureException", "IncompleteSignatureException"), body


# ------------------------------------------------------------------ item 9: lenient validation

LONG_NAME = "n" * 100_000


@pytest.mark.parametrize("place", ["item", "key", "names", "attributes_to_get", "nested_map", "expected"])
def test_attribute_name_over_64k_is_rejected(server, table, place):
    requests = {
        "item": ("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, LONG_NAME: {"S": "v"}}}),
        "key": ("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}, LONG_NAME: {"S": "v"}}}),
        "names": ("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}}, "ProjectionExpression": "#n",
                              "ExpressionAttributeNames": {"#n": LONG_NAME}}),
        "attributes_to_get": ("GetItem", {"TableName": table, "Key": {"pk": {"S": "k"}},
                                          "AttributesToGet": [LONG_NAME]}),
        "nested_map": ("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, "m": {"M": {LONG_NAME: {"S": "v"}}}}}),
        "expected": ("PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}},
                                 "Expected": {LONG_NAME: {"Exists": False}}}),
    }
    op, req = requests[place]
    status, _, body = post(server, op, req)
    assert_error(status, body, "ValidationException")
    assert "65535" in error_message(body), body
    assert get_item(server, table, "k") is None


def test_attribute_name_of_exactly_64k_is_accepted(server, table):
    name = "n" * 65535
    status, _, body = post(server, "PutItem", {"TableName": table, "Item": {"pk": {"S": "k"}, name: {"S": "v"}}})
    assert status == 200, body
    assert get_item(server, table, "k")[name] == {"S": "v"}


@pytest.mark.parametrize("op,member,value", [
    ("Scan", "Limit", 1e300),
    ("Scan", "Limit", -1e300),
    ("Scan", "Limit", 2 ** 31),
    ("Scan", "Limit", 2 ** 63 - 1),
    ("Scan", "Limit", 2 ** 64),
    ("Query", "Limit", 2 ** 40),
    ("Scan", "TotalSegments", 2 ** 40),
    ("Scan", "Segment", 2 ** 32),
    ("ListTables", "Limit", 2 ** 31),
])
def test_integer_out_of_range_is_a_serialization_error(server, table, op, member, value):
    body = {"TableName": table} if op != "ListTables" else {}
    if op == "Query":
        body.update(KeyConditionExpression="pk = :k", ExpressionAttributeValues={":k": {"S": "k"}})
    if member == "Segment":
        body["TotalSegments"] = 4
    if member == "TotalSegments":
        body["Segment"] = 0
    body[member] = value
    status, _, resp = post(server, op, body)
    assert_error(status, resp, "SerializationException")
    msg = error_message(resp)
    # 2^64 does not even parse as a 64-bit number (simdjson refuses it while parsing).
    assert ("out of range of int" in msg) if value != 2 ** 64 else msg, resp
    assert "-9223372036854775808" not in msg, resp  # the overflowed conversion the baseline showed


def test_integer_in_range_decimals_still_work(server, table):
    status, _, body = post(server, "Scan", {"TableName": table, "Limit": 2147483647})
    assert status == 200, body
    status, _, body = post(server, "Scan", {"TableName": table, "Limit": 0.5})
    assert_error(status, body, "ValidationException")  # truncated to 0: below the minimum of 1


@pytest.mark.parametrize("op,member,value,message", [
    ("GetItem", "ConsistentRead", 0, "NUMBER_VALUE cannot be converted to Boolean"),
    ("GetItem", "ConsistentRead", 1, "NUMBER_VALUE cannot be converted to Boolean"),
    ("Scan", "ConsistentRead", 1.5, "DECIMAL_VALUE cannot be converted to Boolean"),
    ("Query", "ScanIndexForward", 0, "NUMBER_VALUE cannot be converted to Boolean"),
    ("Query", "ConsistentRead", "true", "Unexpected token received from parser"),
    ("Scan", "ConsistentRead", [True], "Unrecognized collection type class java.lang.Boolean"),
    ("Scan", "ConsistentRead", {}, "Start of structure or map found where not expected"),
])
def test_boolean_members_need_booleans(server, table, op, member, value, message):
    body = {"TableName": table, member: value}
    if op in ("GetItem",):
        body["Key"] = {"pk": {"S": "k"}}
    if op == "Query":
        body.update(KeyConditionExpression="pk = :k", ExpressionAttributeValues={":k": {"S": "k"}})
    status, _, resp = post(server, op, body)
    assert_error(status, resp, "SerializationException", message)


def test_batch_get_consistent_read_number(server, table):
    status, _, body = post(server, "BatchGetItem", {"RequestItems": {table: {"Keys": [{"pk": {"S": "k"}}],
                                                                             "ConsistentRead": 1}}})
    assert_error(status, body, "SerializationException", "NUMBER_VALUE cannot be converted to Boolean")


@pytest.mark.parametrize("extra", [
    {"DeletionProtectionEnabled": 0},
    {"StreamSpecification": {"StreamEnabled": 1, "StreamViewType": "NEW_IMAGE"}},
    {"SSESpecification": {"Enabled": 0}},
])
def test_table_boolean_members_need_booleans(server, table_name, extra):
    name = table_name("boolt")
    body = {"TableName": name, "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "BillingMode": "PAY_PER_REQUEST", **extra}
    status, _, resp = post(server, "CreateTable", body)
    assert_error(status, resp, "SerializationException", "NUMBER_VALUE cannot be converted to Boolean")
    status, _, resp = post(server, "DescribeTable", {"TableName": name})
    assert_error(status, resp, "ResourceNotFoundException")


def test_update_table_deletion_protection_number(server, table):
    status, _, body = post(server, "UpdateTable", {"TableName": table, "DeletionProtectionEnabled": 1})
    assert_error(status, body, "SerializationException", "NUMBER_VALUE cannot be converted to Boolean")


@pytest.mark.parametrize("op,body,message", [
    ("Scan", {"TableName": "t", "Limit": "5"}, "STRING_VALUE cannot be converted to Integer"),
    ("Scan", {"TableName": "t", "Limit": True}, "TRUE_VALUE cannot be converted to Integer"),
    ("Scan", {"TableName": 5}, "NUMBER_VALUE cannot be converted to String"),
    ("Scan", {"TableName": 1.5}, "DECIMAL_VALUE cannot be converted to String"),
    ("Scan", {"TableName": False}, "FALSE_VALUE cannot be converted to String"),
    ("Scan", {"TableName": {"a": 1}}, "Start of structure or map found where not expected"),
    ("Scan", {"TableName": ["t"]}, "Unrecognized collection type class java.lang.String"),
    ("Scan", {"TableName": "t", "ExclusiveStartKey": "x"}, "Unexpected field type"),
    ("Scan", {"TableName": "t", "ExclusiveStartKey": []},
     "Unrecognized collection type java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>"),
    ("PutItem", {"TableName": "t", "Item": {"pk": "x"}}, "Unexpected value type in payload"),
    ("PutItem", {"TableName": "t", "Item": {"pk": {"S": 5}}}, "NUMBER_VALUE cannot be converted to String"),
    ("PutItem", {"TableName": "t", "Item": {"pk": {"B": 5}}}, "only base-64-encoded strings are convertible to bytes"),
    ("PutItem", {"TableName": "t", "Item": {"pk": {"B": "abc"}}},
     "Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
    ("PutItem", {"TableName": "t", "Item": {"pk": {"L": "x"}}}, "Unexpected field type"),
    ("PutItem", {"TableName": "t", "Item": {"pk": {"BOOL": "yes"}}}, "Unexpected token received from parser"),
    ("CreateTable", {"TableName": "t", "AttributeDefinitions": "x"}, "Unexpected field type"),
])
def test_serialization_messages(server, op, body, message):
    status, _, resp = post(server, op, body)
    assert_error(status, resp, "SerializationException", message)
    assert "Message" in resp, resp


@pytest.mark.parametrize("payload", [b"{not json", b'{"TableName": "t",}', b"", b"[]", b'"x"', b"\xff\xfe{}",
                                     b'{"TableName": "\xff"}'])
def test_serialization_exception_always_has_a_message(server, payload):
    status, _, resp = raw_post(server.url, TARGET_PREFIX + "ListTables", payload)
    assert status == 400, resp
    assert error_type(resp) == "SerializationException", resp
    assert resp.get("Message"), resp
