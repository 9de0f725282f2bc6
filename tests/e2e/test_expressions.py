"""ConditionExpression / ProjectionExpression / FilterExpression end to end
(Developer Guide: "Condition and filter expressions, operators, and
functions", "Projection expressions", "Expression attribute names")."""

import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import err, error_message, error_type, raw_post, temp_table

TARGET = "DynamoDB_20120810."

ITEM = {
    "n": 10, "s": "hello", "b": b"\x01\x02", "t": True, "nul": None,
    "ss": {"x", "y"}, "ns": {1, 2}, "bs": {b"\x01"},
    "l": [1, "two", [3]], "m": {"x": 1, "y": {"z": "deep"}}, "count": 7,
}


@pytest.fixture(scope="module")
def tbl(server):
    with temp_table(server.client(), "expr") as name:
        yield server.resource().Table(name)


@pytest.fixture
def key(tbl):
    k = {"pk": uuid.uuid4().hex}
    tbl.put_item(Item={**k, **ITEM})
    return k


def get(tbl, key):
    return tbl.get_item(Key=key, ConsistentRead=True).get("Item")


def holds(tbl, key, cond, values=None, names=None):
    """Whether `cond` holds on the item: a conditional no-op update."""
    kw = {"ConditionExpression": cond}
    if values:
        kw["ExpressionAttributeValues"] = values
    if names:
        kw["ExpressionAttributeNames"] = names
    try:
        tbl.update_item(Key=key, UpdateExpression="SET marker = pk", **kw)
        tbl.update_item(Key=key, UpdateExpression="REMOVE marker")
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


@pytest.mark.parametrize("cond,values,expected", [
    ("n = :v", {":v": 10}, True),
    ("n <> :v", {":v": 10}, False),
    ("n > :v", {":v": 9}, True),
    ("n < :v", {":v": 9}, False),
    ("n >= :v AND n <= :v", {":v": 10}, True),
    ("n = :v", {":v": "10"}, False),
    ("n <> :v", {":v": "10"}, True),
    ("s > :v", {":v": "hell"}, True),
    ("b < :v", {":v": b"\x02"}, True),
    ("absent_x = :v", {":v": 1}, False),
    ("absent_x <> :v", {":v": 1}, True),
    ("n BETWEEN :a AND :b", {":a": 10, ":b": 11}, True),
    ("n BETWEEN :a AND :b", {":a": 1, ":b": 9}, False),
    ("n IN (:a, :b)", {":a": 1, ":b": 10}, True),
    ("s IN (:a, :b)", {":a": 1, ":b": 10}, False),
    ("attribute_exists(m.y.z)", None, True),
    ("attribute_not_exists(m.y.q)", None, True),
    ("attribute_exists(l[5])", None, False),
    ("attribute_type(ss, :t)", {":t": "SS"}, True),
    ("attribute_type(nul, :t)", {":t": "NULL"}, True),
    ("attribute_type(n, :t)", {":t": "S"}, False),
    ("begins_with(s, :v)", {":v": "he"}, True),
    ("begins_with(b, :v)", {":v": b"\x01"}, True),
    ("begins_with(n, :v)", {":v": "1"}, False),
    ("contains(s, :v)", {":v": "ell"}, True),
    ("contains(ss, :v)", {":v": "y"}, True),
    ("contains(ns, :v)", {":v": 2}, True),
    ("contains(bs, :v)", {":v": b"\x01"}, True),
    ("contains(l, :v)", {":v": "two"}, True),
    ("contains(l, :v)", {":v": [3]}, True),
    ("contains(l, :v)", {":v": 3}, False),
    ("size(s) = :v", {":v": 5}, True),
    ("size(b) = :v", {":v": 2}, True),
    ("size(ss) = :v AND size(ns) = :v", {":v": 2}, True),
    ("size(l) = :v AND size(m) = :w", {":v": 3, ":w": 2}, True),
    ("size(absent_x) < :v", {":v": 100}, False),
    ("ss = :v", {":v": {"y", "x"}}, True),
    ("m = :v", {":v": {"y": {"z": "deep"}, "x": 1}}, True),
    ("l[2][0] = :v", {":v": 3}, True),
    ("NOT n = :v", {":v": 10}, False),
    ("n = :a OR n = :b AND s = :c", {":a": 10, ":b": 1, ":c": "zz"}, True),
    ("(n = :a OR n = :b) AND s = :c", {":a": 10, ":b": 1, ":c": "zz"}, False),
    ("NOT n = :a AND s = :c", {":a": 1, ":c": "hello"}, True),
])
def test_condition_operators_and_functions(tbl, key, cond, values, expected):
    assert holds(tbl, key, cond, values) is expected


