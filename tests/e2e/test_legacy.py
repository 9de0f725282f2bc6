"""Legacy (pre-expression) parameters: Expected, AttributeUpdates,
AttributesToGet, and the rule against mixing them with expressions (API
Reference: ExpectedAttributeValue, AttributeValueUpdate)."""

import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import err, temp_table


@pytest.fixture(scope="module")
def tname(server):
    with temp_table(server.client(), "legacy") as name:
        yield name


@pytest.fixture
def key(client, tname):
    k = {"pk": {"S": uuid.uuid4().hex}}
    client.put_item(TableName=tname, Item={**k, "n": {"N": "10"}, "s": {"S": "hello"}, "ss": {"SS": ["a", "b"]}})
    return k


def get(client, tname, key):
    return client.get_item(TableName=tname, Key=key, ConsistentRead=True).get("Item")


@pytest.mark.parametrize("expected,op,ok", [
    ({"n": {"Value": {"N": "10"}}}, None, True),
    ({"n": {"Value": {"N": "11"}}}, None, False),
    ({"n": {"Value": {"N": "10"}, "Exists": True}}, None, True),
    ({"zz": {"Exists": False}}, None, True),
    ({"n": {"Exists": False}}, None, False),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "9"}]}}, None, True),
    ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "9"}]}}, None, False),
    ({"s": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "he"}]}}, None, True),
    ({"ss": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}}, None, True),
    ({"ss": {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "a"}]}}, None, False),
    ({"zz": {"ComparisonOperator": "NULL"}}, None, True),
    ({"n": {"ComparisonOperator": "NOT_NULL"}}, None, True),
    ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "10"}]}}, None, True),
    ({"n": {"ComparisonOperator": "NE", "AttributeValueList": [{"N": "10"}]}}, None, False),
    ({"n": {"Value": {"N": "11"}}, "s": {"Value": {"S": "hello"}}}, "OR", True),
    ({"n": {"Value": {"N": "11"}}, "s": {"Value": {"S": "hello"}}}, "AND", False),
    ({"n": {"Value": {"N": "11"}}, "s": {"Value": {"S": "hello"}}}, None, False),
])
def test_expected(client, tname, key, expected, op, ok):
    before = get(client, tname, key)
    kw = {"ConditionalOperator": op} if op else {}
    if ok:
        client.put_item(TableName=tname, Item={**key, "new": {"S": "x"}}, Expected=expected, **kw)
        assert get(client, tname, key) == {**key, "new": {"S": "x"}}
    else:
        with pytest.raises(ClientError) as e:
            client.put_item(TableName=tname, Item={**key, "new": {"S": "x"}}, Expected=expected, **kw)
        assert err(e)[0] == "ConditionalCheckFailedException"
        assert get(client, tname, key) == before


def test_expected_on_delete_and_update(client, tname, key):
    with pytest.raises(ClientError) as e:
        client.delete_item(TableName=tname, Key=key, Expected={"n": {"Value": {"N": "1"}}})
    assert err(e)[0] == "ConditionalCheckFailedException"
    with pytest.raises(ClientError) as e:
        client.update_item(TableName=tname, Key=key, Expected={"n": {"Exists": False}},
                           AttributeUpdates={"x": {"Action": "PUT", "Value": {"S": "y"}}})
    assert err(e)[0] == "ConditionalCheckFailedException"
    client.delete_item(TableName=tname, Key=key, Expected={"n": {"Value": {"N": "10"}}})
    assert get(client, tname, key) is None


@pytest.mark.parametrize("expected,message", [
    ({"n": {"Exists": True}}, "One or more parameter values were invalid: Value must be provided when Exists is "
                              "true for Attribute: n"),
    ({"n": {"Exists": False, "Value": {"N": "1"}}},
     "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: n"),
    ({"n": {"ComparisonOperator": "EQ"}},
     "One or more parameter values were invalid: Value or AttributeValueList must be used with ComparisonOperator: "
     "EQ for Attribute: n"),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"SS": ["a"]}]}},
     "One or more parameter values were invalid: ComparisonOperator GT is not valid for SS AttributeValue type"),
])
def test_expected_invalid(client, tname, key, expected, message):
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item=key, Expected=expected)
    assert err(e) == ("ValidationException", E1 + message)


# An unknown ComparisonOperator or Action fails the member's enum constraint,
# in the Coral message format of every constraint violation.
ENUM_OPS = "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]"


