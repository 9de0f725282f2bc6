"""Item operations: PutItem, GetItem, DeleteItem, types, numbers, validation."""

from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import create_simple_table, err


@pytest.fixture
def users(client, table_name):
    """A fresh table keyed by userId (S)."""
    name = table_name("Users")
    create_simple_table(client, name, hash_key="userId")
    return name


def nothing_written(client, table, key):
    return "Item" not in client.get_item(TableName=table, Key=key, ConsistentRead=True)


def put_rejected(client, table, item, key_for_check=None):
    """PutItem that must fail with ValidationException; returns the message and checks
    nothing was written under key_for_check (default: the item's userId)."""
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=table, Item=item)
    code, msg = err(e)
    assert code == "ValidationException", (code, msg)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    if key_for_check is None and "userId" in item and "S" in item["userId"] and item["userId"]["S"]:
        key_for_check = {"userId": item["userId"]}
    if key_for_check is not None:
        assert nothing_written(client, table, key_for_check)
    return msg


# ---------------------------------------------------------------- the issue's scenario

def test_issue_scenario(client, table_name):
    name = table_name("Users")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName=name, Item={"userId": {"S": "u1"}, "n": {"N": "1.50"},
                                          "tags": {"SS": ["a", "b"]}})
    item = client.get_item(TableName=name, Key={"userId": {"S": "u1"}})["Item"]
    assert item["userId"] == {"S": "u1"}
    assert item["n"] == {"N": "1.5"}
    assert sorted(item["tags"]["SS"]) == ["a", "b"]
    assert set(item) == {"userId", "n", "tags"}


# ---------------------------------------------------------------- types

def test_all_types_round_trip(client, users):
    item = {
        "userId": {"S": "all-types"},
        "s": {"S": "héllo wörld ✓ \u0000 end"},
        "n": {"N": "-12.5"},
        "b": {"B": b"\x00\x01\xfe\xff binary"},
        "t": {"BOOL": True},
        "f": {"BOOL": False},
        "nul": {"NULL": True},
        "m": {"M": {"inner": {"S": "x"}, "num": {"N": "7"},
                    "deep": {"M": {"l": {"L": [{"N": "1"}, {"S": "two"}]}}}}},
        "l": {"L": [{"S": "a"}, {"N": "2"}, {"BOOL": False}, {"NULL": True},
                    {"L": []}, {"M": {}}, {"B": b"\x01"}]},
        "ss": {"SS": ["x", "y", "z"]},
        "ns": {"NS": ["1", "2.5", "-3"]},
        "bs": {"BS": [b"\x00", b"\x01\x02", b"\xff"]},
        "empty_s": {"S": ""},
        "empty_b": {"B": b""},
        "empty_m": {"M": {}},
        "empty_l": {"L": []},
    }
    client.put_item(TableName=users, Item=item)
    got = client.get_item(TableName=users, Key={"userId": {"S": "all-types"}})["Item"]
    assert set(got) == set(item)
    for k in ("userId", "s", "n", "b", "t", "f", "nul", "m", "l", "empty_s", "empty_b",
              "empty_m", "empty_l"):
        assert got[k] == item[k], k
    assert sorted(got["ss"]["SS"]) == ["x", "y", "z"]
    assert sorted(Decimal(x) for x in got["ns"]["NS"]) == [Decimal("-3"), Decimal("1"), Decimal("2.5")]
    assert sorted(got["bs"]["BS"]) == [b"\x00", b"\x01\x02", b"\xff"]


@pytest.mark.parametrize("key_type,value,lookup", [
    ("S", {"S": "k"}, {"S": "k"}),
    ("N", {"N": "1.50"}, {"N": "1.5"}),
    ("N", {"N": "-0"}, {"N": "0"}),
    ("B", {"B": b"\x00\xff"}, {"B": b"\x00\xff"}),
])
def test_key_types(client, table_name, key_type, value, lookup):
    name = table_name()
    create_simple_table(client, name, hash_key="k", hash_type=key_type)
    client.put_item(TableName=name, Item={"k": value, "v": {"S": "found"}})
    got = client.get_item(TableName=name, Key={"k": lookup})
    assert got["Item"]["v"] == {"S": "found"}
    assert got["Item"]["k"] == lookup


