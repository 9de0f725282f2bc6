"""Which problems of a transaction DynamoDB reports as a cancellation reason and
which as a plain ValidationException (issue 15, part 7).

Facts (captured from DynamoDB by published conformance suites and emulator
test suites that run against AWS):
- an item that does not fit its table (a key attribute missing or of the wrong
  type, an index key of the wrong type) is a TransactionCanceledException whose
  reason for that action is ValidationError (with the message a single write
  would give), and "None" for every other action; DynamoDB stops at the first
  such action, evaluates no condition and does not look for duplicates;
- empty key values (table or index keys), a Put's item over 400 KB, undefined
  or unused expression names and values, syntax errors, two actions on one
  item, more than 100 actions are a ValidationException for the whole request;
- an Update that grows an item over 400 KB, or sets an index key to the wrong
  type, is a ValidationError reason; one that empties an index key is a
  ValidationException with DynamoDB's update-path wording;
- TransactGetItems reports a Key that does not match through a cancellation.
"""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import AWS_CLI, DEFAULT_AKID, create_simple_table, err, rejected

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"
SCHEMA = "The provided key element does not match the schema"
EMPTY_KEY = ("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
             "empty string value. Key: pk")


@pytest.fixture
def tbl(client, table_name):
    name = table_name("Tx")
    create_simple_table(client, name)
    client.put_item(TableName=name, Item={"pk": {"S": "exists"}, "n": {"N": "1"}})
    return name


@pytest.fixture
def gtbl(client, table_name):
    """pk (S) with a GSI on g (S) and sort key gs (N)."""
    name = table_name("TxIdx")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "gs", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                                   {"AttributeName": "gs", "KeyType": "RANGE"}],
                                 "Projection": {"ProjectionType": "ALL"}}])
    client.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "old"}, "gs": {"N": "1"}})
    return name


def cancelled(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    code, msg = err(e)
    assert code == "TransactionCanceledException", (code, msg)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return msg, e.value.response["CancellationReasons"]


def only_reason(fn, **kw):
    msg, reasons = cancelled(fn, **kw)
    assert msg == CANCELLED + " [ValidationError]"
    assert len(reasons) == 1 and reasons[0]["Code"] == "ValidationError"
    return reasons[0]["Message"]


def exists(client, table, pk):
    return "Item" in client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True)


# ---------------------------------------------------------------- item-level: cancellation reasons

@pytest.mark.parametrize("item,message", [
    ({"pk": {"N": "5"}}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"),
    ({"pk": {"L": [{"S": "x"}]}}, "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: L"),
    ({"other": {"S": "x"}}, "One or more parameter values were invalid: Missing the key pk in the item"),
])
def test_put_item_not_fitting_the_table_is_a_validation_error_reason(client, loose, tbl, item, message):
    assert only_reason(loose.transact_write_items, TransactItems=[{"Put": {"TableName": tbl, "Item": item}}]) == message


@pytest.mark.parametrize("kind", ["Update", "Delete", "ConditionCheck"])
@pytest.mark.parametrize("key", [{"pk": {"N": "5"}}, {"pk": {"L": [{"S": "x"}]}}, {}, {"pk": {"S": "a"}, "x": {"S": "b"}}])
def test_lookup_key_not_matching_is_a_validation_error_reason(loose, tbl, kind, key):
    spec = {"TableName": tbl, "Key": key}
    if kind == "Update":
        spec.update(UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"S": "x"}})
    if kind == "ConditionCheck":
        spec["ConditionExpression"] = "attribute_not_exists(pk)"
    assert only_reason(loose.transact_write_items, TransactItems=[{kind: spec}]) == SCHEMA


def test_first_invalid_action_wins_before_conditions_and_duplicates(client, tbl):
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"ConditionCheck": {"TableName": tbl, "Key": {"pk": {"S": "nope"}},
                            "ConditionExpression": "attribute_exists(pk)"}},   # false, but not evaluated
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": "u1"}}}},
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": "u1"}}}},                # duplicate, not looked for
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "5"}}}},
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "6"}}}}])                # second invalid: None
    assert msg == CANCELLED + " [None, None, None, ValidationError, None]"
    assert [r["Code"] for r in reasons] == ["None", "None", "None", "ValidationError", "None"]
    assert reasons[3]["Message"] == "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N"
    assert all("Message" not in r for i, r in enumerate(reasons) if i != 3)
    assert not exists(client, tbl, "u1")


def test_index_key_of_wrong_type_is_a_validation_error_reason(client, gtbl):
    message = only_reason(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": gtbl, "Item": {"pk": {"S": "b"}, "g": {"N": "1"}}}}])
    assert message == ("One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N "
                       "IndexName: byG")
    # An Update that sets it: found while the transaction runs, also a reason.
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": gtbl, "Item": {"pk": {"S": "c"}}}},
        {"Update": {"TableName": gtbl, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET gs = :v",
                    "ExpressionAttributeValues": {":v": {"S": "text"}}}}])
    assert msg == CANCELLED + " [None, ValidationError]"
    assert reasons[1]["Message"] == ("One or more parameter values were invalid: Type mismatch for Index Key gs "
                                     "Expected: N Actual: S IndexName: byG")
    assert not exists(client, gtbl, "b") and not exists(client, gtbl, "c")
    item = client.get_item(TableName=gtbl, Key={"pk": {"S": "a"}})["Item"]
    assert item["gs"] == {"N": "1"}


