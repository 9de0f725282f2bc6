"""Which error a read request with several faults gets.

Issue 11 part 3 splits every read and table operation into decode (JSON ->
request struct, no store) and execute (table checks, then the work).  Some
faults found while decoding are reported by DynamoDB only after a check that
needs the table (the table exists, the key matches its schema, the index
exists): a single-pass handler met them in that order, and the split must
keep it.  Each case below pairs a fault that needs the table with one that
does not, in the order the handler meets them; these tests pass against the
binary from before the split as well."""

import pytest

from conftest import create_simple_table, error_message, error_type, raw_post

BAD_NUMBER = {"N": "not-a-number"}


def call(server, op, body):
    status, _, data = raw_post(server.url, f"DynamoDB_20120810.{op}", body)
    return status, error_type(data), error_message(data)


@pytest.fixture
def table(client, table_name):
    name = table_name("Order")
    create_simple_table(client, name, hash_key="pk", hash_type="N")
    return name


# ---------------------------------------------------------------- BatchGetItem

def test_batch_get_missing_table_before_a_later_tables_bad_key_value(server, table_name):
    body = {"RequestItems": {table_name("Missing"): {"Keys": [{"pk": {"N": "1"}}]},
                             table_name("Other"): {"Keys": [{"pk": BAD_NUMBER}]}}}
    assert call(server, "BatchGetItem", body)[:2] == (400, "ResourceNotFoundException")


def test_batch_get_missing_table_before_its_own_bad_key_value(server, table_name):
    body = {"RequestItems": {table_name("Missing"): {"Keys": [{"pk": BAD_NUMBER}]}}}
    assert call(server, "BatchGetItem", body)[:2] == (400, "ResourceNotFoundException")


def test_batch_get_earlier_key_schema_mismatch_before_later_bad_key_value(server, table):
    body = {"RequestItems": {table: {"Keys": [{"other": {"N": "1"}}, {"pk": BAD_NUMBER}]}}}
    assert call(server, "BatchGetItem", body) == (400, "ValidationException",
                                                  "The provided key element does not match the schema")


def test_batch_get_bad_key_value_reported_once_the_table_is_found(server, table):
    status, code, msg = call(server, "BatchGetItem", {"RequestItems": {table: {"Keys": [{"pk": BAD_NUMBER}]}}})
    assert (status, code) == (400, "ValidationException")
    assert "does not match the schema" not in msg


def test_batch_get_request_items_messages(server, table_name):
    # The hand-built one-violation reports now come from ValidationErrors:
    # the same text on the wire.
    assert call(server, "BatchGetItem", {"RequestItems": {"a": {"Keys": [{"pk": {"N": "1"}}]}}}) == (
        400, "ValidationException",
        "1 validation error detected: Value 'a' at 'requestItems' failed to satisfy constraint: Map keys must "
        "satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater "
        "than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]")
    name = table_name("Keys")
    assert call(server, "BatchGetItem", {"RequestItems": {name: {}}}) == (
        400, "ValidationException",
        f"1 validation error detected: Value null at 'requestItems.{name}.member.keys' failed to satisfy "
        "constraint: Member must not be null")
    assert call(server, "BatchGetItem", {"RequestItems": {name: {"Keys": []}}}) == (
        400, "ValidationException",
        f"1 validation error detected: Value '[]' at 'requestItems.{name}.member.keys' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1")


# ---------------------------------------------------------------- TransactGetItems

def test_transact_get_missing_table_before_a_later_null_get(server, table_name):
    body = {"TransactItems": [{"Get": {"TableName": table_name("Missing"), "Key": {"pk": {"N": "1"}}}}, {}]}
    assert call(server, "TransactGetItems", body)[:2] == (400, "ResourceNotFoundException")


def test_transact_get_null_get_before_a_later_missing_table(server, table_name):
    body = {"TransactItems": [{}, {"Get": {"TableName": table_name("Missing"), "Key": {"pk": {"N": "1"}}}}]}
    assert call(server, "TransactGetItems", body) == (
        400, "ValidationException",
        "1 validation error detected: Value null at 'transactItems.member.get' failed to satisfy constraint: "
        "Member must not be null")


def test_transact_get_null_key_message(server, table):
    body = {"TransactItems": [{"Get": {"TableName": table}}]}
    assert call(server, "TransactGetItems", body) == (
        400, "ValidationException",
        "1 validation error detected: Value null at 'transactItems.member.get.key' failed to satisfy constraint: "
        "Member must not be null")


def test_transact_get_missing_table_before_its_bad_key_value(server, table_name):
    body = {"TransactItems": [{"Get": {"TableName": table_name("Missing"), "Key": {"pk": BAD_NUMBER}}}]}
    assert call(server, "TransactGetItems", body)[:2] == (400, "ResourceNotFoundException")


def test_transact_get_earlier_duplicate_before_later_bad_key_value(server, table):
    get = {"Get": {"TableName": table, "Key": {"pk": {"N": "1"}}}}
    body = {"TransactItems": [get, get, {"Get": {"TableName": table, "Key": {"pk": BAD_NUMBER}}}]}
    assert call(server, "TransactGetItems", body) == (
        400, "ValidationException", "Transaction request cannot include multiple operations on one item")


# ---------------------------------------------------------------- Query and Scan

@pytest.mark.parametrize("op", ["Query", "Scan"])
def test_missing_table_before_bad_exclusive_start_key_value(server, table_name, op):
    body = {"TableName": table_name("Missing"), "ExclusiveStartKey": {"pk": BAD_NUMBER}}
    if op == "Query":
        body.update(KeyConditionExpression="pk = :v", ExpressionAttributeValues={":v": {"N": "1"}})
    assert call(server, op, body)[:2] == (400, "ResourceNotFoundException")


@pytest.mark.parametrize("op", ["Query", "Scan"])
def test_missing_index_before_bad_exclusive_start_key_value(server, table, op):
    body = {"TableName": table, "IndexName": "nope", "ExclusiveStartKey": {"pk": BAD_NUMBER}}
    if op == "Query":
        body.update(KeyConditionExpression="pk = :v", ExpressionAttributeValues={":v": {"N": "1"}})
    assert call(server, op, body) == (400, "ValidationException", "The table does not have the specified index: nope")


def test_query_key_condition_checked_before_bad_exclusive_start_key_value(server, table):
    body = {"TableName": table, "KeyConditionExpression": "pk = :v",
            "ExpressionAttributeValues": {":v": {"S": "text"}}, "ExclusiveStartKey": {"pk": BAD_NUMBER}}
    status, code, msg = call(server, "Query", body)
    assert (status, code) == (400, "ValidationException")
    assert "Condition parameter type does not match schema type" in msg, msg


@pytest.mark.parametrize("op,prefix", [("Query", "1 validation error detected: "), ("Scan", "")])
def test_select_count_with_projection_message(server, table, op, prefix):
    body = {"TableName": table, "Select": "COUNT", "ProjectionExpression": "a"}
    if op == "Query":
        body.update(KeyConditionExpression="pk = :v", ExpressionAttributeValues={":v": {"N": "1"}})
    assert call(server, op, body) == (
        400, "ValidationException",
        prefix + "Cannot specify the ProjectionExpression when choosing to get only the Count")
