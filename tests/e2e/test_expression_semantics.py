"""Expression edge semantics (issue 15, part 4) end to end: operand types of
ordering comparisons, size(), attribute_type, begins_with and contains;
functions out of place; update-expression nesting, name tokens, document
paths, list appends; and ExclusiveStartKey rules of Query and Scan.

DynamoDB's behaviour and wording as the Developer Guide ("Comparison
operator and function reference", "Update expressions") documents it and as
traces recorded against AWS show it (ScyllaDB alternator's and dynalite's
tests, SDK issues)."""

import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import err, temp_table

V = "ValidationException"
# PutItem and UpdateItem report their expressions' rules (checked before the
# table is known) as a Coral list of one; the rules that need the stored
# item stay bare (BAD_PATH, the ADD/DELETE operand checks on item values).
E1 = "1 validation error detected: "
C = E1 + "Invalid ConditionExpression: "
U = E1 + "Invalid UpdateExpression: "
TYPE = "Incorrect operand type for operator or function; operator or function: "
BAD_PATH = "The document path provided in the update expression is invalid for update"

# One typed value of each kind, as the low-level client sends them.
UNORDERED = {
    "L": {"L": [{"N": "1"}]},
    "M": {"M": {"k": {"S": "v"}}},
    "SS": {"SS": ["a"]},
    "NS": {"NS": ["1"]},
    "BS": {"BS": [b"\x01"]},
    "BOOL": {"BOOL": True},
    "NULL": {"NULL": True},
}

ITEM = {
    "n": {"N": "10"}, "s": {"S": "hello"}, "bin": {"B": b"\x01\x02\xff"}, "flag": {"BOOL": True}, "nul": {"NULL": True},
    "l": {"L": [{"N": "1"}, {"N": "2"}]}, "m": {"M": {"k": {"S": "v"}, "arr": {"L": [{"N": "0"}, {"N": "1"}]}}},
    "ss": {"SS": ["x"]}, "bs": {"BS": [b"\x01", b"\x02"]},
}


@pytest.fixture(scope="module")
def tname(server):
    with temp_table(server.client(), "sem") as name:
        yield name


@pytest.fixture
def key(client, tname):
    k = {"pk": {"S": uuid.uuid4().hex}}
    client.put_item(TableName=tname, Item={**k, **ITEM})
    return k


def get(client, tname, key):
    return client.get_item(TableName=tname, Key=key, ConsistentRead=True).get("Item")


def holds(client, tname, key, cond, values=None):
    """Whether `cond` holds on the item (a conditional no-op update)."""
    kw = {"ExpressionAttributeValues": values} if values else {}
    try:
        client.update_item(TableName=tname, Key=key, ConditionExpression=cond, **kw)
        return True
    except ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


def condition_error(client, tname, key, cond, values=None):
    """(code, message) of a PutItem with `cond`, which must change nothing."""
    before = get(client, tname, key)
    kw = {"ExpressionAttributeValues": values} if values else {}
    with pytest.raises(ClientError) as e:
        client.put_item(TableName=tname, Item={**key, "replaced": {"BOOL": True}}, ConditionExpression=cond, **kw)
    assert get(client, tname, key) == before
    return err(e)


def update_error(client, tname, key, expr, values=None, names=None):
    before = get(client, tname, key)
    kw = {}
    if values:
        kw["ExpressionAttributeValues"] = values
    if names:
        kw["ExpressionAttributeNames"] = names
    with pytest.raises(ClientError) as e:
        client.update_item(TableName=tname, Key=key, UpdateExpression=expr, **kw)
    assert get(client, tname, key) == before
    return err(e)


# ------------------------------------------------------- ordering operands

@pytest.mark.parametrize("type_name", sorted(UNORDERED))
@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_a_request_value_without_an_order_is_an_error(client, tname, key, type_name, op):
    v = {":v": UNORDERED[type_name]}
    for cond in (f"n {op} :v", f":v {op} n", f"missing_attr {op} :v"):
        assert condition_error(client, tname, key, cond, v) == (V, f"{C}{TYPE}{op}, operand type: {type_name}"), cond


@pytest.mark.parametrize("type_name", sorted(UNORDERED))
def test_between_a_request_value_without_an_order_is_an_error(client, tname, key, type_name):
    v = {":v": UNORDERED[type_name], ":n": {"N": "1"}}
    for cond in ("n BETWEEN :v AND :v", "n BETWEEN :n AND :v", ":v BETWEEN n AND s"):
        assert condition_error(client, tname, key, cond, v) == (V, f"{C}{TYPE}BETWEEN, operand type: {type_name}"), cond