def test_update_growing_item_over_400kb_is_a_validation_error_reason(client, tbl):
    big = "x" * (400 * 1024)
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"Update": {"TableName": tbl, "Key": {"pk": {"S": "exists"}}, "UpdateExpression": "SET big = :b",
                    "ExpressionAttributeValues": {":b": {"S": big}}}}])
    assert msg == CANCELLED + " [ValidationError]"
    assert reasons[0]["Message"] == "Item size to update has exceeded the maximum allowed size"


# ---------------------------------------------------------------- request-level: ValidationException

@pytest.mark.parametrize("kind", ["Put", "Update", "Delete", "ConditionCheck"])
def test_empty_key_value_is_a_validation_exception(loose, tbl, kind):
    spec = {"TableName": tbl, ("Item" if kind == "Put" else "Key"): {"pk": {"S": ""}}}
    if kind == "Update":
        spec.update(UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"S": "x"}})
    if kind == "ConditionCheck":
        spec["ConditionExpression"] = "attribute_not_exists(pk)"
    assert rejected(loose.transact_write_items, TransactItems=[{kind: spec}]) == EMPTY_KEY


def test_empty_binary_key_and_empty_key_ahead_of_a_wrong_type(client, loose, tbl, table_name):
    msg = rejected(loose.transact_write_items, TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": "ok"}}}},
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "5"}}}},
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": ""}}}}])
    assert msg == EMPTY_KEY
    assert not exists(client, tbl, "ok")
    b = table_name("TxB")
    create_simple_table(client, b, hash_type="B")
    msg = rejected(loose.transact_write_items, TransactItems=[{"Delete": {"TableName": b, "Key": {"pk": {"B": b""}}}}])
    assert msg == ("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
                   "an empty binary value. Key: pk")


def test_empty_index_key_is_a_validation_exception(client, gtbl):
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": gtbl, "Item": {"pk": {"S": "b"}, "g": {"S": ""}}}}])
    assert msg == ("One or more parameter values are not valid. A value specified for a secondary index key is not "
                   "supported. The AttributeValue for a key attribute cannot contain an empty string value. "
                   "IndexName: byG, IndexKey: g")
    update_wording = ("One or more parameter values are not valid. The update expression attempted to update a "
                      "secondary index key to a value that is not supported. The AttributeValue for a key attribute "
                      "cannot contain an empty string value.")
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": gtbl, "Item": {"pk": {"S": "c"}}}},
        {"Update": {"TableName": gtbl, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET g = :e",
                    "ExpressionAttributeValues": {":e": {"S": ""}}}}])
    assert msg == update_wording
    # UpdateItem words it the same way.
    msg = rejected(client.update_item, TableName=gtbl, Key={"pk": {"S": "a"}}, UpdateExpression="SET g = :e",
                   ExpressionAttributeValues={":e": {"S": ""}})
    assert msg == update_wording
    assert not exists(client, gtbl, "c")
    assert client.get_item(TableName=gtbl, Key={"pk": {"S": "a"}})["Item"]["g"] == {"S": "old"}


def test_put_item_over_400kb_is_a_validation_exception(client, tbl):
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "5"}}}},   # would be a reason, but the size comes first
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": "big"}, "b": {"S": "x" * (400 * 1024)}}}}])
    assert msg == "Item size has exceeded the maximum allowed size"


@pytest.mark.parametrize("spec,fragment", [
    ({"Put": {"Item": {"pk": {"S": "p"}}, "ConditionExpression": "n = :xyz"}},
     "An expression attribute value used in expression is not defined; attribute value: :xyz"),
    ({"Put": {"Item": {"pk": {"S": "p"}}, "ConditionExpression": "attribute_exists(#xyz)"}}, "#xyz"),
    ({"Put": {"Item": {"pk": {"S": "p"}}, "ConditionExpression": "attribute_exists(pk)",
              "ExpressionAttributeValues": {":xyz": {"N": "7"}}}},
     "Value provided in ExpressionAttributeValues unused in expressions: keys: {:xyz}"),
    ({"ConditionCheck": {"Key": {"pk": {"S": "p"}}, "ConditionExpression": "attribute_not_exists("}},
     "Invalid ConditionExpression: Syntax error"),
    ({"Update": {"Key": {"pk": {"S": "p"}}, "UpdateExpression": "SET pk = :v",
                 "ExpressionAttributeValues": {":v": {"S": "x"}}}},
     "Cannot update attribute pk. This attribute is part of the key"),
    ({"Put": {"Item": {"pk": {"S": "p"}}, "ReturnValuesOnConditionCheckFailure": "dog"}},
     "returnValuesOnConditionCheckFailure"),
])
def test_request_level_problems_stay_validation_exceptions(client, loose, tbl, spec, fragment):
    kind, body = next(iter(spec.items()))
    msg = rejected(loose.transact_write_items, TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "1"}}}},   # an item-level problem in another action
        {kind: dict(body, TableName=tbl)}])
    assert fragment in msg, msg


