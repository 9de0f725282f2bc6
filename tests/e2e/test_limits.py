"""DynamoDB's limits (issue 15, part 5).

- Partition key values <= 2048 bytes and sort key values <= 1024 bytes, in
  reads as in writes (GetItem, DeleteItem, UpdateItem, BatchGetItem,
  BatchWriteItem deletes, Query's partition key, ExclusiveStartKey),
  counting UTF-8 bytes of a string and decoded bytes of a binary.
- Expression strings <= 4 KB each.
- Deeply nested parentheses are refused without exhausting the stack.
"""

import base64
import json
import subprocess

import pytest

from conftest import AWS_CLI, DEFAULT_AKID, DEFAULT_SECRET, TARGET_PREFIX, create_simple_table, error_message, error_type, raw_post

HASH_MSG = ("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size "
            "limit of2048 bytes")
RANGE_MSG = ("One or more parameter values were invalid: Aggregated size of all range keys has exceeded "
             "the size limit of 1024 bytes")


def call(server, op, body):
    status, _, data = raw_post(server.url, TARGET_PREFIX + op, body)
    return status, error_type(data), error_message(data)


def refused(msg):
    return (400, "ValidationException", msg)


def B(n):
    return {"B": base64.b64encode(b"\x01" * n).decode()}


@pytest.fixture(scope="module")
def tables(server):
    c = server.client()
    names = {"s": "limits-hash-s", "sr": "limits-range-s", "b": "limits-hash-b", "br": "limits-range-b"}
    create_simple_table(c, names["s"])
    create_simple_table(c, names["sr"], range_key="sk")
    create_simple_table(c, names["b"], hash_type="B")
    create_simple_table(c, names["br"], hash_type="B", range_key="sk", range_type="B")
    return names


# ------------------------------------------------------------ key sizes

@pytest.mark.parametrize("op", ["GetItem", "DeleteItem", "UpdateItem"])
def test_oversized_partition_key_refused_in_key_ops(server, tables, op):
    body = {"TableName": tables["s"], "Key": {"pk": {"S": "a" * 2049}}}
    assert call(server, op, body) == refused(HASH_MSG)


@pytest.mark.parametrize("op", ["GetItem", "DeleteItem", "UpdateItem"])
def test_oversized_sort_key_refused_in_key_ops(server, tables, op):
    body = {"TableName": tables["sr"], "Key": {"pk": {"S": "a"}, "sk": {"S": "s" * 1025}}}
    assert call(server, op, body) == refused(RANGE_MSG)


def test_keys_at_the_limit_are_fine(server, tables):
    assert call(server, "GetItem", {"TableName": tables["s"], "Key": {"pk": {"S": "a" * 2048}}})[0] == 200
    assert call(server, "GetItem", {"TableName": tables["sr"],
                                    "Key": {"pk": {"S": "a" * 2048}, "sk": {"S": "s" * 1024}}})[0] == 200


def test_multibyte_string_counts_utf8_bytes(server, tables):
    # 683 three-byte characters: 2049 bytes, 683 characters.
    euro = "\u20ac"
    assert call(server, "GetItem", {"TableName": tables["s"], "Key": {"pk": {"S": euro * 683}}}) == refused(HASH_MSG)
    assert call(server, "GetItem", {"TableName": tables["s"], "Key": {"pk": {"S": euro * 682}}})[0] == 200
    assert call(server, "GetItem", {"TableName": tables["sr"],
                                    "Key": {"pk": {"S": "a"}, "sk": {"S": euro * 342}}}) == refused(RANGE_MSG)


def test_binary_counts_decoded_bytes(server, tables):
    # 2048 bytes are 2732 base64 characters: within the limit.
    assert call(server, "GetItem", {"TableName": tables["b"], "Key": {"pk": B(2048)}})[0] == 200
    assert call(server, "GetItem", {"TableName": tables["b"], "Key": {"pk": B(2049)}}) == refused(HASH_MSG)
    assert call(server, "GetItem", {"TableName": tables["br"], "Key": {"pk": B(1), "sk": B(1024)}})[0] == 200
    assert call(server, "DeleteItem", {"TableName": tables["br"], "Key": {"pk": B(1), "sk": B(1025)}}) == \
        refused(RANGE_MSG)