def test_equality_and_in_take_any_type(client, tname, key):
    for type_name, v in UNORDERED.items():
        assert holds(client, tname, key, "n = :v OR n <> :v", {":v": v}), type_name
        assert not holds(client, tname, key, "n IN (:v)", {":v": v}), type_name
    assert holds(client, tname, key, "l = :v", {":v": ITEM["l"]})


def test_ordering_an_item_value_without_an_order_is_false(client, tname, key):
    for attr in ("l", "m", "ss", "flag", "nul", "bs"):
        for cond in (f"{attr} < :n", f"{attr} >= :n", f":n <= {attr}", f"{attr} BETWEEN :n AND :n"):
            assert not holds(client, tname, key, cond, {":n": {"N": "1"}}), cond
    assert holds(client, tname, key, "n BETWEEN :a AND :b", {":a": {"N": "10"}, ":b": {"N": "10"}})


def test_same_rule_in_filter_and_key_condition(client, tname, key):
    with pytest.raises(ClientError) as e:
        client.scan(TableName=tname, FilterExpression="n > :v", ExpressionAttributeValues={":v": UNORDERED["M"]})
    assert err(e) == (V, f"Invalid FilterExpression: {TYPE}>, operand type: M")
    with pytest.raises(ClientError) as e:
        client.query(TableName=tname, KeyConditionExpression="pk = :p AND n < :v",
                     ExpressionAttributeValues={":p": key["pk"], ":v": UNORDERED["L"]})
    assert err(e) == (V, f"Invalid KeyConditionExpression: {TYPE}<, operand type: L")


def test_between_bound_messages(client, tname, key):
    assert condition_error(client, tname, key, "n BETWEEN :a AND :b", {":a": {"B": b"z"}, ":b": {"B": b"a"}}) == (
        V, C + "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound "
               "operand: AttributeValue: {B:eg==}, upper bound operand: AttributeValue: {B:YQ==}")
    assert condition_error(client, tname, key, "n BETWEEN :a AND :b", {":a": {"S": "b"}, ":b": {"N": "1"}}) == (
        V, C + "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: "
               "AttributeValue: {S:b}, upper bound operand: AttributeValue: {N:1}")
    # Bounds from the item out of order or of mixed types: simply false.
    assert not holds(client, tname, key, "n BETWEEN :a AND s", {":a": {"N": "1"}})
    assert not holds(client, tname, key, "n BETWEEN n AND :a", {":a": {"N": "1"}})


# ------------------------------------------------------------------ size()

def test_size_of_a_value(client, tname, key):
    three = {"N": "3"}
    assert holds(client, tname, key, "size(:v) = :three", {":v": {"S": "abc"}, ":three": three})
    assert holds(client, tname, key, "size(:v) = :three", {":v": {"B": b"\x01\x02\x03"}, ":three": three})
    assert holds(client, tname, key, "size(:v) = :one", {":v": UNORDERED["L"], ":one": {"N": "1"}})
    assert not holds(client, tname, key, "size(:v) > :three", {":v": {"SS": ["a", "b"]}, ":three": three})
    for type_name, v in [("N", {"N": "1"}), ("BOOL", {"BOOL": False}), ("NULL", {"NULL": True})]:
        assert condition_error(client, tname, key, "size(:v) = :one", {":v": v, ":one": {"N": "1"}}) == (
            V, f"{C}{TYPE}size, operand type: {type_name}")
    assert condition_error(client, tname, key, "size(size(s)) = :one", {":one": {"N": "1"}}) == (
        V, f"{C}{TYPE}size, operand type: N")


def test_size_of_a_number_bool_or_null_attribute_is_false(client, tname, key):
    for attr in ("n", "flag", "nul"):
        for cond in (f"size({attr}) = :one", f"size({attr}) > :one", f"size({attr}) < :big"):
            values = {":one": {"N": "1"}} if ":one" in cond else {":big": {"N": "1000"}}
            assert not holds(client, tname, key, cond, values), cond
    assert holds(client, tname, key, "size(l) = :two", {":two": {"N": "2"}})


# --------------------------------------------- function operands and contexts