def test_unknown_comparison_operator(client, tname, key):
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item=key,
                        Expected={"n": {"ComparisonOperator": "NOPE", "AttributeValueList": [{"N": "1"}]}})
    assert err(e) == ("ValidationException", "1 validation error detected: Value 'NOPE' at 'comparisonOperator' "
                      "failed to satisfy constraint: Member must satisfy enum value set: " + ENUM_OPS)
    with pytest.raises(ClientError) as e:
        client.scan(TableName=tname, ScanFilter={"n": {"ComparisonOperator": "ABOVE",
                                                       "AttributeValueList": [{"N": "1"}]}})
    assert err(e) == ("ValidationException", "1 validation error detected: Value 'ABOVE' at 'comparisonOperator' "
                      "failed to satisfy constraint: Member must satisfy enum value set: " + ENUM_OPS)


def test_unknown_update_action(client, tname, key):
    before = get(client, tname, key)
    with pytest.raises(ClientError) as e:
        client.update_item(TableName=tname, Key=key, AttributeUpdates={"s": {"Action": "REPLACE",
                                                                             "Value": {"S": "x"}}})
    assert err(e) == ("ValidationException", "1 validation error detected: Value 'REPLACE' at "
                      "'attributeUpdates.s.member.action' failed to satisfy constraint: Member must satisfy enum "
                      "value set: [ADD, PUT, DELETE]")
    assert get(client, tname, key) == before


def test_attribute_updates(client, tname, key):
    resp = client.update_item(TableName=tname, Key=key, AttributeUpdates={
        "s": {"Action": "PUT", "Value": {"S": "bye"}},
        "n": {"Action": "ADD", "Value": {"N": "-3"}},
        "ss": {"Action": "DELETE", "Value": {"SS": ["a"]}},
        "fresh": {"Action": "ADD", "Value": {"NS": ["1"]}},
        "lst": {"Action": "ADD", "Value": {"L": [{"S": "x"}]}},
    }, ReturnValues="ALL_NEW")
    assert resp["Attributes"] == {**key, "s": {"S": "bye"}, "n": {"N": "7"}, "ss": {"SS": ["b"]},
                                  "fresh": {"NS": ["1"]}, "lst": {"L": [{"S": "x"}]}}
    client.update_item(TableName=tname, Key=key, AttributeUpdates={"s": {"Action": "DELETE"},
                                                                   "ss": {"Action": "DELETE", "Value": {"SS": ["b"]}}})
    item = get(client, tname, key)
    assert "s" not in item and "ss" not in item


def test_attributes_to_get(client, tname, key):
    item = client.get_item(TableName=tname, Key=key, AttributesToGet=["n", "zz"], ConsistentRead=True)["Item"]
    assert item == {"n": {"N": "10"}}