def test_names_for_reserved_words_and_dots(tbl, key):
    tbl.update_item(Key=key, UpdateExpression="SET #dot = :v", ExpressionAttributeValues={":v": "dotted"},
                    ExpressionAttributeNames={"#dot": "a.b"})
    assert get(tbl, key)["a.b"] == "dotted"
    assert holds(tbl, key, "#c = :v AND #dot = :d", {":v": 7, ":d": "dotted"}, {"#c": "count", "#dot": "a.b"})


# -------------------------------------------- ConditionalCheckFailedException

def test_put_item_condition(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item={**key, "new": 1}, ConditionExpression="attribute_not_exists(pk)")
    assert err(e) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert get(tbl, key) == {**key, **ITEM}
    tbl.put_item(Item={**key, "new": 1}, ConditionExpression="n = :v", ExpressionAttributeValues={":v": 10})
    assert get(tbl, key) == {**key, "new": 1}


def test_put_item_condition_on_missing_item(tbl):
    k = {"pk": uuid.uuid4().hex}
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item=k, ConditionExpression="attribute_exists(pk)")
    assert err(e)[0] == "ConditionalCheckFailedException"
    assert get(tbl, k) is None
    tbl.put_item(Item=k, ConditionExpression="attribute_not_exists(pk)")
    assert get(tbl, k) == k


