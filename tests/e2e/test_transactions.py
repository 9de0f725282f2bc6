"""TransactWriteItems and TransactGetItems, checked against DynamoDB's documented behaviour."""

import uuid
from decimal import Decimal

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from conftest import create_simple_table, err, rejected

CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons"

ser = TypeSerializer()
deser = TypeDeserializer()


def av(d):
    return {k: ser.serialize(v) for k, v in d.items()}


def py(d):
    return {k: deser.deserialize(v) for k, v in d.items()}


@pytest.fixture
def accounts(client, table_name):
    name = table_name("Accounts")
    create_simple_table(client, name, hash_key="id")
    client.put_item(TableName=name, Item=av({"id": "alice", "bal": 100}))
    client.put_item(TableName=name, Item=av({"id": "bob", "bal": 50}))
    client.put_item(TableName=name, Item=av({"id": "bank", "open": True}))
    return name


@pytest.fixture
def other(client, table_name):
    name = table_name("Other")
    create_simple_table(client, name, hash_key="h", range_key="r", range_type="N")
    return name


def get(client, table, key):
    r = client.get_item(TableName=table, Key=av(key), ConsistentRead=True)
    return py(r["Item"]) if "Item" in r else None


def transfer(src, dst, amount, table, bank_open_check=True, **extra):
    items = []
    if bank_open_check:
        items.append({"ConditionCheck": {
            "TableName": table, "Key": av({"id": "bank"}),
            "ConditionExpression": "#o = :t",
            "ExpressionAttributeNames": {"#o": "open"},
            "ExpressionAttributeValues": {":t": {"BOOL": True}}}})
    items.append({"Update": {
        "TableName": table, "Key": av({"id": src}),
        "UpdateExpression": "SET bal = bal - :a",
        "ConditionExpression": "bal >= :a",
        "ExpressionAttributeValues": {":a": {"N": str(amount)}}, **extra}})
    items.append({"Update": {
        "TableName": table, "Key": av({"id": dst}),
        "UpdateExpression": "SET bal = bal + :a",
        "ExpressionAttributeValues": {":a": {"N": str(amount)}}}})
    return items


def cancelled(fn, **kw):
    with pytest.raises(ClientError) as e:
        fn(**kw)
    code, msg = err(e)
    assert code == "TransactionCanceledException", (code, msg)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return msg, e.value.response.get("CancellationReasons")


# ---------------------------------------------------------------- money transfer

def test_transfer_applies_completely(client, accounts):
    r = client.transact_write_items(TransactItems=transfer("alice", "bob", 30, accounts))
    assert "ConsumedCapacity" not in r
    assert get(client, accounts, {"id": "alice"})["bal"] == 70
    assert get(client, accounts, {"id": "bob"})["bal"] == 80


def test_transfer_insufficient_funds_applies_nothing(client, accounts):
    items = transfer("bob", "alice", 51, accounts, bank_open_check=False)
    msg, reasons = cancelled(client.transact_write_items, TransactItems=items)
    assert msg == CANCELLED + " [ConditionalCheckFailed, None]"
    assert reasons == [
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
        {"Code": "None"}]
    assert get(client, accounts, {"id": "alice"})["bal"] == 100
    assert get(client, accounts, {"id": "bob"})["bal"] == 50


def test_condition_check_failure_cancels(client, accounts):
    client.update_item(TableName=accounts, Key=av({"id": "bank"}), UpdateExpression="SET #o = :f",
                       ExpressionAttributeNames={"#o": "open"},
                       ExpressionAttributeValues={":f": {"BOOL": False}})
    msg, reasons = cancelled(client.transact_write_items, TransactItems=transfer("alice", "bob", 10, accounts))
    assert msg == CANCELLED + " [ConditionalCheckFailed, None, None]"
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None", "None"]
    assert "Item" not in reasons[0]
    assert get(client, accounts, {"id": "alice"})["bal"] == 100
    assert get(client, accounts, {"id": "bob"})["bal"] == 50