def test_numbers_have_no_byte_limit_of_their_own(server):
    c = server.client()
    create_simple_table(c, "limits-hash-n", hash_type="N")
    assert call(server, "GetItem", {"TableName": "limits-hash-n", "Key": {"pk": {"N": "9" * 38}}})[0] == 200


def test_batch_get_oversized_key(server, tables):
    body = {"RequestItems": {tables["s"]: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a" * 2049}}]}}}
    assert call(server, "BatchGetItem", body) == refused(HASH_MSG)


def test_batch_write_delete_oversized_key(server, tables):
    body = {"RequestItems": {tables["sr"]: [
        {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"S": "s" * 1025}}}}]}}
    assert call(server, "BatchWriteItem", body) == refused(RANGE_MSG)


def test_writes_still_refuse_oversized_keys(server, tables):
    assert call(server, "PutItem", {"TableName": tables["s"], "Item": {"pk": {"S": "a" * 2049}}}) == refused(HASH_MSG)
    assert call(server, "PutItem", {"TableName": tables["b"], "Item": {"pk": B(2049)}}) == refused(HASH_MSG)


def test_transactions_refuse_oversized_keys(server, tables):
    # Whether reported at the top level or as a cancellation reason, the
    # message names the limit and nothing is read or written.
    body = {"TransactItems": [{"Get": {"TableName": tables["s"], "Key": {"pk": {"S": "a" * 2049}}}}]}
    status, code, msg = call(server, "TransactGetItems", body)
    assert status == 400 and code in ("ValidationException", "TransactionCanceledException")
    if code == "ValidationException":
        assert msg == HASH_MSG
    body = {"TransactItems": [{"Delete": {"TableName": tables["sr"],
                                          "Key": {"pk": {"S": "a"}, "sk": {"S": "s" * 1025}}}}]}
    status, code, msg = call(server, "TransactWriteItems", body)
    assert status == 400 and code in ("ValidationException", "TransactionCanceledException")
    if code == "ValidationException":
        assert msg == RANGE_MSG