@pytest.mark.parametrize("kw,message", [
    (dict(op="put_item", Expected={"n": {"Exists": False}}, ConditionExpression="attribute_exists(n)"),
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    (dict(op="update_item", AttributeUpdates={"a": {"Action": "DELETE"}}, UpdateExpression="REMOVE b"),
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"),
    (dict(op="get_item", AttributesToGet=["n"], ProjectionExpression="n"),
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}"),
    (dict(op="update_item", Expected={"n": {"Exists": False}}, UpdateExpression="REMOVE b"),
     "Can not use both expression and non-expression parameters in the same request: "
     "Non-expression parameters: {Expected} Expression parameters: {UpdateExpression}"),
    (dict(op="put_item", ExpressionAttributeNames={"#n": "n"}, Expected={"n": {"Exists": False}}),
     "ExpressionAttributeNames can only be specified when using expressions"),
])
def test_mixing_rejected(client, tname, key, kw, message):
    before = get(client, tname, key)
    op = kw.pop("op")
    args = {"TableName": tname, **kw}
    if op == "put_item":
        args["Item"] = {**key, "x": {"S": "y"}}
    else:
        args["Key"] = key
    with pytest.raises(ClientError) as e:
        getattr(client, op)(**args)
    single_write = op in ("put_item", "update_item", "delete_item")
    assert err(e) == ("ValidationException", (E1 if single_write else "") + message)
    assert get(client, tname, key) == before


# ------------------------------------------------ ComparisonOperator rules
#
# Each operator's AttributeValueList, checked the same way in Expected,
# QueryFilter, ScanFilter and KeyConditions: its length, the types it takes
# (ordering operators, IN and BETWEEN: S, N, B; CONTAINS and NOT_CONTAINS:
# also BOOL and NULL; BEGINS_WITH: S, B; EQ and NE: any), one type for all,
# and BETWEEN's bounds in order.

# PutItem, UpdateItem and DeleteItem report their request rules as a Coral
# list of one (test_validation_order.py).
E1 = "1 validation error detected: "
INVALID = "One or more parameter values were invalid: "
ONE_ARG = ["EQ", "NE", "LE", "LT", "GE", "GT", "CONTAINS", "NOT_CONTAINS", "BEGINS_WITH"]
UNORDERED = [{"BOOL": True}, {"NULL": True}, {"SS": ["a"]}, {"NS": ["1"]}, {"BS": ["YQ=="]}, {"M": {}}, {"L": []}]


def legacy_error(client, tname, key, where, cond):
    """(code, message) of a request carrying the legacy condition `cond` on
    attribute n in `where` (Expected, QueryFilter, ScanFilter, KeyConditions)."""
    with pytest.raises(ClientError) as e:
        if where == "Expected":
            client.put_item(TableName=tname, Item={**key, "x": {"S": "y"}}, Expected={"n": cond})
        elif where == "ScanFilter":
            client.scan(TableName=tname, ScanFilter={"n": cond})
        elif where == "QueryFilter":
            client.query(TableName=tname, KeyConditions={"pk": {"ComparisonOperator": "EQ",
                                                               "AttributeValueList": [key["pk"]]}},
                         QueryFilter={"n": cond})
        else:
            client.query(TableName=tname, KeyConditions={"pk": cond})
    code, message = err(e)
    if where == "Expected":
        # PutItem's request rules are a Coral list of one
        # (test_validation_order.py); the rest is compared by the caller.
        assert message.startswith(E1), message
        message = message[len(E1):]
    return code, message


WHERE = ["Expected", "ScanFilter", "QueryFilter", "KeyConditions"]


@pytest.mark.parametrize("where", WHERE)
def test_argument_counts(client, tname, key, where):
    cases = [(op, []) for op in ONE_ARG] + [(op, [{"S": "a"}, {"S": "a"}]) for op in ONE_ARG] + [
        ("NULL", [{"S": "a"}]), ("NOT_NULL", [{"S": "a"}]), ("IN", []), ("BETWEEN", [{"S": "a"}]),
        ("BETWEEN", [{"S": "a"}, {"S": "b"}, {"S": "c"}])]
    for op, values in cases:
        message = INVALID + f"Invalid number of argument(s) for the {op} ComparisonOperator"
        assert legacy_error(client, tname, key, where, {"ComparisonOperator": op, "AttributeValueList": values}) == (
            "ValidationException", message), (op, values)


@pytest.mark.parametrize("where", WHERE)
def test_argument_types(client, tname, key, where):
    for value in UNORDERED:
        t = next(iter(value))
        for op in ["LT", "LE", "GT", "GE", "IN", "BEGINS_WITH"]:
            assert legacy_error(client, tname, key, where, {"ComparisonOperator": op, "AttributeValueList": [value]}) == (
                "ValidationException", INVALID + f"ComparisonOperator {op} is not valid for {t} AttributeValue type")
        assert legacy_error(client, tname, key, where,
                            {"ComparisonOperator": "BETWEEN", "AttributeValueList": [value, value]}) == (
            "ValidationException", INVALID + f"ComparisonOperator BETWEEN is not valid for {t} AttributeValue type")
        if t not in ("BOOL", "NULL"):
            for op in ["CONTAINS", "NOT_CONTAINS"]:
                assert legacy_error(client, tname, key, where,
                                    {"ComparisonOperator": op, "AttributeValueList": [value]}) == (
                    "ValidationException", INVALID + f"ComparisonOperator {op} is not valid for {t} AttributeValue type")
    assert legacy_error(client, tname, key, where, {"ComparisonOperator": "BEGINS_WITH",
                                                     "AttributeValueList": [{"N": "1"}]}) == (
        "ValidationException", INVALID + "ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type")
    assert legacy_error(client, tname, key, where, {"ComparisonOperator": "IN",
                                                     "AttributeValueList": [{"S": "b"}, {"N": "1"}]}) == (
        "ValidationException", INVALID + "AttributeValues inside AttributeValueList must be of same type")
    assert legacy_error(client, tname, key, where, {"ComparisonOperator": "BETWEEN",
                                                     "AttributeValueList": [{"S": "b"}, {"N": "1"}]}) == (
        "ValidationException", INVALID + "AttributeValues inside AttributeValueList must be of same type")
    assert legacy_error(client, tname, key, where, {"ComparisonOperator": "BETWEEN",
                                                     "AttributeValueList": [{"S": "b"}, {"S": "a"}]}) == (
        "ValidationException", "The BETWEEN condition was provided a range where the lower bound is greater than the "
                               "upper bound")
    assert legacy_error(client, tname, key, where, {"ComparisonOperator": "BETWEEN",
                                                     "AttributeValueList": [{"N": "10"}, {"N": "9"}]}) == (
        "ValidationException", "The BETWEEN condition was provided a range where the lower bound is greater than the "
                               "upper bound")


@pytest.mark.parametrize("cond,ok", [
    ({"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"BOOL": True}]}, False),
    ({"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"NULL": True}]}, True),
    ({"ComparisonOperator": "EQ", "AttributeValueList": [{"L": [{"S": "a"}]}]}, False),
    ({"ComparisonOperator": "NE", "AttributeValueList": [{"M": {}}]}, True),
    ({"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]}, True),
])
def test_types_each_operator_takes(client, tname, key, cond, ok):
    """The accepted types evaluate (on ss = {a, b})."""
    if ok:
        client.put_item(TableName=tname, Item={**key, "new": {"S": "x"}}, Expected={"ss": cond})
        assert get(client, tname, key) == {**key, "new": {"S": "x"}}
    else:
        with pytest.raises(ClientError) as e:
            client.put_item(TableName=tname, Item={**key, "new": {"S": "x"}}, Expected={"ss": cond})
        assert err(e)[0] == "ConditionalCheckFailedException"


@pytest.mark.parametrize("expected,message", [
    ({"n": {"Exists": True, "ComparisonOperator": "EQ", "AttributeValueList": [{"N": "10"}]}},
     "Exists and ComparisonOperator cannot be used together for Attribute: n"),
    ({"n": {"Value": {"N": "10"}, "ComparisonOperator": "EQ", "AttributeValueList": [{"N": "10"}]}},
     "Value and AttributeValueList cannot be used together for Attribute: n"),
    ({"n": {"AttributeValueList": [{"N": "10"}]}},
     "AttributeValueList can only be used with a ComparisonOperator for Attribute: n"),
    ({"n": {"ComparisonOperator": "EQ"}}, "Value or AttributeValueList must be used with ComparisonOperator: EQ for "
                                          "Attribute: n"),
    ({"n": {}}, "Value must be provided when Exists is null for Attribute: n"),
    ({"n": {"ComparisonOperator": "EQ", "AttributeValueList": []}},
     "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"n": {"ComparisonOperator": "BETWEEN", "Value": {"N": "1"}}},
     "Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
])
def test_expected_forms(client, tname, key, expected, message):
    before = get(client, tname, key)
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item={**key, "x": {"S": "y"}}, Expected=expected)
    assert err(e) == ("ValidationException", E1 + INVALID + message)
    assert get(client, tname, key) == before


def test_expected_value_with_a_comparison_operator(client, tname, key):
    """Value stands for the one-element AttributeValueList."""
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item={**key, "x": {"S": "y"}},
                        Expected={"n": {"ComparisonOperator": "LT", "Value": {"N": "10"}}})
    assert err(e)[0] == "ConditionalCheckFailedException"
    client.put_item(TableName=tname, Item={**key, "x": {"S": "y"}},
                    Expected={"n": {"ComparisonOperator": "LE", "Value": {"N": "10"}},
                              "zz": {"ComparisonOperator": "NULL"}})
    assert get(client, tname, key) == {**key, "x": {"S": "y"}}


def test_empty_expected_is_no_condition(client, tname, key):
    client.put_item(TableName=tname, Item={**key, "x": {"S": "y"}}, Expected={})
    assert get(client, tname, key) == {**key, "x": {"S": "y"}}
    client.delete_item(TableName=tname, Key=key, Expected={})
    assert get(client, tname, key) is None


WITHOUT = "ConditionalOperator cannot be used without Filter or Expected"
TWO_OR_MORE = "ConditionalOperator can only be used when Filter or Expected has two or more elements"
EQ_X = {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}


def test_conditional_operator_needs_two_conditions(client, tname, key):
    before = get(client, tname, key)
    pk_eq = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [key["pk"]]}}
    for call, message in [
        (lambda: client.put_item(TableName=tname, Item=key, ConditionalOperator="AND"), E1 + WITHOUT),
        (lambda: client.put_item(TableName=tname, Item=key, ConditionalOperator="OR", Expected={}), E1 + WITHOUT),
        (lambda: client.put_item(TableName=tname, Item=key, ConditionalOperator="AND", Expected={"s": EQ_X}),
         E1 + TWO_OR_MORE),
        (lambda: client.delete_item(TableName=tname, Key=key, ConditionalOperator="AND"), E1 + WITHOUT),
        (lambda: client.update_item(TableName=tname, Key=key, ConditionalOperator="AND",
                                    AttributeUpdates={"s": {"Action": "PUT", "Value": {"S": "v"}}}), E1 + WITHOUT),
        (lambda: client.scan(TableName=tname, ConditionalOperator="AND"), WITHOUT),
        (lambda: client.scan(TableName=tname, ConditionalOperator="OR", ScanFilter={}), WITHOUT),
        (lambda: client.scan(TableName=tname, ConditionalOperator="AND", ScanFilter={"s": EQ_X}), TWO_OR_MORE),
        (lambda: client.query(TableName=tname, ConditionalOperator="AND", KeyConditions=pk_eq), WITHOUT),
        # Before the missing key condition.
        (lambda: client.query(TableName=tname, ConditionalOperator="AND"), WITHOUT),
        (lambda: client.query(TableName=tname, ConditionalOperator="AND", KeyConditions=pk_eq,
                              QueryFilter={"s": EQ_X}), TWO_OR_MORE),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert err(e) == ("ValidationException", message)
    assert get(client, tname, key) == before
    # Two or more conditions: fine.
    r = client.scan(TableName=tname, ConditionalOperator="OR",
                    ScanFilter={"s": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "hello"}]},
                                "n": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "-1"}]}})
    assert any(i["pk"] == key["pk"] for i in r["Items"])