def test_composite_key(client, table_name):
    name = table_name()
    create_simple_table(client, name, hash_key="h", range_key="r", range_type="N")
    client.put_item(TableName=name, Item={"h": {"S": "a"}, "r": {"N": "1"}, "v": {"S": "one"}})
    client.put_item(TableName=name, Item={"h": {"S": "a"}, "r": {"N": "2"}, "v": {"S": "two"}})
    assert client.get_item(TableName=name, Key={"h": {"S": "a"}, "r": {"N": "2.0"}})["Item"]["v"] == {"S": "two"}
    assert client.get_item(TableName=name, Key={"h": {"S": "a"}, "r": {"N": "1"}})["Item"]["v"] == {"S": "one"}
    assert "Item" not in client.get_item(TableName=name, Key={"h": {"S": "a"}, "r": {"N": "3"}})


# ---------------------------------------------------------------- numbers

@pytest.mark.parametrize("given,expected", [
    ("1.50", "1.5"),
    ("-0", "0"),
    ("1E+2", "100"),
    ("0.000", "0"),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("-1.0", "-1"),
    ("00012", "12"),
    ("1e-2", "0.01"),
    ("0.1E1", "1"),
    ("123.456", "123.456"),
    ("-0.5", "-0.5"),
])
def test_number_normalisation(client, users, given, expected):
    key = {"userId": {"S": "num-" + given}}
    client.put_item(TableName=users, Item={**key, "n": {"N": given}, "ns": {"NS": [given, "7"]}})
    got = client.get_item(TableName=users, Key=key)["Item"]
    assert got["n"] == {"N": expected}
    assert sorted(got["ns"]["NS"]) == sorted([expected, "7"])


@pytest.mark.parametrize("given", [
    "9.9999999999999999999999999999999999999E+125",
    "-9.9999999999999999999999999999999999999E+125",
    "1E-130",
    "-1E-130",
])
def test_number_range_limits_accepted(client, users, given):
    key = {"userId": {"S": "lim-" + given}}
    client.put_item(TableName=users, Item={**key, "n": {"N": given}})
    got = client.get_item(TableName=users, Key=key)["Item"]
    assert Decimal(got["n"]["N"]) == Decimal(given)


@pytest.mark.parametrize("given,message", [
    ("123456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("1.23456789012345678901234567890123456789",
     "Attempting to store more than 38 significant digits in a Number"),
    ("1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("-1E+126", "Number overflow. Attempting to store a number with magnitude larger than supported range"),
    ("1E-131", "Number underflow. Attempting to store a number with magnitude smaller than supported range"),
    ("abc", "cannot be converted to a numeric value"),
    ("", "cannot be converted to a numeric value"),
])
def test_number_rejected(client, users, given, message):
    item = {"userId": {"S": "bad-num-" + (given or "empty")}, "n": {"N": given}}
    msg = put_rejected(client, users, item)
    assert message in msg


def test_number_trailing_zeros_significant_digits(client, users):
    # Trailing zeros are not significant: 38 digits followed by zeros is fine.
    given = "12345678901234567890123456789012345678" + "000"
    key = {"userId": {"S": "trailing"}}
    client.put_item(TableName=users, Item={**key, "n": {"N": given}})
    assert client.get_item(TableName=users, Key=key)["Item"]["n"] == {"N": given}


# ---------------------------------------------------------------- GetItem

def test_get_item_projection(client, users):
    key = {"userId": {"S": "proj"}}
    client.put_item(TableName=users, Item={
        **key, "n": {"N": "1"}, "name": {"S": "Ann"}, "tags": {"SS": ["a"]},
        "a": {"M": {"b": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}, "c": {"N": "3"}}}})
    got = client.get_item(TableName=users, Key=key, ProjectionExpression="#nm, tags",
                          ExpressionAttributeNames={"#nm": "name"})["Item"]
    assert got == {"name": {"S": "Ann"}, "tags": {"SS": ["a"]}}

    got = client.get_item(TableName=users, Key=key, ProjectionExpression="a.b[1]")["Item"]
    assert got == {"a": {"M": {"b": {"L": [{"S": "y"}]}}}}

    got = client.get_item(TableName=users, Key=key, ProjectionExpression="#a.#b[1], #a.c",
                          ExpressionAttributeNames={"#a": "a", "#b": "b"})["Item"]
    assert got == {"a": {"M": {"b": {"L": [{"S": "y"}]}, "c": {"N": "3"}}}}

    got = client.get_item(TableName=users, Key=key, ProjectionExpression="a.b[0], a.b[2]")["Item"]
    assert got == {"a": {"M": {"b": {"L": [{"S": "x"}, {"S": "z"}]}}}}

    got = client.get_item(TableName=users, Key=key, ProjectionExpression="userId, n")["Item"]
    assert got == {"userId": {"S": "proj"}, "n": {"N": "1"}}