def test_query_oversized_partition_key(server, tables):
    body = {"TableName": tables["s"], "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "a" * 2049}}}
    assert call(server, "Query", body) == refused(HASH_MSG)
    body["ExpressionAttributeValues"][":v"] = {"S": "a" * 2048}
    assert call(server, "Query", body)[0] == 200


def test_exclusive_start_key_oversized(server, tables):
    body = {"TableName": tables["sr"], "ExclusiveStartKey": {"pk": {"S": "a"}, "sk": {"S": "s" * 1025}}}
    assert call(server, "Scan", body) == refused("The provided starting key is invalid: " + RANGE_MSG)
    body = {"TableName": tables["s"], "ExclusiveStartKey": {"pk": {"S": "a" * 2049}}}
    assert call(server, "Scan", body) == refused("The provided starting key is invalid: " + HASH_MSG)


@pytest.mark.skipif(AWS_CLI is None, reason="AWS CLI not installed")
def test_cli_get_item_oversized_key(server, tables):
    # The tables live in the test clients' namespace (access key and region).
    env = {"AWS_ACCESS_KEY_ID": DEFAULT_AKID, "AWS_SECRET_ACCESS_KEY": DEFAULT_SECRET, "AWS_DEFAULT_REGION": "us-east-1",
           "PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    r = subprocess.run([AWS_CLI, "--endpoint-url", server.url, "dynamodb", "get-item", "--table-name", tables["s"],
                        "--key", json.dumps({"pk": {"S": "a" * 2049}})],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode != 0
    assert "ValidationException" in r.stderr and "maximum size limit of2048 bytes" in r.stderr, r.stderr


# ------------------------------------------------------------ expressions

SIZE_MSG = "Expression size has exceeded the maximum allowed size; expression size: "


def _long_condition(n):
    """A valid condition of exactly n bytes: attribute_exists(a) OR ... padded with spaces."""
    base = "attribute_exists(pk)"
    return base + " " * (n - len(base))


@pytest.mark.parametrize("member,extra", [
    ("ConditionExpression", {"Item": {"pk": {"S": "x"}}}),
])
def test_condition_expression_size(server, tables, member, extra):
    body = dict(extra, TableName=tables["s"])
    body[member] = _long_condition(4097)
    # PutItem/UpdateItem: a Coral list of one (test_validation_order.py).
    assert call(server, "PutItem", body) == refused("1 validation error detected: Invalid ConditionExpression: " +
                                                    SIZE_MSG + "4097")
    body[member] = _long_condition(4096)
    status, code, _ = call(server, "PutItem", body)
    assert (status, code) in ((200, ""), (400, "ConditionalCheckFailedException"))


def test_filter_expression_size(server, tables):
    body = {"TableName": tables["s"], "FilterExpression": _long_condition(4097)}
    assert call(server, "Scan", body) == refused("Invalid FilterExpression: " + SIZE_MSG + "4097")
    body["FilterExpression"] = _long_condition(4096)
    assert call(server, "Scan", body)[0] == 200


def test_key_condition_expression_size(server, tables):
    text = "pk = :v" + " " * (4097 - len("pk = :v"))
    body = {"TableName": tables["s"], "KeyConditionExpression": text,
            "ExpressionAttributeValues": {":v": {"S": "a"}}}
    assert call(server, "Query", body) == refused("Invalid KeyConditionExpression: " + SIZE_MSG + "4097")


def test_update_expression_size(server, tables):
    text = "SET a = :v" + " " * (4097 - len("SET a = :v"))
    body = {"TableName": tables["s"], "Key": {"pk": {"S": "u"}}, "UpdateExpression": text,
            "ExpressionAttributeValues": {":v": {"S": "a"}}}
    assert call(server, "UpdateItem", body) == refused("1 validation error detected: Invalid UpdateExpression: " +
                                                       SIZE_MSG + "4097")


def test_projection_expression_size(server, tables):
    text = "a" + " " * 4096
    body = {"TableName": tables["s"], "Key": {"pk": {"S": "p"}}, "ProjectionExpression": text}
    assert call(server, "GetItem", body) == refused("Invalid ProjectionExpression: " + SIZE_MSG + "4097")


def test_multibyte_expression_counts_bytes(server, tables):
    # The limit counts UTF-8 bytes: 1352 three-byte characters make the
    # text 4100 bytes long though it has fewer than 1400 characters.
    text = "attribute_exists(#n) OR attribute_exists(a" + "\u20ac" * 1352 + ")"
    body = {"TableName": tables["s"], "FilterExpression": text, "ExpressionAttributeNames": {"#n": "x"}}
    status, code, msg = call(server, "Scan", body)
    size = len(text.encode())
    assert size > 4096
    assert (status, code, msg) == refused("Invalid FilterExpression: " + SIZE_MSG + str(size))


@pytest.mark.parametrize("depth", [50, 2000])
def test_deep_parentheses_refused_without_crash(server, tables, depth):
    text = "(" * depth + "a = :v" + ")" * depth
    body = {"TableName": tables["s"], "FilterExpression": text, "ExpressionAttributeValues": {":v": {"S": "a"}}}
    status, code, _ = call(server, "Scan", body)
    assert (status, code) == (400, "ValidationException")
    # The server is alive and well.
    assert call(server, "Scan", {"TableName": tables["s"]})[0] == 200


def test_deep_update_function_nesting_refused_without_crash(server, tables):
    text = "SET a = " + "list_append(" * 1500 + ":v" + ", :v)" * 1500
    body = {"TableName": tables["s"], "Key": {"pk": {"S": "u"}}, "UpdateExpression": text,
            "ExpressionAttributeValues": {":v": {"L": []}}}
    status, code, _ = call(server, "UpdateItem", body)
    assert (status, code) == (400, "ValidationException")
    assert call(server, "Scan", {"TableName": tables["s"]})[0] == 200