def test_delete_item_condition(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.delete_item(Key=key, ConditionExpression="n > :v", ExpressionAttributeValues={":v": 10})
    assert err(e)[0] == "ConditionalCheckFailedException"
    assert get(tbl, key) == {**key, **ITEM}
    tbl.delete_item(Key=key, ConditionExpression="n >= :v", ExpressionAttributeValues={":v": 10})
    assert get(tbl, key) is None


def test_update_item_condition(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.update_item(Key=key, UpdateExpression="SET n = :v", ConditionExpression="s = :v",
                        ExpressionAttributeValues={":v": 1})
    assert err(e)[0] == "ConditionalCheckFailedException"
    assert get(tbl, key) == {**key, **ITEM}


def raw(server, op, body):
    return raw_post(server.url, TARGET + op, body)


@pytest.mark.parametrize("op", ["PutItem", "UpdateItem", "DeleteItem"])
def test_return_values_on_condition_check_failure(server, tbl, key, op):
    k = {"pk": {"S": key["pk"]}}
    body = {"TableName": tbl.name, "ConditionExpression": "n = :v",
            "ExpressionAttributeValues": {":v": {"N": "11"}}}
    if op == "PutItem":
        body["Item"] = {**k, "x": {"S": "y"}}
    else:
        body["Key"] = k
    if op == "UpdateItem":
        body["UpdateExpression"] = "SET x = :v"
    status, _, resp = raw(server, op, {**body, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert status == 400 and error_type(resp) == "ConditionalCheckFailedException"
    assert resp["Item"]["n"] == {"N": "10"}
    assert resp["Item"]["pk"] == k["pk"]
    assert resp["Item"]["ss"]["SS"] and set(resp["Item"]["ss"]["SS"]) == {"x", "y"}
    status, _, resp = raw(server, op, {**body, "ReturnValuesOnConditionCheckFailure": "NONE"})
    assert status == 400 and error_type(resp) == "ConditionalCheckFailedException"
    assert "Item" not in resp
    status, _, resp = raw(server, op, body)
    assert "Item" not in resp
    assert get(tbl, key) == {**key, **ITEM}
    # No old item: no Item in the error.
    body2 = dict(body)
    if op == "PutItem":
        body2["Item"] = {"pk": {"S": "nonexistent-" + key["pk"]}}
    else:
        body2["Key"] = {"pk": {"S": "nonexistent-" + key["pk"]}}
    status, _, resp = raw(server, op, {**body2, "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
    assert status == 400 and error_type(resp) == "ConditionalCheckFailedException"
    assert "Item" not in resp


# ------------------------------------------------------- request validation

@pytest.mark.parametrize("cond,values,message", [
    ("n = :v", {":v": 1, ":w": 2}, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"),
    ("n = :zz", {":v": 1}, "Invalid ConditionExpression: An expression attribute value used in expression is "
                           "not defined; attribute value: :zz"),
    ("size(n)", None, "Invalid ConditionExpression: The function is not allowed to be used this way in an "
                      "expression; function: size"),
    ("attribute_exists(:v)", {":v": 1}, "Invalid ConditionExpression: Operator or function requires a document "
                                        "path; operator or function: attribute_exists"),
    ("n BETWEEN :b AND :a", {":a": 1, ":b": 2},
     "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower "
     "bound; lower bound operand: AttributeValue: {N:2}, upper bound operand: AttributeValue: {N:1}"),
    ("Attribute_Exists(n)", None, "Invalid ConditionExpression: Invalid function name; function: Attribute_Exists"),
    ("name = :v", {":v": 1}, "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: "
                             "name"),
    ("n = :v AND", {":v": 1}, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"'),
    ("((n = :v))", {":v": 1}, "Invalid ConditionExpression: The expression has redundant parentheses;"),
    ("", None, "Invalid ConditionExpression: The expression can not be empty;"),
])
def test_invalid_conditions(tbl, key, cond, values, message):
    kw = {"ExpressionAttributeValues": values} if values else {}
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item={**key, "replaced": True}, ConditionExpression=cond, **kw)
    # PutItem's request rules are a Coral list of one (test_validation_order.py).
    assert err(e) == ("ValidationException", "1 validation error detected: " + message)
    assert get(tbl, key) == {**key, **ITEM}


def test_in_with_too_many_operands(tbl, key):
    values = {f":v{i}": i for i in range(101)}
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item=key, ConditionExpression="n IN (" + ", ".join(values) + ")",
                     ExpressionAttributeValues=values)
    assert err(e) == ("ValidationException", "1 validation error detected: Invalid ConditionExpression: The IN operator is provided with too "
                                             "many operands; number of operands: 101")


def test_expression_too_long(tbl, key):
    cond = "attribute_exists(" + "a" * 5000 + ")"
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item=key, ConditionExpression=cond)
    assert err(e) == ("ValidationException", "1 validation error detected: Invalid ConditionExpression: Expression "
                                             "size has exceeded the maximum allowed size; expression size: 5018")


def test_deep_nesting_is_an_error(server, tbl, key):
    for cond in ["(" * 2000 + "n = :v" + ")" * 2000, "NOT " * 1000 + "n = :v",
                 "(" * 10000 + "n = :v" + ")" * 10000, "NOT " * 10000 + "n = :v"]:
        with pytest.raises(ClientError) as e:
            tbl.put_item(Item=key, ConditionExpression=cond, ExpressionAttributeValues={":v": 1})
        assert err(e)[0] == "ValidationException"
    assert server.alive()


def test_names_without_expression(tbl, key):
    with pytest.raises(ClientError) as e:
        tbl.put_item(Item=key, ExpressionAttributeNames={"#a": "a"})
    assert err(e) == ("ValidationException",
                      "1 validation error detected: ExpressionAttributeNames can only be specified when using expressions")
    with pytest.raises(ClientError) as e:
        tbl.get_item(Key=key, ExpressionAttributeNames={"#a": "a"})
    assert err(e) == ("ValidationException", "ExpressionAttributeNames can only be specified when using expressions")
    with pytest.raises(ClientError) as e:
        tbl.delete_item(Key=key, ExpressionAttributeValues={":a": 1})
    assert err(e) == ("ValidationException",
                      "1 validation error detected: ExpressionAttributeValues can only be specified when using expressions")
    # A projection cannot use values (raw: boto3 does not model this member for GetItem).
    status, _, body = raw_post(tbl.meta.client.meta.endpoint_url, TARGET + "GetItem", {
        "TableName": tbl.name, "Key": {"pk": {"S": key["pk"]}}, "ProjectionExpression": "n",
        "ExpressionAttributeValues": {":a": {"N": "1"}}})
    assert status == 400
    assert error_message(body) == "ExpressionAttributeValues can only be specified when using expressions"
    assert get(tbl, key) == {**key, **ITEM}


# ---------------------------------------------------------------- projection

@pytest.mark.parametrize("names,values,message", [
    ({}, None, "ExpressionAttributeNames must not be empty"),
    (None, {}, "ExpressionAttributeValues must not be empty"),
    ({"a": "n"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
    ({"#": "n"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "#"'),
    (None, {"#v": {"N": "1"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "#v"'),
    (None, {":": {"N": "1"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: ":"'),
])
def test_placeholder_maps_are_checked(tbl, key, names, values, message):
    kw = {}
    if names is not None:
        kw["ExpressionAttributeNames"] = names
    if values is not None:
        kw["ExpressionAttributeValues"] = values
    with pytest.raises(ClientError) as e:
        tbl.meta.client.put_item(TableName=tbl.name, Item={"pk": {"S": key["pk"]}},
                                 ConditionExpression="attribute_exists(pk)", **kw)
    assert err(e) == ("ValidationException", "1 validation error detected: " + message)


def test_projection_expression(tbl, key):
    item = tbl.get_item(Key=key, ConsistentRead=True,
                        ProjectionExpression="s, m.y.z, l[2], l[0], #c, absent_x, m.nope",
                        ExpressionAttributeNames={"#c": "count"})["Item"]
    assert item == {"s": "hello", "m": {"y": {"z": "deep"}}, "l": [1, [3]], "count": 7}
    item = tbl.get_item(Key=key, ConsistentRead=True, ProjectionExpression="absent_x, l[9], s.x").get("Item")
    assert not item


def test_projection_errors(tbl, key):
    for expr, message in [
        ("s, s", "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
                 "one of these paths; path one: [s], path two: [s]"),
        ("l[0], l.x", "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or "
                      "rewrite one of these paths; path one: [l, [0]], path two: [l, x]"),
        ("count", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: count"),
        ("#zz", "Invalid ProjectionExpression: An expression attribute name used in the document path is not "
                "defined; attribute name: #zz"),
    ]:
        with pytest.raises(ClientError) as e:
            tbl.get_item(Key=key, ProjectionExpression=expr)
        assert err(e) == ("ValidationException", message), expr


def test_filter_expression_scan_and_query(tbl, key):
    items = tbl.query(KeyConditionExpression="pk = :k", FilterExpression="contains(ss, :x) AND n > :n",
                      ExpressionAttributeValues={":k": key["pk"], ":x": "x", ":n": 5})["Items"]
    assert len(items) == 1
    items = tbl.query(KeyConditionExpression="pk = :k", FilterExpression="n > :n",
                      ExpressionAttributeValues={":k": key["pk"], ":n": 50})["Items"]
    assert items == []
    with pytest.raises(ClientError) as e:
        tbl.scan(FilterExpression="size(s)")
    assert err(e) == ("ValidationException", "Invalid FilterExpression: The function is not allowed to be used "
                                             "this way in an expression; function: size")