def test_get_item_projection_errors(client, users):
    key = {"userId": {"S": "proj-err"}}
    client.put_item(TableName=users, Item={**key, "name": {"S": "Ann"}})
    cases = [
        (dict(ProjectionExpression="#x", ExpressionAttributeNames={"#x": "name", "#unused": "n"}),
         "Value provided in ExpressionAttributeNames unused in expressions"),
        (dict(ProjectionExpression="#undefined"),
         "An expression attribute name used in the document path is not defined"),
        (dict(ProjectionExpression="name"),
         "Attribute name is a reserved keyword; reserved keyword: name"),
        (dict(ProjectionExpression="a..b"), "Invalid ProjectionExpression"),
    ]
    for kwargs, text in cases:
        with pytest.raises(ClientError) as e:
            client.get_item(TableName=users, Key=key, **kwargs)
        code, msg = err(e)
        assert code == "ValidationException", (kwargs, msg)
        assert text in msg, (kwargs, msg)


def test_get_item_consistent_read_and_missing(client, users):
    key = {"userId": {"S": "cr"}}
    client.put_item(TableName=users, Item={**key, "v": {"N": "1"}})
    assert client.get_item(TableName=users, Key=key, ConsistentRead=True)["Item"]["v"] == {"N": "1"}
    assert client.get_item(TableName=users, Key=key, ConsistentRead=False)["Item"]["v"] == {"N": "1"}
    resp = client.get_item(TableName=users, Key={"userId": {"S": "nope"}}, ConsistentRead=True)
    assert "Item" not in resp
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_get_item_key_not_matching_schema(client, loose, users):
    for key in ({"other": {"S": "x"}},
                {"userId": {"N": "1"}},
                {"userId": {"S": "x"}, "extra": {"S": "y"}},
                {}):
        with pytest.raises(ClientError) as e:
            loose.get_item(TableName=users, Key=key)
        code, msg = err(e)
        assert code == "ValidationException", key
        assert "The provided key element does not match the schema" in msg, (key, msg)


def test_get_item_missing_table(client, table_name):
    with pytest.raises(ClientError) as e:
        client.get_item(TableName=table_name(), Key={"userId": {"S": "x"}})
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg == "Requested resource not found"


# ---------------------------------------------------------------- PutItem / DeleteItem return values

