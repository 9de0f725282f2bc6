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
     "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"SS": ["a"]}]}},
     "One or more parameter values were invalid: ComparisonOperator GT is not valid for SS AttributeValue type"),
])
def test_expected_invalid(client, tname, key, expected, message):
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item=key, Expected=expected)
    assert err(e) == ("ValidationException", message)


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
    assert err(e) == ("ValidationException", message)
    assert get(client, tname, key) == before