@pytest.mark.parametrize("kw,non_expression,expression", [
    (dict(ConditionalOperator="AND", FilterExpression="s = :v", ExpressionAttributeValues={":v": {"S": "x"}}),
     "ConditionalOperator", "FilterExpression"),
    (dict(ConditionalOperator="AND", ProjectionExpression="s"), "ConditionalOperator", "ProjectionExpression"),
    (dict(AttributesToGet=["s"], ScanFilter={"s": EQ_X}, ConditionalOperator="AND", FilterExpression="s = :v",
          ProjectionExpression="n", ExpressionAttributeValues={":v": {"S": "x"}}),
     "AttributesToGet, ScanFilter, ConditionalOperator", "ProjectionExpression, FilterExpression"),
    (dict(ScanFilter={"s": EQ_X}, ProjectionExpression="n"), "ScanFilter", "ProjectionExpression"),
    (dict(AttributesToGet=["s"], FilterExpression="s = :v", ExpressionAttributeValues={":v": {"S": "x"}}),
     "AttributesToGet", "FilterExpression"),
])
def test_scan_mixing_lists_every_parameter(client, tname, kw, non_expression, expression):
    with pytest.raises(ClientError) as e:
        client.scan(TableName=tname, **kw)
    assert err(e) == ("ValidationException", "Can not use both expression and non-expression parameters in the same "
                      f"request: Non-expression parameters: {{{non_expression}}} Expression parameters: {{{expression}}}")