def test_attribute_type_operands(client, tname, key):
    assert holds(client, tname, key, "attribute_type(:v, :t)", {":v": {"N": "1"}, ":t": {"S": "N"}})
    assert not holds(client, tname, key, "attribute_type(:v, :t)", {":v": {"S": "1"}, ":t": {"S": "N"}})
    assert holds(client, tname, key, "attribute_type(bin, :t)", {":t": {"S": "B"}})
    assert condition_error(client, tname, key, "attribute_type(n, s)") == (
        V, f"{C}{TYPE}attribute_type, operand type: {{NS,SS,L,BS,N,M,B,BOOL,NULL,S}}")
    assert condition_error(client, tname, key, "attribute_type(n, :t)", {":t": {"N": "1"}}) == (
        V, f"{C}{TYPE}attribute_type, operand type: N")
    assert condition_error(client, tname, key, "attribute_type(n, :t)", {":t": {"S": "STRING"}}) == (
        V, C + "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}")


def test_begins_with_and_contains_operands(client, tname, key):
    assert condition_error(client, tname, key, "begins_with(s, :v)", {":v": {"N": "1"}}) == (
        V, f"{C}{TYPE}begins_with, operand type: N")
    assert condition_error(client, tname, key, "begins_with(:v, s)", {":v": {"SS": ["h"]}}) == (
        V, f"{C}{TYPE}begins_with, operand type: SS")
    assert holds(client, tname, key, "begins_with(:v, s)", {":v": {"S": "hello world"}})
    # contains() takes any operand type: a set or list may hold it.
    assert holds(client, tname, key, "contains(l, :v)", {":v": {"N": "2"}})
    assert not holds(client, tname, key, "contains(l, :v)", {":v": UNORDERED["M"]})


def test_contains_on_binaries(client, tname, key):
    # bin is 01 02 ff; bs holds 01 and 02.
    assert holds(client, tname, key, "contains(bin, :v)", {":v": {"B": b"\x02\xff"}})
    assert not holds(client, tname, key, "contains(bin, :v)", {":v": {"B": b"\x03"}})
    assert holds(client, tname, key, "contains(bs, :v)", {":v": {"B": b"\x02"}})
    assert not holds(client, tname, key, "contains(bs, :v)", {":v": {"B": b"\x03"}})
    assert not holds(client, tname, key, "contains(bin, :v)", {":v": {"S": "x"}})


@pytest.mark.parametrize("cond,function", [
    ("if_not_exists(n, :v) = :v", "if_not_exists"),
    (":v < list_append(l, :l)", "list_append"),
    ("if_not_exists(n, :v)", "if_not_exists"),
    ("size(if_not_exists(s, :v)) = :v", "if_not_exists"),
])
def test_update_functions_in_a_condition(client, tname, key, cond, function):
    values = {":v": {"N": "1"}}
    if ":l" in cond:
        values[":l"] = UNORDERED["L"]
    assert condition_error(client, tname, key, cond, values) == (
        V, f"{C}The function is not allowed in a condition expression; function: {function}")


def test_functions_of_the_wrong_kind(client, tname, key):
    assert condition_error(client, tname, key, "size(s)") == (
        V, C + "The function is not allowed to be used this way in an expression; function: size")
    assert condition_error(client, tname, key, "contains(s, :v) = :b", {":v": {"S": "e"}, ":b": {"BOOL": True}}) == (
        V, C + "The function is not allowed to be used this way in an expression; function: contains")
    assert condition_error(client, tname, key, "attribute_exists(:v)", {":v": {"S": "e"}}) == (
        V, C + "Operator or function requires a document path; operator or function: attribute_exists")
    assert condition_error(client, tname, key, "attribute_exists(size(s))") == (
        V, C + "Operator or function requires a document path; operator or function: attribute_exists")


# ------------------------------------------------------- update expressions

