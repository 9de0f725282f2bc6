"""UpdateItem with UpdateExpression / ConditionExpression / ReturnValues,
through boto3 (client and resource).  Expected behaviour: the DynamoDB API
Reference (UpdateItem) and Developer Guide ("Update expressions"); ReturnValues
details as recorded by ScyllaDB alternator's tests against AWS."""

from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import err, error_type, raw_post, temp_table


@pytest.fixture(scope="module")
def tbl(server):
    with temp_table(server.client(), "upd") as name:
        yield server.resource().Table(name)


@pytest.fixture
def key():
    import uuid
    return {"pk": uuid.uuid4().hex}


def get(tbl, key):
    return tbl.get_item(Key=key, ConsistentRead=True).get("Item")


ISSUE_ITEM = {
    "pk": "a", "count": 4, "tags": ["x"], "obsolete": "yes",
    "info": {"old": [0, 1, 2, 3], "keep": True},
    "visits": 10, "colours": {"red", "blue"},
}
ISSUE_VALUES = {":zero": 0, ":one": 1, ":t": ["y", "z"], ":max": 5, ":red": {"red"}, ":x": "x"}


def test_issue_example_exactly(tbl):
    """The issue's expression verbatim: OLD is one of DynamoDB's reserved
    words (Developer Guide, "Reserved words in DynamoDB"), so DynamoDB rejects
    `info.old[2]` and the item stays as it was."""
    key = {"pk": "a"}
    tbl.put_item(Item=ISSUE_ITEM)
    with pytest.raises(ClientError) as e:
        tbl.update_item(
            Key=key,
            UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one, tags = list_append(tags, :t) "
                             "REMOVE obsolete, info.old[2] ADD visits :one DELETE colours :red",
            ConditionExpression="attribute_exists(pk) AND size(tags) < :max AND NOT begins_with(#c, :x)",
            ExpressionAttributeNames={"#c": "count"},
            ExpressionAttributeValues=ISSUE_VALUES,
            ReturnValues="UPDATED_NEW")
    assert err(e) == ("ValidationException", "1 validation error detected: "
                      "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: old")
    assert get(tbl, key) == ISSUE_ITEM