def test_query_mixing(client, tname, key):
    pk_eq = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [key["pk"]]}}
    mix = "Can not use both expression and non-expression parameters in the same request: "
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditions=pk_eq, QueryFilter={"s": EQ_X}, ConditionalOperator="AND",
                     KeyConditionExpression="pk = :p", FilterExpression="s = :v", ProjectionExpression="n",
                     ExpressionAttributeValues={":p": key["pk"], ":v": {"S": "x"}})
    assert err(e) == ("ValidationException", mix + "Non-expression parameters: {QueryFilter, ConditionalOperator, "
                      "KeyConditions} Expression parameters: {ProjectionExpression, FilterExpression, "
                      "KeyConditionExpression}")
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditions=pk_eq, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": key["pk"]})
    assert err(e) == ("ValidationException", mix + "Non-expression parameters: {KeyConditions} Expression "
                      "parameters: {KeyConditionExpression}")
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, QueryFilter={"s": EQ_X}, KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": key["pk"]})
    assert err(e) == ("ValidationException", mix + "Non-expression parameters: {QueryFilter} Expression "
                      "parameters: {KeyConditionExpression}")
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditions=pk_eq, QueryFilter={"s": EQ_X}, FilterExpression="s = :v",
                     ExpressionAttributeValues={":v": {"S": "x"}})
    assert err(e) == ("ValidationException", mix + "Non-expression parameters: {QueryFilter} Expression "
                      "parameters: {FilterExpression}")