def test_update_function_nesting(client, tname, key):
    l1, l2 = {"L": [{"S": "a"}]}, {"L": [{"S": "b"}]}
    client.update_item(TableName=tname, Key=key, UpdateExpression="SET fresh = list_append(if_not_exists(fresh, :e), :l)",
                       ExpressionAttributeValues={":e": l1, ":l": l2})
    assert get(client, tname, key)["fresh"] == {"L": [{"S": "a"}, {"S": "b"}]}
    client.update_item(TableName=tname, Key=key, UpdateExpression="SET fresh = list_append(if_not_exists(fresh, :e), :l)",
                       ExpressionAttributeValues={":e": l1, ":l": l2})
    assert get(client, tname, key)["fresh"] == {"L": [{"S": "a"}, {"S": "b"}, {"S": "b"}]}
    for expr in ("SET x = list_append(list_append(l, :a), :b)", "SET x = list_append(:a, list_append(l, :b))"):
        assert update_error(client, tname, key, expr, {":a": l1, ":b": l2}) == (
            V, U + "The function is not allowed to be used this way in an expression; function: list_append"), expr
    assert update_error(client, tname, key, "SET x = if_not_exists(if_not_exists(n, :a), :b)",
                        {":a": {"N": "1"}, ":b": {"N": "2"}}) == (
        V, U + "Operator or function requires a document path; operator or function: if_not_exists")
    assert update_error(client, tname, key, "SET x = if_not_exists(:a, :b)", {":a": {"N": "1"}, ":b": {"N": "2"}}) == (
        V, U + "Operator or function requires a document path; operator or function: if_not_exists")
    assert update_error(client, tname, key, "SET x = if_not_exists(n, :a + :b)",
                        {":a": {"N": "1"}, ":b": {"N": "2"}}) == (V, U + 'Syntax error; token: "+", near: ":a + :b"')
    client.update_item(TableName=tname, Key=key, UpdateExpression="SET y = if_not_exists(y, :a) + :b",
                       ExpressionAttributeValues={":a": {"N": "2"}, ":b": {"N": "3"}})
    assert get(client, tname, key)["y"] == {"N": "5"}


def test_unknown_and_misplaced_functions_in_updates(client, tname, key):
    assert update_error(client, tname, key, "SET a = f(b, c, d)") == (V, U + "Invalid function name; function: f")
    assert update_error(client, tname, key, "SET a = f123_hi(b)") == (V, U + "Invalid function name; function: f123_hi")
    assert update_error(client, tname, key, "SET a = size(s)") == (
        V, U + "The function is not allowed in an update expression; function: size")
    assert update_error(client, tname, key, "SET a = contains(s, :v)", {":v": {"S": "e"}}) == (
        V, U + "The function is not allowed in an update expression; function: contains")


def test_name_tokens(client, tname, key):
    for expr, near in [("SET _123 = :v", "SET _123"), ("SET _abc = :v", "SET _abc"), ("SET a = _f(b)", "= _f")]:
        assert update_error(client, tname, key, expr, {":v": {"N": "1"}} if ":v" in expr else None) == (
            V, f'{U}Syntax error; token: "_", near: "{near}"'), expr
    assert update_error(client, tname, key, "SET 123a = :v", {":v": {"N": "1"}})[0] == V
    assert update_error(client, tname, key, "SET hi-there = :v", {":v": {"N": "1"}})[0] == V
    client.update_item(TableName=tname, Key=key, UpdateExpression="SET Alpha_Numeric_123 = :v, A123_ = :v, #u = :_",
                       ExpressionAttributeNames={"#u": "_under"},
                       ExpressionAttributeValues={":v": {"N": "1"}, ":_": {"N": "2"}})
    item = get(client, tname, key)
    assert item["Alpha_Numeric_123"] == {"N": "1"} and item["A123_"] == {"N": "1"} and item["_under"] == {"N": "2"}
    with pytest.raises(ClientError) as e:
        client.get_item(TableName=tname, Key=key, ProjectionExpression="_under")
    assert err(e) == (V, 'Invalid ProjectionExpression: Syntax error; token: "_", near: "_under"')


def test_set_past_the_end_of_a_list_appends_in_index_order(client, tname, key):
    values = {":a": {"S": "a1"}, ":b": {"S": "a2"}, ":c": {"S": "a3"}, ":d": {"S": "a4"}}
    client.update_item(TableName=tname, Key=key, UpdateExpression="SET l[10] = :a",
                       ExpressionAttributeValues={":a": values[":a"]})
    assert get(client, tname, key)["l"] == {"L": [{"N": "1"}, {"N": "2"}, {"S": "a1"}]}
    client.update_item(TableName=tname, Key=key,
                       UpdateExpression="SET m.arr[84] = :a, m.arr[37] = :b, m.arr[17] = :c, m.arr[50] = :d",
                       ExpressionAttributeValues=values)
    assert get(client, tname, key)["m"]["M"]["arr"] == {
        "L": [{"N": "0"}, {"N": "1"}, {"S": "a3"}, {"S": "a2"}, {"S": "a4"}, {"S": "a1"}]}