def test_cancellation_all_old_returns_item(client, accounts):
    items = transfer("bob", "alice", 500, accounts, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    msg, reasons = cancelled(client.transact_write_items, TransactItems=items)
    assert msg == CANCELLED + " [None, ConditionalCheckFailed, None]"
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ConditionalCheckFailed"
    assert reasons[1]["Message"] == "The conditional request failed"
    assert reasons[1]["Item"] == {"id": {"S": "bob"}, "bal": {"N": "50"}}
    assert reasons[2] == {"Code": "None"}
    # NONE explicitly: no item
    items = transfer("bob", "alice", 500, accounts, ReturnValuesOnConditionCheckFailure="NONE")
    _, reasons = cancelled(client.transact_write_items, TransactItems=items)
    assert "Item" not in reasons[1]


def test_all_old_on_missing_item_has_no_item(client, accounts):
    items = [{"ConditionCheck": {"TableName": accounts, "Key": av({"id": "ghost"}),
                                 "ConditionExpression": "attribute_exists(id)",
                                 "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
             {"Put": {"TableName": accounts, "Item": av({"id": "newbie", "bal": 1})}}]
    msg, reasons = cancelled(client.transact_write_items, TransactItems=items)
    assert msg == CANCELLED + " [ConditionalCheckFailed, None]"
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert "Item" not in reasons[0]
    assert get(client, accounts, {"id": "newbie"}) is None


def test_several_failures_listed_in_order(client, accounts):
    items = [
        {"Put": {"TableName": accounts, "Item": av({"id": "x1"}), "ConditionExpression": "attribute_exists(id)"}},
        {"Put": {"TableName": accounts, "Item": av({"id": "x2"})}},
        {"Delete": {"TableName": accounts, "Key": av({"id": "alice"}),
                    "ConditionExpression": "bal > :b", "ExpressionAttributeValues": {":b": {"N": "1000"}}}},
    ]
    msg, reasons = cancelled(client.transact_write_items, TransactItems=items)
    assert msg == CANCELLED + " [ConditionalCheckFailed, None, ConditionalCheckFailed]"
    assert [r["Code"] for r in reasons] == ["ConditionalCheckFailed", "None", "ConditionalCheckFailed"]
    assert get(client, accounts, {"id": "x2"}) is None
    assert get(client, accounts, {"id": "alice"})["bal"] == 100


# ---------------------------------------------------------------- actions across two tables

def test_all_action_kinds_two_tables(client, accounts, other):
    client.put_item(TableName=other, Item=av({"h": "doomed", "r": 1}))
    r = client.transact_write_items(
        TransactItems=[
            {"ConditionCheck": {"TableName": accounts, "Key": av({"id": "bank"}),
                                "ConditionExpression": "attribute_exists(#o)",
                                "ExpressionAttributeNames": {"#o": "open"}}},
            {"Put": {"TableName": other, "Item": av({"h": "new", "r": 2, "tags": {"a", "b"}}),
                     "ConditionExpression": "attribute_not_exists(h)"}},
            {"Update": {"TableName": accounts, "Key": av({"id": "carol"}),
                        "UpdateExpression": "SET bal = if_not_exists(bal, :z) + :a ADD visits :one",
                        "ExpressionAttributeValues": {":z": {"N": "0"}, ":a": {"N": "5"}, ":one": {"N": "1"}}}},
            {"Delete": {"TableName": other, "Key": av({"h": "doomed", "r": 1}),
                        "ConditionExpression": "attribute_exists(h)"}},
            {"Delete": {"TableName": other, "Key": av({"h": "never", "r": 1})}},
        ],
        ReturnConsumedCapacity="TOTAL")
    cc = r["ConsumedCapacity"]
    assert isinstance(cc, list) and sorted(c["TableName"] for c in cc) == sorted([accounts, other])
    assert all(c["CapacityUnits"] > 0 for c in cc)
    assert get(client, other, {"h": "new", "r": 2}) == {"h": "new", "r": 2, "tags": {"a", "b"}}
    assert get(client, accounts, {"id": "carol"}) == {"id": "carol", "bal": 5, "visits": 1}
    assert get(client, other, {"h": "doomed", "r": 1}) is None


def test_two_tables_cancelled_writes_nothing(client, accounts, other):
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": other, "Item": av({"h": "p", "r": 1})}},
        {"Update": {"TableName": accounts, "Key": av({"id": "alice"}), "UpdateExpression": "SET bal = :z",
                    "ExpressionAttributeValues": {":z": {"N": "0"}}}},
        {"ConditionCheck": {"TableName": accounts, "Key": av({"id": "bob"}),
                            "ConditionExpression": "bal = :n", "ExpressionAttributeValues": {":n": {"N": "49"}}}},
    ])
    assert msg == CANCELLED + " [None, None, ConditionalCheckFailed]"
    assert get(client, other, {"h": "p", "r": 1}) is None
    assert get(client, accounts, {"id": "alice"})["bal"] == 100


def test_resource_client_native_types(resource, client, accounts, other):
    rc = resource.meta.client
    rc.transact_write_items(TransactItems=[
        {"Put": {"TableName": other, "Item": {"h": "native", "r": 1, "m": {"x": [1, "y"]}}}},
        {"Update": {"TableName": accounts, "Key": {"id": "alice"}, "UpdateExpression": "SET bal = bal - :a",
                    "ConditionExpression": "bal >= :a", "ExpressionAttributeValues": {":a": 1}}},
    ])
    assert resource.Table(other).get_item(Key={"h": "native", "r": 1})["Item"] == {
        "h": "native", "r": 1, "m": {"x": [1, "y"]}}
    assert resource.Table(accounts).get_item(Key={"id": "alice"})["Item"]["bal"] == 99
    with pytest.raises(ClientError) as e:
        rc.transact_write_items(TransactItems=[
            {"Update": {"TableName": accounts, "Key": {"id": "alice"}, "UpdateExpression": "SET bal = bal - :a",
                        "ConditionExpression": "bal >= :a", "ExpressionAttributeValues": {":a": 1000},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}])
    assert e.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = e.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    # boto3 does not deserialize error bodies: the item stays in wire format
    assert py(reasons[0]["Item"]) == {"id": "alice", "bal": Decimal(99)}
    got = rc.transact_get_items(TransactItems=[
        {"Get": {"TableName": accounts, "Key": {"id": "alice"}}},
        {"Get": {"TableName": other, "Key": {"h": "native", "r": 1}, "ProjectionExpression": "m.x[1]"}}])
    assert got["Responses"] == [{"Item": {"id": "alice", "bal": 99}}, {"Item": {"m": {"x": ["y"]}}}]


# ---------------------------------------------------------------- static errors

def test_more_than_100_actions_rejected(client, loose, accounts):
    items = [{"Put": {"TableName": accounts, "Item": av({"id": f"n{i}"})}} for i in range(101)]
    msg = rejected(loose.transact_write_items, TransactItems=items)
    assert "Member must have length less than or equal to 100" in msg
    assert "transactItems" in msg
    assert get(client, accounts, {"id": "n0"}) is None
    # exactly 100 is fine
    client.transact_write_items(TransactItems=items[:100])
    assert get(client, accounts, {"id": "n99"}) == {"id": "n99"}
    msg = rejected(loose.transact_write_items, TransactItems=[])
    assert "Member must have length greater than or equal to 1" in msg


def test_aggregate_size_over_4mb_rejected(client, accounts):
    blob = "x" * (390 * 1024)  # each item ~390 KB, under the 400 KB item limit
    items = [{"Put": {"TableName": accounts, "Item": av({"id": f"big{i}", "d": blob})}} for i in range(11)]
    msg = rejected(client.transact_write_items, TransactItems=items)
    assert msg == "Transaction size has exceeded the maximum allowed size of 4 MB"
    assert get(client, accounts, {"id": "big0"}) is None
    # ten of them (about 3.9 MB) are within the limit
    client.transact_write_items(TransactItems=items[:10])
    assert get(client, accounts, {"id": "big9"})["d"] == blob
    # Updates count with the item as it would be written: ten items grown to
    # ~395 KB plus a 150 KB Put cross 4 MB (4,100 KB); the same updates
    # without the growth would not (4,050 KB). Nothing changes.
    grow = [{"Update": {"TableName": accounts, "Key": av({"id": f"big{i}"}), "UpdateExpression": "SET e = :e",
                        "ExpressionAttributeValues": {":e": {"S": "y" * (5 * 1024)}}}} for i in range(10)]
    grow.append({"Put": {"TableName": accounts, "Item": av({"id": "extra", "d": "z" * (150 * 1024)})}})
    msg = rejected(client.transact_write_items, TransactItems=grow)
    assert msg == "Transaction size has exceeded the maximum allowed size of 4 MB"
    assert get(client, accounts, {"id": "extra"}) is None
    assert "e" not in get(client, accounts, {"id": "big0"})
    for u in grow[:10]:
        u["Update"]["ExpressionAttributeValues"][":e"]["S"] = "y"
    client.transact_write_items(TransactItems=grow)
    assert get(client, accounts, {"id": "big0"})["e"] == "y"
    assert get(client, accounts, {"id": "extra"}) is not None


@pytest.mark.parametrize("second", [
    {"Put": {"Item": {"id": {"S": "alice"}, "bal": {"N": "1"}}}},
    {"Delete": {"Key": {"id": {"S": "alice"}}}},
    {"ConditionCheck": {"Key": {"id": {"S": "alice"}}, "ConditionExpression": "attribute_exists(id)"}},
])
def test_two_actions_on_one_item(client, accounts, second):
    kind, spec = next(iter(second.items()))
    spec = dict(spec, TableName=accounts)
    msg = rejected(client.transact_write_items, TransactItems=[
        {"Update": {"TableName": accounts, "Key": av({"id": "alice"}), "UpdateExpression": "SET bal = :z",
                    "ExpressionAttributeValues": {":z": {"N": "0"}}}},
        {kind: spec}])
    assert msg == "Transaction request cannot include multiple operations on one item"
    assert get(client, accounts, {"id": "alice"})["bal"] == 100


def test_same_key_in_two_tables_is_not_same_item(client, accounts, table_name):
    t2 = table_name("Accounts2")
    create_simple_table(client, t2, hash_key="id")
    client.transact_write_items(TransactItems=[
        {"Put": {"TableName": accounts, "Item": av({"id": "dup"})}},
        {"Put": {"TableName": t2, "Item": av({"id": "dup"})}}])
    assert get(client, t2, {"id": "dup"}) == {"id": "dup"}


def test_missing_table_writes_nothing(client, accounts, table_name):
    missing = table_name("Nope")
    msg = rejected(client.transact_write_items, code="ResourceNotFoundException", TransactItems=[
        {"Put": {"TableName": accounts, "Item": av({"id": "should-not"})}},
        {"Put": {"TableName": missing, "Item": av({"id": "x"})}}])
    assert "Requested resource not found" in msg
    assert get(client, accounts, {"id": "should-not"}) is None


@pytest.mark.parametrize("bad,fragment", [
    ({"Update": {"Key": {"id": {"S": "bob"}}, "UpdateExpression": "SET bal = = 1"}},
     "Invalid UpdateExpression: Syntax error"),
    ({"Update": {"Key": {"id": {"S": "bob"}}, "UpdateExpression": "SET bal = :nope"}},
     "An expression attribute value used in expression is not defined"),
    ({"ConditionCheck": {"Key": {"id": {"S": "bob"}}, "ConditionExpression": "bal >>= 1"}},
     "Invalid ConditionExpression: Syntax error"),
    ({"Put": {"Item": {"id": {"S": "bob"}}, "ConditionExpression": "a = :v",
              "ExpressionAttributeValues": {":v": {"N": "1"}, ":unused": {"N": "2"}}}},
     "unused"),
    ({"Put": {"Item": {"id": {"S": ""}}}}, "cannot contain an empty string value. Key: id"),
    ({"Update": {"Key": {"id": {"S": "bob"}}, "UpdateExpression": "SET id = :v",
                 "ExpressionAttributeValues": {":v": {"S": "x"}}}},
     "Cannot update attribute id. This attribute is part of the key"),
])
# (A key of the wrong type or missing is a cancellation reason instead:
# test_transaction_reasons.py.)
def test_static_errors_write_nothing(client, loose, accounts, bad, fragment):
    kind, spec = next(iter(bad.items()))
    spec = dict(spec, TableName=accounts)
    msg = rejected(loose.transact_write_items, TransactItems=[
        {"Put": {"TableName": accounts, "Item": av({"id": "first"})}},
        {kind: spec}])
    assert fragment.lower() in msg.lower(), msg
    assert get(client, accounts, {"id": "first"}) is None


def test_action_must_have_exactly_one_kind(loose, accounts):
    rejected(loose.transact_write_items, TransactItems=[{}])
    rejected(loose.transact_write_items, TransactItems=[
        {"Put": {"TableName": accounts, "Item": av({"id": "a"})},
         "Delete": {"TableName": accounts, "Key": av({"id": "b"})}}])


# ---------------------------------------------------------------- runtime validation errors

def test_update_runtime_type_error_is_validation_error_reason(client, accounts):
    client.put_item(TableName=accounts, Item=av({"id": "str", "a": "text"}))
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"Put": {"TableName": accounts, "Item": av({"id": "p1"})}},
        {"Update": {"TableName": accounts, "Key": av({"id": "str"}), "UpdateExpression": "SET a = a + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    assert msg == CANCELLED + " [None, ValidationError]"
    assert reasons[0] == {"Code": "None"}
    assert reasons[1]["Code"] == "ValidationError"
    assert "An operand in the update expression has an incorrect data type" in reasons[1]["Message"]
    assert get(client, accounts, {"id": "p1"}) is None
    assert get(client, accounts, {"id": "str"}) == {"id": "str", "a": "text"}


def test_update_missing_attribute_in_arithmetic(client, accounts):
    msg, reasons = cancelled(client.transact_write_items, TransactItems=[
        {"Update": {"TableName": accounts, "Key": av({"id": "bob"}), "UpdateExpression": "SET nope = nope + :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
    assert msg == CANCELLED + " [ValidationError]"
    assert "The provided expression refers to an attribute that does not exist in the item" in reasons[0]["Message"]


# ---------------------------------------------------------------- idempotency

def test_client_request_token_idempotent(client, accounts):
    token = str(uuid.uuid4())
    items = transfer("alice", "bob", 10, accounts)
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert get(client, accounts, {"id": "alice"})["bal"] == 90
    assert get(client, accounts, {"id": "bob"})["bal"] == 60
    # same token, different request
    msg = rejected(client.transact_write_items, code="IdempotentParameterMismatchException",
                   TransactItems=transfer("alice", "bob", 11, accounts), ClientRequestToken=token)
    assert msg
    assert get(client, accounts, {"id": "alice"})["bal"] == 90
    # a new token applies again
    client.transact_write_items(TransactItems=items, ClientRequestToken=str(uuid.uuid4()))
    assert get(client, accounts, {"id": "alice"})["bal"] == 80
    # without a token every call applies
    client.transact_write_items(TransactItems=items)
    client.transact_write_items(TransactItems=items)
    assert get(client, accounts, {"id": "alice"})["bal"] == 60


def test_client_request_token_too_long(loose, accounts):
    msg = rejected(loose.transact_write_items, TransactItems=transfer("alice", "bob", 1, accounts),
                   ClientRequestToken="x" * 37)
    assert "clientRequestToken" in msg


# ---------------------------------------------------------------- TransactGetItems

def test_transact_get_100_with_projection_and_missing(client, accounts, other):
    for start in range(0, 60, 25):
        client.batch_write_item(RequestItems={other: [
            {"PutRequest": {"Item": av({"h": "g", "r": i, "v": i * 10, "w": "w"})}}
            for i in range(start, min(start + 25, 60))]})
    gets = [{"Get": {"TableName": other, "Key": av({"h": "g", "r": i}), "ProjectionExpression": "v, #r",
                     "ExpressionAttributeNames": {"#r": "r"}}} for i in range(70)]
    gets += [{"Get": {"TableName": accounts, "Key": av({"id": f"acct{i}"})}} for i in range(28)]
    gets += [{"Get": {"TableName": accounts, "Key": av({"id": "alice"})}},
             {"Get": {"TableName": accounts, "Key": av({"id": "bob"}), "ProjectionExpression": "bal"}}]
    assert len(gets) == 100
    r = client.transact_get_items(TransactItems=gets, ReturnConsumedCapacity="TOTAL")
    resp = r["Responses"]
    assert len(resp) == 100
    for i in range(60):
        assert resp[i] == {"Item": {"v": {"N": str(i * 10)}, "r": {"N": str(i)}}}
    for i in range(60, 98):
        assert resp[i] == {}
    assert resp[98] == {"Item": {"id": {"S": "alice"}, "bal": {"N": "100"}}}
    assert resp[99] == {"Item": {"bal": {"N": "50"}}}
    cc = r["ConsumedCapacity"]
    assert sorted(c["TableName"] for c in cc) == sorted([accounts, other])


def test_transact_get_limits_and_errors(client, loose, accounts, table_name):
    gets = [{"Get": {"TableName": accounts, "Key": av({"id": f"k{i}"})}} for i in range(101)]
    msg = rejected(loose.transact_get_items, TransactItems=gets)
    assert "Member must have length less than or equal to 100" in msg
    msg = rejected(client.transact_get_items, TransactItems=[
        {"Get": {"TableName": accounts, "Key": av({"id": "alice"})}},
        {"Get": {"TableName": accounts, "Key": av({"id": "alice"}), "ProjectionExpression": "bal"}}])
    assert msg == "Transaction request cannot include multiple operations on one item"
    msg = rejected(client.transact_get_items, code="ResourceNotFoundException", TransactItems=[
        {"Get": {"TableName": table_name("Nope"), "Key": av({"id": "alice"})}}])
    msg, reasons = cancelled(loose.transact_get_items, TransactItems=[
        {"Get": {"TableName": accounts, "Key": {"id": {"N": "1"}}}}])
    assert msg == CANCELLED + " [ValidationError]"
    assert reasons == [{"Code": "ValidationError", "Message": "The provided key element does not match the schema"}]
    msg = rejected(loose.transact_get_items, TransactItems=[
        {"Get": {"TableName": accounts, "Key": av({"id": "alice"}), "ProjectionExpression": "#x"}}])
    assert "#x" in msg
    rejected(loose.transact_get_items, TransactItems=[])


def test_concurrent_same_token_applies_once(server, client, accounts):
    """Parallel retries with one ClientRequestToken: the write happens once; every
    call either succeeds or is told the transaction is still in progress."""
    import threading

    token = str(uuid.uuid4())
    items = [{"Update": {"TableName": accounts, "Key": av({"id": "ctr"}), "UpdateExpression": "ADD n :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}},
             {"Update": {"TableName": accounts, "Key": av({"id": "alice"}), "UpdateExpression": "SET bal = bal - :one",
                         "ExpressionAttributeValues": {":one": {"N": "1"}}}}]
    barrier = threading.Barrier(12)
    outcomes = []
    lock = threading.Lock()

    def worker():
        c = server.client()
        barrier.wait()
        for _ in range(5):
            try:
                c.transact_write_items(TransactItems=items, ClientRequestToken=token)
                res = "ok"
            except ClientError as e:
                res = e.response["Error"]["Code"]
            with lock:
                outcomes.append(res)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert set(outcomes) <= {"ok", "TransactionInProgressException"}, outcomes
    assert "ok" in outcomes
    assert get(client, accounts, {"id": "ctr"})["n"] == 1
    assert get(client, accounts, {"id": "alice"})["bal"] == 99


def test_token_of_cancelled_request_can_be_retried(client, accounts):
    token = str(uuid.uuid4())
    items = transfer("bob", "alice", 60, accounts, bank_open_check=False)
    cancelled(client.transact_write_items, TransactItems=items, ClientRequestToken=token)
    client.put_item(TableName=accounts, Item=av({"id": "bob", "bal": 70}))
    # the cancelled call changed nothing; the retry with the same token is evaluated afresh
    client.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert get(client, accounts, {"id": "bob"})["bal"] == 10
    assert get(client, accounts, {"id": "alice"})["bal"] == 160


def test_update_that_only_removes_does_not_create_missing_item(client, table_name):
    """A transaction's Update shares UpdateItem's rule (api/write_ops.cc): an
    update of REMOVE/DELETE actions alone on a missing item writes nothing, as
    DynamoDB's UpdateItem does (scylladb/scylladb#5862 describes it)."""
    name = table_name("TxRemove")
    create_simple_table(client, name, hash_key="pk")
    client.transact_write_items(TransactItems=[
        {"Update": {"TableName": name, "Key": {"pk": {"S": "missing"}}, "UpdateExpression": "REMOVE v"}},
        {"Put": {"TableName": name, "Item": {"pk": {"S": "other"}}}},
    ])
    assert "Item" not in client.get_item(TableName=name, Key={"pk": {"S": "missing"}}, ConsistentRead=True)
    assert client.scan(TableName=name)["Count"] == 1