def test_key_conditions_with_filter_and_projection_expressions(client, tname, key):
    """KeyConditions mixes only with KeyConditionExpression."""
    pk_eq = {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [key["pk"]]}}
    r = client.query(TableName=tname, KeyConditions=pk_eq, FilterExpression="s = :v",
                     ExpressionAttributeValues={":v": {"S": "hello"}})
    assert r["Count"] == 1 and r["Items"][0]["n"] == {"N": "10"}
    r = client.query(TableName=tname, KeyConditions=pk_eq, FilterExpression="s = :v",
                     ExpressionAttributeValues={":v": {"S": "bye"}})
    assert r["Count"] == 0 and r["ScannedCount"] == 1
    r = client.query(TableName=tname, KeyConditions=pk_eq, ProjectionExpression="#s", ExpressionAttributeNames={"#s": "s"})
    assert r["Items"] == [{"s": {"S": "hello"}}]
    r = client.query(TableName=tname, KeyConditions=pk_eq, AttributesToGet=["n"])
    assert r["Items"] == [{"n": {"N": "10"}}]
    # The filter still may not name a key attribute, and its placeholders must all be used.
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditions=pk_eq, FilterExpression="pk = :v",
                     ExpressionAttributeValues={":v": {"S": "x"}})
    assert err(e) == ("ValidationException", "Filter Expression can only contain non-primary key attributes: "
                      "Primary key attribute: pk")
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditions=pk_eq, FilterExpression="s = :v",
                     ExpressionAttributeValues={":v": {"S": "x"}, ":w": {"S": "y"}})
    assert err(e) == ("ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: "
                      "keys: {:w}")


@pytest.fixture(scope="module")
def range_tname(server):
    with temp_table(server.client(), "legr", range_key="sk") as name:
        yield name


NON_INDEXABLE = [{"ComparisonOperator": "NULL"}, {"ComparisonOperator": "NOT_NULL"},
                 {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "a"}]},
                 {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"S": "a"}]},
                 {"ComparisonOperator": "NOT_CONTAINS", "AttributeValueList": [{"S": "a"}]},
                 {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}]}]


def test_key_conditions_rules(client, tname, range_tname):
    def q(table, conds):
        with pytest.raises(ClientError) as e:
            client.query(TableName=table, KeyConditions=conds)
        return err(e)

    V = "ValidationException"
    eq = {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}
    for cond in NON_INDEXABLE:
        assert q(tname, {"pk": cond}) == (V, "Attempted conditional constraint is not an indexable operation"), cond
        assert q(range_tname, {"pk": eq, "sk": cond}) == (
            V, "Attempted conditional constraint is not an indexable operation"), cond
        # The partition key's condition is looked for first.
        assert q(range_tname, {"sk": cond}) == (V, "Query condition missed key schema element: pk"), cond
    assert q(range_tname, {}) == (V, "Conditions can be of length 1 or 2 only")
    assert q(range_tname, {"pk": eq, "sk": eq, "x": eq}) == (V, "Conditions can be of length 1 or 2 only")
    # A condition on another attribute: the sort key's is missing.
    assert q(range_tname, {"pk": eq, "x": eq}) == (V, "Query condition missed key schema element: sk")
    assert q(tname, {"pk": eq, "x": eq}) == (V, "Query key condition not supported")
    for op, values in [("GT", [{"S": "a"}]), ("BEGINS_WITH", [{"S": "a"}]), ("BETWEEN", [{"S": "a"}, {"S": "b"}])]:
        assert q(tname, {"pk": {"ComparisonOperator": op, "AttributeValueList": values}}) == (
            V, "Query key condition not supported"), op
    assert q(range_tname, {"pk": eq, "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "1"}]}}) == (
        V, "One or more parameter values were invalid: Condition parameter type does not match schema type")
    # The value checks come before the key schema.
    assert q(range_tname, {"sk": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "b"}, {"N": "1"}]}}) == (
        V, INVALID + "AttributeValues inside AttributeValueList must be of same type")
    # Each supported sort-key operator reads its range.
    client.put_item(TableName=range_tname, Item={"pk": {"S": "r"}, "sk": {"S": "b"}})
    client.put_item(TableName=range_tname, Item={"pk": {"S": "r"}, "sk": {"S": "c"}})
    r = client.query(TableName=range_tname, KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "r"}]},
        "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "b"}, {"S": "b"}]}})
    assert [i["sk"]["S"] for i in r["Items"]] == ["b"]