@pytest.mark.parametrize("expr", [
    "SET s.x = :v", "SET s[0] = :v", "SET m[0] = :v", "SET l.x = :v", "SET gone.x = :v", "SET gone[1] = :v",
    "SET n.x = :v", "SET m.nope.x = :v",
    "REMOVE s.x", "REMOVE s[0]", "REMOVE m[0]", "REMOVE l.x", "REMOVE gone.x", "REMOVE gone[0]", "REMOVE l[5].x",
    "ADD s.x :v", "ADD gone.x :v",
])
def test_paths_through_a_non_container(client, tname, key, expr):
    values = {":v": {"N": "1"}} if ":v" in expr else None
    assert update_error(client, tname, key, expr, values) == (V, BAD_PATH)


def test_remove_of_missing_elements_is_a_no_op(client, tname, key):
    client.update_item(TableName=tname, Key=key, UpdateExpression="REMOVE m.nope, l[9], gone")
    assert get(client, tname, key) == {**key, **ITEM}
    # On a missing item, REMOVE through anything writes nothing.
    missing = {"pk": {"S": uuid.uuid4().hex}}
    client.update_item(TableName=tname, Key=missing, UpdateExpression="REMOVE x.y, z[0]")
    assert get(client, tname, missing) is None


def test_add_and_delete_type_errors(client, tname, key):
    wrong = "An operand in the update expression has an incorrect data type"
    assert update_error(client, tname, key, "ADD s :v", {":v": {"N": "1"}}) == (V, wrong)
    assert update_error(client, tname, key, "ADD ss :v", {":v": {"NS": ["1"]}}) == (V, wrong)
    assert update_error(client, tname, key, "ADD n :v", {":v": {"SS": ["a"]}}) == (V, wrong)
    assert update_error(client, tname, key, "DELETE s :v", {":v": {"SS": ["a"]}}) == (V, wrong)
    assert update_error(client, tname, key, "DELETE ss :v", {":v": {"NS": ["1"]}}) == (V, wrong)
    assert update_error(client, tname, key, "ADD s :v", {":v": {"S": "a"}}) == (
        V, U + "Incorrect operand type for operator or function; operator: ADD, operand type: STRING")
    assert update_error(client, tname, key, "ADD l :v", {":v": {"L": []}}) == (
        V, U + "Incorrect operand type for operator or function; operator: ADD, operand type: LIST")
    assert update_error(client, tname, key, "DELETE ss :v", {":v": {"S": "x"}}) == (
        V, U + "Incorrect operand type for operator or function; operator: DELETE, operand type: STRING")
    assert update_error(client, tname, key, "DELETE ss :v", {":v": {"N": "1"}}) == (
        V, U + "Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER")
    assert update_error(client, tname, key, "SET a = :x, a.b = :x", {":x": {"N": "1"}}) == (
        V, U + "Two document paths overlap with each other; must remove or rewrite one of these paths; "
               "path one: [a], path two: [a, b]")
    assert update_error(client, tname, key, "SET a.b = :x, a[1] = :x", {":x": {"N": "1"}}) == (
        V, U + "Two document paths conflict with each other; must remove or rewrite one of these paths; "
               "path one: [a, b], path two: [a, [1]]")


# ----------------------------------------------------- ExclusiveStartKey

@pytest.fixture(scope="module")
def hash_table(server):
    client = server.client()
    with temp_table(client, "semh") as name:
        for i in range(40):
            client.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "g": {"S": f"g{i % 4}"}})
        yield name