def test_issue_example(tbl):
    """The issue's example with `old` given through a name placeholder."""
    key = {"pk": "a"}
    tbl.put_item(Item=ISSUE_ITEM)

    def issue_update():
        return tbl.update_item(
            Key=key,
            UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one, tags = list_append(tags, :t) "
                             "REMOVE obsolete, info.#old[2] ADD visits :one DELETE colours :red",
            ConditionExpression="attribute_exists(pk) AND size(tags) < :max AND NOT begins_with(#c, :x)",
            ExpressionAttributeNames={"#c": "count", "#old": "old"},
            ExpressionAttributeValues=ISSUE_VALUES,
            ReturnValues="UPDATED_NEW")

    resp = issue_update()
    # REMOVE info.old[2]: DynamoDB projects the new item at the removed index,
    # which now holds the element that followed it.
    assert resp["Attributes"] == {
        "count": 5, "tags": ["x", "y", "z"], "visits": 11, "colours": {"blue"},
        "info": {"old": [3]},
    }
    assert get(tbl, key) == {
        "pk": "a", "count": 5, "tags": ["x", "y", "z"], "info": {"old": [0, 1, 3], "keep": True},
        "visits": 11, "colours": {"blue"},
    }
    # Running it again: size(tags) is now 3 < 5, count 5 does not begin with
    # "x" (a number: begins_with is false, NOT makes it true).
    resp = issue_update()
    assert resp["Attributes"] == {"count": 6, "tags": ["x", "y", "z", "y", "z"], "visits": 12,
                                  "colours": {"blue"}}
    # A third time the condition fails (size(tags) = 5): nothing changes, and
    # ReturnValuesOnConditionCheckFailure=ALL_OLD returns the item (raw
    # request: the installed botocore predates that parameter).
    before = get(tbl, key)
    status, _, body = raw_post(tbl.meta.client.meta.endpoint_url, "DynamoDB_20120810.UpdateItem", {
        "TableName": tbl.name, "Key": {"pk": {"S": "a"}},
        "UpdateExpression": "SET #c = if_not_exists(#c, :zero) + :one",
        "ConditionExpression": "attribute_exists(pk) AND size(tags) < :max AND NOT begins_with(#c, :x)",
        "ExpressionAttributeNames": {"#c": "count"},
        "ExpressionAttributeValues": {":zero": {"N": "0"}, ":one": {"N": "1"}, ":max": {"N": "5"}, ":x": {"S": "x"}},
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert status == 400 and error_type(body) == "ConditionalCheckFailedException"
    assert body["Item"]["count"] == {"N": "6"}
    assert get(tbl, key) == before


def test_issue_example_on_missing_item_fails_condition(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.update_item(
            Key=key,
            UpdateExpression="SET #c = if_not_exists(#c, :zero) + :one",
            ConditionExpression="attribute_exists(pk)",
            ExpressionAttributeNames={"#c": "count"},
            ExpressionAttributeValues={":zero": 0, ":one": 1})
    assert err(e)[0] == "ConditionalCheckFailedException"
    assert get(tbl, key) is None


def test_creates_missing_item(tbl, key):
    resp = tbl.update_item(Key=key, UpdateExpression="SET a = :v",
                           ExpressionAttributeValues={":v": 1}, ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {**key, "a": 1}
    assert get(tbl, key) == {**key, "a": 1}


def test_add_creates_missing_item(tbl, key):
    tbl.update_item(Key=key, UpdateExpression="ADD n :one, s :s",
                    ExpressionAttributeValues={":one": 1, ":s": {"a"}})
    assert get(tbl, key) == {**key, "n": 1, "s": {"a"}}


def test_remove_only_does_not_create_item(tbl, key):
    resp = tbl.update_item(Key=key, UpdateExpression="REMOVE a", ReturnValues="ALL_NEW")
    assert "Attributes" not in resp
    assert get(tbl, key) is None
    tbl.update_item(Key=key, UpdateExpression="DELETE s :s", ExpressionAttributeValues={":s": {"a"}})
    assert get(tbl, key) is None


def test_update_without_expression_creates_item(client, tbl, key):
    client.update_item(TableName=tbl.name, Key={"pk": {"S": key["pk"]}})
    assert get(tbl, key) == key


def test_set_arithmetic_and_functions(tbl, key):
    tbl.put_item(Item={**key, "n": 10, "l": [1], "m": {"a": {"b": [0, 1]}}})
    tbl.update_item(
        Key=key,
        UpdateExpression="SET n = n - :two, n2 = :two + n, l = list_append(:front, l), "
                         "m.a.b[1] = :s, m.a.c = :s, m.a.b[9] = :s, fresh = if_not_exists(fresh, :two)",
        ExpressionAttributeValues={":two": 2, ":front": [0], ":s": "s"})
    assert get(tbl, key) == {**key, "n": 8, "n2": 12, "l": [0, 1], "m": {"a": {"b": [0, "s", "s"], "c": "s"}},
                             "fresh": 2}


def test_number_precision(tbl, key):
    tbl.put_item(Item={**key, "n": Decimal("0.1")})
    tbl.update_item(Key=key, UpdateExpression="SET n = n + :v ADD m :big",
                    ExpressionAttributeValues={":v": Decimal("0.2"),
                                               ":big": Decimal("12345678901234567890123456789012345678")})
    assert get(tbl, key)["n"] == Decimal("0.3")
    assert get(tbl, key)["m"] == Decimal("12345678901234567890123456789012345678")


def test_remove_list_elements_original_indexes(tbl, key):
    tbl.put_item(Item={**key, "l": ["a", "b", "c", "d"]})
    tbl.update_item(Key=key, UpdateExpression="REMOVE l[0], l[2]")
    assert get(tbl, key)["l"] == ["b", "d"]


def test_add_delete_sets(tbl, key):
    tbl.put_item(Item={**key, "ss": {"a", "b"}, "ns": {1, 2}, "n": 5})
    tbl.update_item(Key=key, UpdateExpression="ADD ss :ss, n :neg DELETE ns :ns",
                    ExpressionAttributeValues={":ss": {"c"}, ":neg": -6, ":ns": {1, 2}})
    assert get(tbl, key) == {**key, "ss": {"a", "b", "c"}, "n": -1}


@pytest.mark.parametrize("expr,values,message", [
    ("SET a = nope + :one", {":one": 1},
     "The provided expression refers to an attribute that does not exist in the item"),
    ("SET a = s + :one", {":one": 1}, "An operand in the update expression has an incorrect data type"),
    ("ADD s :one", {":one": 1}, "An operand in the update expression has an incorrect data type"),
    ("DELETE s :ss", {":ss": {"x"}}, "An operand in the update expression has an incorrect data type"),
    ("SET l = list_append(s, :l)", {":l": [1]}, "An operand in the update expression has an incorrect data type"),
    ("SET nope.x = :one", {":one": 1}, "The document path provided in the update expression is invalid for update"),
    ("SET s.x = :one", {":one": 1}, "The document path provided in the update expression is invalid for update"),
])
def test_runtime_errors_leave_item_untouched(tbl, key, expr, values, message):
    item = {**key, "s": "str", "n": 5, "l": [1]}
    tbl.put_item(Item=item)
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression=expr, ExpressionAttributeValues=values)
    assert err(e) == ("ValidationException", message)
    assert get(tbl, key) == item


@pytest.mark.parametrize("expr,message", [
    ("SET pk = :v", "One or more parameter values were invalid: Cannot update attribute pk. "
                    "This attribute is part of the key"),
    ("REMOVE pk", "One or more parameter values were invalid: Cannot update attribute pk. "
                  "This attribute is part of the key"),
    ("SET a = :v SET b = :v", 'Invalid UpdateExpression: The "SET" section can only be used once in an '
                              "update expression;"),
    ("SET a = :v, a = :v", "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
                           "or rewrite one of these paths; path one: [a], path two: [a]"),
    ("SET count = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: count"),
    ("SET a = :v ADD b :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; "
                            "operator: ADD, operand type: STRING"),
    ("SET a = :nope", "Invalid UpdateExpression: An expression attribute value used in expression is not "
                      "defined; attribute value: :nope"),
    ("SET a", 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"'),
    ("", "Invalid UpdateExpression: The expression can not be empty;"),
])
def test_invalid_update_expressions(tbl, key, expr, message):
    item = {**key, "a": "old"}
    tbl.put_item(Item=item)
    kw = {"ExpressionAttributeValues": {":v": "v"}} if ":v" in expr else {}
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression=expr, **kw)
    # The expression's own rules are a Coral list of one; the key rule needs
    # the table and stays bare (test_validation_order.py).
    if message.startswith("Invalid UpdateExpression: "):
        message = "1 validation error detected: " + message
    assert err(e) == ("ValidationException", message)
    assert get(tbl, key) == item


def test_update_key_attribute_of_missing_item_rejected(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression="SET pk = :v", ExpressionAttributeValues={":v": "x"})
    assert "Cannot update attribute pk. This attribute is part of the key" in err(e)[1]
    assert get(tbl, key) is None


def test_unused_names_and_values(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": 1, ":w": 2})
    assert err(e) == ("ValidationException",
                      "1 validation error detected: Value provided in ExpressionAttributeValues unused in expressions: "
                      "keys: {:w}")
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": 1},
                        ExpressionAttributeNames={"#x": "x"})
    assert err(e) == ("ValidationException",
                      "1 validation error detected: Value provided in ExpressionAttributeNames unused in expressions: "
                      "keys: {#x}")
    # A name or value used only by the ConditionExpression counts as used.
    tbl.update_item(Key=key, UpdateExpression="SET a = :v", ConditionExpression="attribute_not_exists(#x) OR #x <> :w",
                    ExpressionAttributeValues={":v": 1, ":w": 2}, ExpressionAttributeNames={"#x": "x"})
    assert get(tbl, key) == {**key, "a": 1}


# ------------------------------------------------------------- ReturnValues

def test_return_values_none(tbl, key):
    tbl.put_item(Item={**key, "a": 1})
    resp = tbl.update_item(Key=key, UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": 2},
                           ReturnValues="NONE")
    assert "Attributes" not in resp


def test_return_values_all_old(tbl, key):
    resp = tbl.update_item(Key=key, UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": 1},
                           ReturnValues="ALL_OLD")
    assert "Attributes" not in resp
    resp = tbl.update_item(Key=key, UpdateExpression="SET b = :v", ExpressionAttributeValues={":v": 2},
                           ReturnValues="ALL_OLD")
    assert resp["Attributes"] == {**key, "a": 1}


def test_return_values_updated_old(tbl, key):
    tbl.put_item(Item={**key, "a": "x", "b": "y", "m": {"b": "dog", "c": [1, 2, 3]}})
    resp = tbl.update_item(Key=key, UpdateExpression="SET a = :v, d = :v", ExpressionAttributeValues={":v": "z"},
                           ReturnValues="UPDATED_OLD")
    assert resp["Attributes"] == {"a": "x"}
    resp = tbl.update_item(Key=key, UpdateExpression="REMOVE b", ReturnValues="UPDATED_OLD")
    assert resp["Attributes"] == {"b": "y"}
    resp = tbl.update_item(Key=key, UpdateExpression="SET m.c[1] = :v, m.b = :v", ExpressionAttributeValues={":v": 7},
                           ReturnValues="UPDATED_OLD")
    assert resp["Attributes"] == {"m": {"b": "dog", "c": [2]}}
    resp = tbl.update_item(Key=key, UpdateExpression="SET newattr = :v", ExpressionAttributeValues={":v": 7},
                           ReturnValues="UPDATED_OLD")
    assert "Attributes" not in resp


def test_return_values_all_new(tbl, key):
    tbl.put_item(Item={**key, "a": "hi", "b": "dog"})
    resp = tbl.update_item(Key=key, UpdateExpression="REMOVE b SET c = :v", ExpressionAttributeValues={":v": "cat"},
                           ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {**key, "a": "hi", "c": "cat"}


def test_return_values_updated_new(tbl, key):
    tbl.put_item(Item={**key, "a": 1, "b": "dog", "m": {"b": "x", "c": [1, 2, 3]}})
    resp = tbl.update_item(Key=key, UpdateExpression="SET a = a + :one, c = :s REMOVE b",
                           ExpressionAttributeValues={":one": 1, ":s": "new"}, ReturnValues="UPDATED_NEW")
    assert resp["Attributes"] == {"a": 2, "c": "new"}
    resp = tbl.update_item(Key=key, UpdateExpression="SET m.c[1] = :v, m.b = :w",
                           ExpressionAttributeValues={":v": 4, ":w": "y"}, ReturnValues="UPDATED_NEW")
    assert resp["Attributes"] == {"m": {"b": "y", "c": [4]}}
    resp = tbl.update_item(Key=key, UpdateExpression="REMOVE b", ReturnValues="UPDATED_NEW")
    assert "Attributes" not in resp


def test_return_values_invalid(client, tbl, key):
    with pytest.raises(ClientError) as e:
        client.update_item(TableName=tbl.name, Key={"pk": {"S": key["pk"]}},
                                    UpdateExpression="SET a = :v", ExpressionAttributeValues={":v": {"N": "1"}},
                                    ReturnValues="SOME")
    assert err(e)[0] == "ValidationException"


def test_number_overflow_leaves_item_untouched(client, tbl, key):
    # The low-level client: boto3's Decimal context cannot hold 1E+125's
    # digits when it deserializes.
    k = {"pk": {"S": key["pk"]}}
    client.put_item(TableName=tbl.name, Item={**k, "n": {"N": "9.9E+125"}})
    before = client.get_item(TableName=tbl.name, Key=k, ConsistentRead=True)["Item"]
    for expr in ("SET n = n + :big", "ADD n :big"):
        with pytest.raises(ClientError) as e:
            client.update_item(TableName=tbl.name, Key=k, UpdateExpression=expr,
                               ExpressionAttributeValues={":big": {"N": "1E+125"}})
        assert err(e) == ("ValidationException",
                          "Number overflow. Attempting to store a number with magnitude larger than supported range")
        assert client.get_item(TableName=tbl.name, Key=k, ConsistentRead=True)["Item"] == before