def test_duplicates_and_limits_stay_validation_exceptions(client, loose, tbl, table_name):
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": "d"}}}},
        {"Delete": {"TableName": tbl, "Key": {"pk": {"S": "d"}}}}])
    assert msg == "Transaction request cannot include multiple operations on one item"
    msg = rejected(loose.transact_write_items, TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"S": f"k{i}"}}}} for i in range(101)])
    assert "Member must have length less than or equal to 100" in msg
    msg = rejected(loose.transact_write_items, TransactItems=[{"Put": {"Item": {"pk": {"S": "x"}}}}])
    assert "Member must not be null" in msg
    # A missing table is found before any item is checked.
    rejected(client.transact_write_items, code="ResourceNotFoundException", TransactItems=[
        {"Put": {"TableName": tbl, "Item": {"pk": {"N": "1"}}}},
        {"Put": {"TableName": table_name("Missing"), "Item": {"pk": {"S": "x"}}}}])


# ---------------------------------------------------------------- TransactGetItems

def test_get_key_not_matching_is_a_validation_error_reason(client, loose, tbl):
    for key, message in [({"pk": {"N": "1"}}, SCHEMA), ({}, SCHEMA), ({"pk": {"S": ""}}, EMPTY_KEY)]:
        msg, reasons = cancelled(loose.transact_get_items, TransactItems=[
            {"Get": {"TableName": tbl, "Key": {"pk": {"S": "exists"}}}},
            {"Get": {"TableName": tbl, "Key": key}},
            {"Get": {"TableName": tbl, "Key": {"pk": {"N": "2"}}}}])   # second bad key: not reached
        assert msg == CANCELLED + " [None, ValidationError, None]"
        assert reasons == [{"Code": "None"}, {"Code": "ValidationError", "Message": message}, {"Code": "None"}]


def test_get_request_level_problems_stay(client, loose, tbl, table_name):
    msg = rejected(client.transact_get_items, TransactItems=[
        {"Get": {"TableName": tbl, "Key": {"pk": {"S": "exists"}}}},
        {"Get": {"TableName": tbl, "Key": {"pk": {"S": "exists"}}}}])
    assert msg == "Transaction request cannot include multiple operations on one item"
    msg = rejected(loose.transact_get_items, TransactItems=[
        {"Get": {"TableName": tbl, "Key": {"pk": {"S": "exists"}}, "ProjectionExpression": "!!!"}}])
    assert msg.startswith("Invalid ProjectionExpression: Syntax error")
    rejected(loose.transact_get_items, code="ResourceNotFoundException", TransactItems=[
        {"Get": {"TableName": table_name("Missing"), "Key": {"pk": {"S": "x"}}}},
        {"Get": {"TableName": tbl, "Key": {"pk": {"N": "1"}}}}])
    # A later Key whose value does not decode comes before an earlier mismatch.
    msg = rejected(loose.transact_get_items, TransactItems=[
        {"Get": {"TableName": tbl, "Key": {"pk": {"N": "1"}}}},
        {"Get": {"TableName": tbl, "Key": {"pk": {"N": "not-a-number"}}}}])
    assert "not-a-number" in msg


# ---------------------------------------------------------------- ExecuteTransaction

def test_execute_transaction_update_with_wrong_index_key_type(client, gtbl):
    msg, reasons = cancelled(client.execute_transaction, TransactStatements=[
        {"Statement": f'UPDATE "{gtbl}" SET gs = ? WHERE pk = ?', "Parameters": [{"S": "t"}, {"S": "a"}]}])
    assert msg == CANCELLED + " [ValidationError]"
    assert reasons[0]["Message"] == ("One or more parameter values were invalid: Type mismatch for Index Key gs "
                                     "Expected: N Actual: S IndexName: byG")


# ---------------------------------------------------------------- AWS CLI

@pytest.mark.skipif(AWS_CLI is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli_shows_the_cancellation(server, tbl):
    from test_cli import aws
    p = aws(server, "transact-write-items", "--transact-items",
            json.dumps([{"Put": {"TableName": tbl, "Item": {"pk": {"N": "5"}}}}]), check=False, akid=DEFAULT_AKID)
    assert p.returncode != 0
    assert "TransactionCanceledException" in p.stderr
    assert CANCELLED + " [ValidationError]" in p.stderr
    p = aws(server, "transact-get-items", "--transact-items",
            json.dumps([{"Get": {"TableName": tbl, "Key": {"pk": {"N": "5"}}}}]), check=False, akid=DEFAULT_AKID)
    assert p.returncode != 0 and CANCELLED + " [ValidationError]" in p.stderr
    p = aws(server, "transact-write-items", "--transact-items",
            json.dumps([{"Put": {"TableName": tbl, "Item": {"pk": {"S": ""}}}}]), check=False, akid=DEFAULT_AKID)
    assert p.returncode != 0 and "ValidationException" in p.stderr and "Key: pk" in p.stderr