@pytest.fixture(scope="module")
def range_table(server):
    client = server.client()
    name = f"semr-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "g", "lsk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        LocalSecondaryIndexes=[{"IndexName": "byL", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                  {"AttributeName": "lsk", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST")
    for i in range(6):
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": f"s{i}"}, "g": {"S": "g"},
                                              "lsk": {"S": f"l{i}"}})
    yield name
    client.delete_table(TableName=name)


INVALID = "The provided starting key is invalid"
MISMATCH = INVALID + ": The provided key element does not match the schema"


def scan_error(client, **kw):
    with pytest.raises(ClientError) as e:
        client.scan(**kw)
    return err(e)


def query_error(client, **kw):
    with pytest.raises(ClientError) as e:
        client.query(**kw)
    return err(e)


def test_scan_start_key_of_a_hash_only_table(client, hash_table):
    for esk in [{"pk": {"S": "k1"}, "extra": {"S": "x"}}, {"other": {"S": "k1"}}, {"pk": {"N": "1"}}, {}]:
        assert scan_error(client, TableName=hash_table, ExclusiveStartKey=esk) == (V, MISMATCH), esk
    # A well-formed key continues after it, stored or not.
    everything = client.scan(TableName=hash_table)["Items"]
    rest = client.scan(TableName=hash_table, ExclusiveStartKey={"pk": everything[4]["pk"]})["Items"]
    assert rest == everything[5:]


def test_query_start_key_of_a_hash_only_table(client, hash_table):
    kc = dict(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "k1"}})
    for esk in [{"pk": {"S": "k1"}, "extra": {"S": "x"}}, {"other": {"S": "k1"}}, {"pk": {"N": "1"}}]:
        assert query_error(client, TableName=hash_table, ExclusiveStartKey=esk, **kc) == (V, INVALID), esk
    assert query_error(client, TableName=hash_table, ExclusiveStartKey={"pk": {"S": "k2"}}, **kc) == (
        V, "The provided starting key is outside query boundaries based on provided conditions")
    assert client.query(TableName=hash_table, ExclusiveStartKey={"pk": {"S": "k1"}}, **kc)["Count"] == 0


def test_index_start_key_shape(client, range_table):
    # A read of an index needs the table's key and the index's.
    gsi = {"pk": {"S": "p"}, "sk": {"S": "s1"}, "g": {"S": "g"}}
    assert client.scan(TableName=range_table, IndexName="byG", ExclusiveStartKey=gsi)["Count"] >= 0
    for esk in [{"g": {"S": "g"}}, {**gsi, "x": {"S": "1"}}, {"pk": {"S": "p"}, "sk": {"S": "s1"}, "x": {"S": "g"}},
                {**gsi, "g": {"N": "1"}}]:
        assert scan_error(client, TableName=range_table, IndexName="byG", ExclusiveStartKey=esk) == (V, INVALID), esk
    # The index key right, the table's key wrong.
    for esk in [{"x": {"S": "p"}, "sk": {"S": "s1"}, "g": {"S": "g"}}, {**gsi, "sk": {"N": "1"}}]:
        assert scan_error(client, TableName=range_table, IndexName="byG", ExclusiveStartKey=esk) == (V, MISMATCH), esk
    kc = dict(KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "g"}})
    assert client.query(TableName=range_table, IndexName="byG", ExclusiveStartKey=gsi, **kc)["Count"] >= 0
    assert query_error(client, TableName=range_table, IndexName="byG", ExclusiveStartKey={"g": {"S": "g"}}, **kc) == (
        V, INVALID)
    lsi = {"pk": {"S": "p"}, "sk": {"S": "s1"}, "lsk": {"S": "l1"}}
    kc = dict(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert client.query(TableName=range_table, IndexName="byL", ExclusiveStartKey=lsi, **kc)["Count"] == 4
    assert query_error(client, TableName=range_table, IndexName="byL",
                       ExclusiveStartKey={**lsi, "lsk": {"N": "1"}}, **kc) == (V, INVALID)
    assert query_error(client, TableName=range_table, IndexName="byL",
                       ExclusiveStartKey={**lsi, "sk": {"N": "1"}}, **kc) == (V, MISMATCH)


def test_parallel_scan_start_key_outside_the_segment(client, hash_table):
    seg1 = client.scan(TableName=hash_table, Segment=1, TotalSegments=2)["Items"]
    seg0 = client.scan(TableName=hash_table, Segment=0, TotalSegments=2)["Items"]
    assert seg0 and seg1
    start = {"pk": seg1[0]["pk"]}
    assert scan_error(client, TableName=hash_table, Segment=0, TotalSegments=2, ExclusiveStartKey=start) == (
        V, INVALID + ": Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
                     "TotalSegments: 2 Segment: 0")
    # Inside its own segment it continues after the key.
    rest = client.scan(TableName=hash_table, Segment=1, TotalSegments=2, ExclusiveStartKey=start)["Items"]
    assert rest == seg1[1:]
    # Pages of a parallel scan chain inside their segment.
    got, esk = [], None
    while True:
        kw = {"ExclusiveStartKey": esk} if esk else {}
        page = client.scan(TableName=hash_table, Segment=0, TotalSegments=2, Limit=3, **kw)
        got += page["Items"]
        esk = page.get("LastEvaluatedKey")
        if not esk:
            break
    assert got == seg0