def test_put_item_return_values(client, users):
    key = {"userId": {"S": "rv"}}
    first = client.put_item(TableName=users, Item={**key, "v": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = client.put_item(TableName=users, Item={**key, "v": {"N": "2"}, "w": {"S": "x"}},
                             ReturnValues="ALL_OLD")
    assert second["Attributes"] == {**key, "v": {"N": "1"}}
    third = client.put_item(TableName=users, Item={**key, "v": {"N": "3"}}, ReturnValues="NONE")
    assert "Attributes" not in third
    # The put replaced the whole item: w is gone.
    assert client.get_item(TableName=users, Key=key)["Item"] == {**key, "v": {"N": "3"}}


def test_put_item_invalid_return_values(client, users):
    key = {"userId": {"S": "rv-bad"}}
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=users, Item={**key}, ReturnValues="ALL_NEW")
    assert err(e)[0] == "ValidationException"
    assert nothing_written(client, users, key)


def test_delete_item_return_values(client, users):
    key = {"userId": {"S": "del"}}
    client.put_item(TableName=users, Item={**key, "v": {"S": "old"}})
    resp = client.delete_item(TableName=users, Key=key, ReturnValues="ALL_OLD")
    assert resp["Attributes"] == {**key, "v": {"S": "old"}}
    assert nothing_written(client, users, key)

    client.put_item(TableName=users, Item={**key, "v": {"S": "again"}})
    resp = client.delete_item(TableName=users, Key=key, ReturnValues="NONE")
    assert "Attributes" not in resp
    assert nothing_written(client, users, key)

    resp = client.delete_item(TableName=users, Key=key)
    assert "Attributes" not in resp
    # Deleting a missing item is not an error and returns nothing, even with ALL_OLD.
    resp = client.delete_item(TableName=users, Key=key, ReturnValues="ALL_OLD")
    assert "Attributes" not in resp


def test_delete_item_key_not_matching_schema(loose, users):
    with pytest.raises(ClientError) as e:
        loose.delete_item(TableName=users, Key={"nope": {"S": "x"}})
    code, msg = err(e)
    assert code == "ValidationException"
    assert "The provided key element does not match the schema" in msg


def test_delete_item_missing_table(client, table_name):
    with pytest.raises(ClientError) as e:
        client.delete_item(TableName=table_name(), Key={"userId": {"S": "x"}})
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg == "Requested resource not found"


def test_put_item_missing_table(client, table_name):
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=table_name(), Item={"userId": {"S": "x"}})
    code, msg = err(e)
    assert code == "ResourceNotFoundException"
    assert msg == "Requested resource not found"


# ---------------------------------------------------------------- PutItem validation

def test_put_missing_key(loose, client, users):
    msg = put_rejected(loose, users, {"other": {"S": "x"}})
    assert msg == "One or more parameter values were invalid: Missing the key userId in the item"
    assert client.describe_table(TableName=users)["Table"]["ItemCount"] == 0


def test_put_wrong_key_type(loose, client, users):
    msg = put_rejected(loose, users, {"userId": {"N": "1"}, "x": {"S": "y"}})
    assert msg == "One or more parameter values were invalid: Type mismatch for key userId expected: S actual: N"
    assert nothing_written(client, users, {"userId": {"S": "1"}})


def test_put_empty_string_key(loose, users):
    msg = put_rejected(loose, users, {"userId": {"S": ""}})
    # DynamoDB: "One or more parameter values are not valid. The AttributeValue for a key
    # attribute cannot contain an empty string value. Key: userId"
    assert "cannot contain an empty string value" in msg
    assert "userId" in msg


def test_put_empty_binary_key(loose, client, table_name):
    name = table_name()
    create_simple_table(client, name, hash_key="k", hash_type="B")
    with pytest.raises(ClientError) as e:
        loose.put_item(TableName=name, Item={"k": {"B": b""}})
    code, msg = err(e)
    assert code == "ValidationException"
    assert "empty binary value" in msg


@pytest.mark.parametrize("attr", [{"SS": []}, {"NS": []}, {"BS": []}])
def test_put_empty_set(loose, users, attr):
    item = {"userId": {"S": "empty-set-" + next(iter(attr))}, "s": attr}
    msg = put_rejected(loose, users, item)
    # DynamoDB: "An string set  may not be empty" / "An number set  may not be empty" /
    # "Binary sets should not be empty".
    assert "may not be empty" in msg or "Binary sets should not be empty" in msg, msg


# The texts differ by set type: SS lists the members, BS lists them in base64
# (with no space before "of type"), NS lists none. Pinned exactly, as the
# server answered before the three checks shared one duplicate test.
@pytest.mark.parametrize("attr,message", [
    ({"SS": ["a", "b", "a"]},
     "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates."),
    ({"NS": ["1", "2", "1"]}, "Input collection contains duplicates"),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
    ({"BS": [b"x", b"y", b"x"]},
     "One or more parameter values were invalid: Input collection [eA==, eQ==, eA==]of type BS contains duplicates."),
])
def test_put_duplicate_set_members(loose, users, attr, message):
    item = {"userId": {"S": "dup-set-" + repr(attr)}, "s": attr}
    # A request rule of PutItem: a Coral list of one (test_validation_order.py).
    assert put_rejected(loose, users, item) == "1 validation error detected: " + message


def test_put_nested_empty_set(loose, users):
    item = {"userId": {"S": "nested-empty-set"}, "m": {"M": {"x": {"L": [{"SS": []}]}}}}
    msg = put_rejected(loose, users, item)
    assert "may not be empty" in msg


def test_put_item_too_large(client, users):
    key = {"userId": {"S": "big"}}
    msg = put_rejected(client, users, {**key, "d": {"S": "x" * (400 * 1024)}})
    assert "Item size has exceeded the maximum allowed size" in msg
    # A big but legal item is accepted.
    client.put_item(TableName=users, Item={**key, "d": {"S": "x" * 400000}})
    assert len(client.get_item(TableName=users, Key=key)["Item"]["d"]["S"]) == 400000


def test_put_item_too_large_binary_and_names(client, users):
    key = {"userId": {"S": "big2"}}
    # Attribute names count toward the size too.
    item = {**key}
    for i in range(50):
        item[("n%03d" % i) * 2500] = {"BOOL": True}   # 50 names of 10000 bytes = 500000 bytes
    msg = put_rejected(client, users, item)
    assert "Item size has exceeded the maximum allowed size" in msg


def nest(depth, leaf=None):
    v = leaf or {"S": "leaf"}
    for i in range(depth):
        v = {"M": {"k": v}} if i % 2 == 0 else {"L": [v]}
    return v


def test_put_nesting_too_deep(client, users):
    key = {"userId": {"S": "deep"}}
    msg = put_rejected(client, users, {**key, "d": nest(40)})
    assert "Nesting Levels have exceeded supported limits" in msg
    # Moderate nesting is fine and round-trips.
    client.put_item(TableName=users, Item={**key, "d": nest(20)})
    assert client.get_item(TableName=users, Key=key)["Item"]["d"] == nest(20)


def test_put_bad_attribute_values(loose, users):
    cases = [
        ({"NULL": False}, "Null attribute value types must have the value of true"),
        ({"S": "a", "N": "1"}, "Supplied AttributeValue has more than one datatypes set"),
        ({}, "Supplied AttributeValue is empty"),
    ]
    for i, (value, text) in enumerate(cases):
        item = {"userId": {"S": f"bad-av-{i}"}, "v": value}
        msg = put_rejected(loose, users, item)
        assert text in msg, (value, msg)


def test_put_empty_attribute_name(loose, users):
    # DynamoDB attribute names must be at least one character long.
    put_rejected(loose, users, {"userId": {"S": "empty-name"}, "": {"S": "x"}})


# ---------------------------------------------------------------- resource API

def test_resource_put_get_decimal(resource, table_name):
    name = table_name()
    table = resource.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST")
    table.wait_until_exists()
    table.put_item(Item={
        "userId": "u1",
        "n": Decimal("1.50"),
        "big": Decimal("12345678901234567890123456789012345678"),
        "neg": Decimal("-0.001"),
        "tags": {"a", "b"},
        "nums": {Decimal("1"), Decimal("2")},
        "nested": {"list": [Decimal("1"), "two", True, None, {"k": Decimal("3.0")}]},
        "raw": b"\x00\x01",
    })
    item = table.get_item(Key={"userId": "u1"}, ConsistentRead=True)["Item"]
    assert item["n"] == Decimal("1.5")
    assert str(item["n"]) == "1.5"
    assert item["big"] == Decimal("12345678901234567890123456789012345678")
    assert item["neg"] == Decimal("-0.001")
    assert item["tags"] == {"a", "b"}
    assert item["nums"] == {Decimal("1"), Decimal("2")}
    assert item["nested"] == {"list": [Decimal("1"), "two", True, None, {"k": Decimal("3")}]}
    assert item["raw"].value == b"\x00\x01"
    old = table.delete_item(Key={"userId": "u1"}, ReturnValues="ALL_OLD")["Attributes"]
    assert old["n"] == Decimal("1.5")
    assert "Item" not in table.get_item(Key={"userId": "u1"})
