"""Query end to end: key conditions, ordering, paging, Select/projection, legacy
parameters, 1 MB pages and validation messages (compared with DynamoDB)."""

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import err, error_message, error_type, make_orders, raw_post, TARGET_PREFIX


@pytest.fixture(scope="module")
def orders(server):
    """Shared read-only orders table (pk S / sk S, 40 items in u1, 20 in u2)."""
    return make_orders(server.client(), server.resource(), "q-orders-shared")


def keys(items):
    return [i["sk"] for i in items]


def all_pages(fn, **kw):
    out, start, pages = [], None, 0
    while True:
        if start:
            kw["ExclusiveStartKey"] = start
        r = fn(**kw)
        pages += 1
        out += r["Items"]
        start = r.get("LastEvaluatedKey")
        if not start:
            return out, pages
        assert pages < 1000


# ------------------------------------------------------------ key conditions

def test_begins_with_and_between(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").begins_with("2026-01-1"))
    assert keys(r["Items"]) == [f"2026-01-1{d}" for d in range(10)]
    assert r["Count"] == 10 and r["ScannedCount"] == 10 and "LastEvaluatedKey" not in r
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").between("2026-01-05", "2026-01-09"))
    assert keys(r["Items"]) == [f"2026-01-0{d}" for d in range(5, 10)]
    # BETWEEN is inclusive on both ends; bounds absent from the data still work.
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").between("2026-01-05x", "2026-01-08"))
    assert keys(r["Items"]) == ["2026-01-06", "2026-01-07", "2026-01-08"]


@pytest.mark.parametrize("expr, expected", [
    ("sk = :v", ["2026-01-10"]),
    ("sk < :v", [f"2026-01-{d:02d}" for d in range(10)]),
    ("sk <= :v", [f"2026-01-{d:02d}" for d in range(11)]),
    ("sk > :v", [f"2026-01-{d:02d}" for d in range(11, 40)]),
    ("sk >= :v", [f"2026-01-{d:02d}" for d in range(10, 40)]),
    (":v > sk", [f"2026-01-{d:02d}" for d in range(10)]),  # value first: operator flipped
    (":v <= sk", [f"2026-01-{d:02d}" for d in range(10, 40)]),
    ("sk = :nope", []),
])
def test_sort_key_comparisons(client, orders, expr, expected):
    values = {":p": {"S": "u1"}}
    values[":nope" if ":nope" in expr else ":v"] = {"S": "2026-01-10"}
    r = client.query(TableName=orders.name, KeyConditionExpression="pk = :p AND " + expr,
                     ExpressionAttributeValues=values)
    assert [i["sk"]["S"] for i in r["Items"]] == (expected if ":nope" not in expr else ["2026-01-10"])


def test_key_condition_order_and_parentheses(client, orders):
    # Sort key condition first, redundant parentheses, names via placeholders.
    r = client.query(TableName=orders.name,
                     KeyConditionExpression="(begins_with(#s, :b)) AND (#p = :p)",
                     ExpressionAttributeNames={"#s": "sk", "#p": "pk"},
                     ExpressionAttributeValues={":p": {"S": "u2"}, ":b": {"S": "2026-01-5"}})
    assert [i["sk"]["S"] for i in r["Items"]] == [f"2026-01-5{d}" for d in range(10)]


def test_scan_index_forward_false_newest_first(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), ScanIndexForward=False, Limit=3)
    assert keys(r["Items"]) == ["2026-01-39", "2026-01-38", "2026-01-37"]
    assert r["LastEvaluatedKey"] == {"pk": "u1", "sk": "2026-01-37"}
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").lt("2026-01-05"), ScanIndexForward=False)
    assert keys(r["Items"]) == [f"2026-01-0{d}" for d in range(4, -1, -1)]


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("limit", [1, 7, 40, 41])
def test_limit_pagination_returns_everything_once(orders, forward, limit):
    items, pages = all_pages(orders.query, KeyConditionExpression=Key("pk").eq("u1"),
                             ScanIndexForward=forward, Limit=limit)
    expected = [f"2026-01-{d:02d}" for d in range(40)]
    assert keys(items) == (expected if forward else expected[::-1])
    # A page that ends exactly at the last item still carries LastEvaluatedKey
    # (DynamoDB reports it whenever Limit was reached).
    assert pages == 40 // limit + 1 if limit <= 40 else pages == 1


def test_pagination_with_sort_condition_and_filter(orders):
    items, _ = all_pages(orders.query,
                         KeyConditionExpression=Key("pk").eq("u1") & Key("sk").between("2026-01-03", "2026-01-33"),
                         FilterExpression=Attr("customer").eq("c0"), Limit=4, ScanIndexForward=False)
    assert keys(items) == [f"2026-01-{d:02d}" for d in range(33, 2, -1) if d % 3 == 0]


def test_client_paginator_walks_all_pages(client, orders):
    pages = list(client.get_paginator("query").paginate(
        TableName=orders.name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "u2"}},
        PaginationConfig={"PageSize": 6}))
    assert [len(p["Items"]) for p in pages] == [6, 6, 6, 2]
    got = [i["sk"]["S"] for p in pages for i in p["Items"]]
    assert got == [f"2026-01-{d}" for d in range(40, 60)]
    # MaxItems with a resume token.
    it = client.get_paginator("query").paginate(
        TableName=orders.name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "u2"}},
        PaginationConfig={"PageSize": 4, "MaxItems": 10}).build_full_result()
    assert len(it["Items"]) == 10 and "NextToken" in it
    rest = client.get_paginator("query").paginate(
        TableName=orders.name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "u2"}},
        PaginationConfig={"PageSize": 4, "StartingToken": it["NextToken"]}).build_full_result()
    assert [i["sk"]["S"] for i in it["Items"] + rest["Items"]] == got


def test_resource_api_key_and_attr_conditions(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").gte("2026-01-30"),
                     FilterExpression=Attr("status").not_exists() & Attr("amount").gt(10))
    for i in r["Items"]:
        assert "status" not in i and i["amount"] > 10 and i["sk"] >= "2026-01-30"
    assert isinstance(r["Items"][0]["amount"], Decimal)
    exp = [f"2026-01-{d}" for d in range(30, 40) if d % 4 and (d * 7) % 50 > 10]
    assert keys(r["Items"]) == exp
    assert r["ScannedCount"] == 10 and r["Count"] == len(exp)


# ----------------------------------------------------- Limit, Select, projections

def test_limit_counts_items_evaluated_before_filter(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), FilterExpression=Attr("status").exists(), Limit=8)
    assert r["ScannedCount"] == 8 and r["Count"] == 2
    assert keys(r["Items"]) == ["2026-01-00", "2026-01-04"]
    assert r["LastEvaluatedKey"] == {"pk": "u1", "sk": "2026-01-07"}
    # A page whose items were all filtered out is empty but still has a LastEvaluatedKey.
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), FilterExpression=Attr("status").exists(), Limit=3,
                     ExclusiveStartKey={"pk": "u1", "sk": "2026-01-00"})
    assert r["Items"] == [] and r["Count"] == 0 and r["ScannedCount"] == 3
    assert r["LastEvaluatedKey"] == {"pk": "u1", "sk": "2026-01-03"}
    # Without Limit: whole partition scanned, few returned.
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), FilterExpression=Attr("status").exists())
    assert r["ScannedCount"] == 40 and r["Count"] == 10 and "LastEvaluatedKey" not in r


def test_select_count(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), Select="COUNT")
    assert r["Count"] == 40 and r["ScannedCount"] == 40 and "Items" not in r
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), Select="COUNT", Limit=5,
                     FilterExpression=Attr("customer").eq("c1"))
    assert "Items" not in r and r["ScannedCount"] == 5 and r["Count"] == 2 and "LastEvaluatedKey" in r


def test_select_all_attributes_and_specific(client, orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").eq("2026-01-04"), Select="ALL_ATTRIBUTES")
    assert r["Items"] == [{"pk": "u1", "sk": "2026-01-04", "amount": 28, "customer": "c1", "note": "n4",
                           "big": "x" * 100, "status": "open"}]
    r = client.query(TableName=orders.name, KeyConditionExpression="pk = :p AND sk = :s",
                     ExpressionAttributeValues={":p": {"S": "u1"}, ":s": {"S": "2026-01-04"}},
                     Select="SPECIFIC_ATTRIBUTES", ProjectionExpression="note, #a, absent_attr",
                     ExpressionAttributeNames={"#a": "amount"})
    assert r["Items"] == [{"note": {"S": "n4"}, "amount": {"N": "28"}}]


def test_projection_expression_and_attributes_to_get(client, orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), ProjectionExpression="sk, amount", Limit=2)
    assert r["Items"] == [{"sk": "2026-01-00", "amount": 0}, {"sk": "2026-01-01", "amount": 7}]
    # Legacy: AttributesToGet with KeyConditions.
    r = client.query(TableName=orders.name, AttributesToGet=["note", "pk"],
                     KeyConditions={"pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"},
                                    "sk": {"AttributeValueList": [{"S": "2026-01-0"}],
                                           "ComparisonOperator": "BEGINS_WITH"}})
    assert r["Count"] == 10
    assert r["Items"][3] == {"pk": {"S": "u1"}, "note": {"S": "n3"}}


def test_legacy_key_conditions_between_and_query_filter_or(client, orders):
    kc = {"pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"},
          "sk": {"AttributeValueList": [{"S": "2026-01-10"}, {"S": "2026-01-19"}], "ComparisonOperator": "BETWEEN"}}
    r = client.query(TableName=orders.name, KeyConditions=kc, ScanIndexForward=False)
    assert [i["sk"]["S"] for i in r["Items"]] == [f"2026-01-{d}" for d in range(19, 9, -1)]
    qf = {"customer": {"AttributeValueList": [{"S": "c0"}], "ComparisonOperator": "EQ"},
          "status": {"ComparisonOperator": "NOT_NULL"}}
    r = client.query(TableName=orders.name, KeyConditions=kc, QueryFilter=qf, ConditionalOperator="OR")
    exp = [f"2026-01-{d}" for d in range(10, 20) if d % 3 == 0 or d % 4 == 0]
    assert [i["sk"]["S"] for i in r["Items"]] == exp and r["ScannedCount"] == 10
    r = client.query(TableName=orders.name, KeyConditions=kc, QueryFilter=qf)  # AND by default
    assert [i["sk"]["S"] for i in r["Items"]] == ["2026-01-12"]
    for op, vals, exp in [("LT", ["2026-01-02"], ["2026-01-00", "2026-01-01"]),
                          ("GE", ["2026-01-38"], ["2026-01-38", "2026-01-39"]),
                          ("EQ", ["2026-01-07"], ["2026-01-07"])]:
        r = client.query(TableName=orders.name, KeyConditions={
            "pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"},
            "sk": {"AttributeValueList": [{"S": v} for v in vals], "ComparisonOperator": op}})
        assert [i["sk"]["S"] for i in r["Items"]] == exp, op


def test_legacy_key_conditions_hash_only(client, orders):
    r = client.query(TableName=orders.name, Select="COUNT",
                     KeyConditions={"pk": {"AttributeValueList": [{"S": "u2"}], "ComparisonOperator": "EQ"}})
    assert r["Count"] == 20


# ------------------------------------------------------- sort key type ordering

def _typed_table(client, name, sk_type):
    client.create_table(TableName=name,
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "sk", "AttributeType": sk_type}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "sk", "KeyType": "RANGE"}],
                        BillingMode="PAY_PER_REQUEST")


NUMBERS = ["100", "2", "10", "-5", "-10", "0", "3.14", "-0.5", "1e3", "99.999", "0.001", "-1E-2", "12345678901234567890"]


def test_number_sort_keys_are_ordered_numerically(client, table_name):
    name = table_name("nums")
    _typed_table(client, name, "N")
    for n in NUMBERS:
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": n}})
    expected = sorted(NUMBERS, key=Decimal)
    r = client.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [Decimal(i["sk"]["N"]) for i in r["Items"]] == [Decimal(n) for n in expected]
    r = client.query(TableName=name, KeyConditionExpression="pk = :p", ScanIndexForward=False,
                     ExpressionAttributeValues={":p": {"S": "p"}})
    assert [Decimal(i["sk"]["N"]) for i in r["Items"]] == [Decimal(n) for n in reversed(expected)]
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "-1"}, ":b": {"N": "10"}})
    assert [Decimal(i["sk"]["N"]) for i in r["Items"]] == [Decimal(x) for x in
                                                            ["-0.5", "-0.01", "0", "0.001", "2", "3.14", "10"]]
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND sk > :a",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "99.999"}})
    assert [Decimal(i["sk"]["N"]) for i in r["Items"]] == [Decimal(100), Decimal(1000), Decimal("12345678901234567890")]
    # Equal numbers spelled differently are the same key.
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND sk = :a",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "1000.00"}})
    assert r["Count"] == 1
    # Paging by numeric keys round-trips.
    got, start = [], None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        r = client.query(TableName=name, KeyConditionExpression="pk = :p", Limit=2,
                         ExpressionAttributeValues={":p": {"S": "p"}}, **kw)
        got += [Decimal(i["sk"]["N"]) for i in r["Items"]]
        start = r.get("LastEvaluatedKey")
        if not start:
            break
    assert got == [Decimal(n) for n in expected]


def test_string_sort_keys_are_ordered_bytewise(client, table_name):
    name = table_name("strs")
    _typed_table(client, name, "S")
    values = ["a", "B", "b", "aa", "Z", "é", "z", "0", "~", "a b", "\u00ff", "\u4e2d", "\U0001F600"]
    for v in values:
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": v}})
    r = client.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["S"] for i in r["Items"]] == sorted(values, key=lambda s: s.encode("utf-8"))
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":b": {"S": "a"}})
    assert [i["sk"]["S"] for i in r["Items"]] == ["a", "a b", "aa"]


def test_binary_sort_keys_are_ordered_bytewise(client, table_name):
    name = table_name("bins")
    _typed_table(client, name, "B")
    values = [b"\x00", b"\x01", b"\x7f", b"\x80", b"\xff", b"\x00\x00", b"\x80\x01", b"a", b"ab"]
    for v in values:
        client.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"B": v}})
    r = client.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["B"] for i in r["Items"]] == sorted(values)
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":b": {"B": b"\x80"}})
    assert [i["sk"]["B"] for i in r["Items"]] == [b"\x80", b"\x80\x01"]
    r = client.query(TableName=name, KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
                     ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"B": b"\x01"}, ":b": {"B": b"\x80"}})
    assert [i["sk"]["B"] for i in r["Items"]] == [b"\x01", b"a", b"ab", b"\x7f", b"\x80"]


def test_hash_only_table_query(client, table_name):
    name = table_name("hash")
    client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "N"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    client.put_item(TableName=name, Item={"id": {"N": "5"}, "v": {"S": "x"}})
    r = client.query(TableName=name, KeyConditionExpression="id = :i", ExpressionAttributeValues={":i": {"N": "5.0"}})
    assert r["Items"] == [{"id": {"N": "5"}, "v": {"S": "x"}}]
    r = client.query(TableName=name, KeyConditionExpression="id = :i", ExpressionAttributeValues={":i": {"N": "6"}})
    assert r["Items"] == [] and r["Count"] == 0 and r["ScannedCount"] == 0


# ------------------------------------------------------------------ 1 MB pages

def test_one_megabyte_pages(client, resource, table_name):
    name = table_name("big")
    _typed_table(client, name, "N")
    t = resource.Table(name)
    blob = "y" * 80_000
    with t.batch_writer() as b:
        for i in range(40):
            b.put_item(Item={"pk": "p", "sk": i, "blob": blob})
        b.put_item(Item={"pk": "other", "sk": 0, "blob": "small"})
    r = t.query(KeyConditionExpression=Key("pk").eq("p"))
    assert "LastEvaluatedKey" in r
    # The page holds about 1 MB: it stops at the item that reaches 1 MB.
    page_bytes = sum(len(i["blob"]) + 8 for i in r["Items"])
    assert 1024 * 1024 - 80_000 <= page_bytes <= 1024 * 1024 + 80_000, page_bytes
    assert r["Count"] == r["ScannedCount"] == len(r["Items"])
    assert r["LastEvaluatedKey"] == {"pk": "p", "sk": r["Items"][-1]["sk"]}
    items, pages = all_pages(t.query, KeyConditionExpression=Key("pk").eq("p"))
    assert [int(i["sk"]) for i in items] == list(range(40)) and pages >= 3
    # Backwards too.
    items, _ = all_pages(t.query, KeyConditionExpression=Key("pk").eq("p"), ScanIndexForward=False)
    assert [int(i["sk"]) for i in items] == list(range(39, -1, -1))
    # The 1 MB limit counts items read, even when a filter drops them all.
    r = t.query(KeyConditionExpression=Key("pk").eq("p"), FilterExpression=Attr("blob").eq("nothing"))
    assert r["Count"] == 0 and 10 <= r["ScannedCount"] < 40 and "LastEvaluatedKey" in r
    # Select COUNT pages the same way.
    r = t.query(KeyConditionExpression=Key("pk").eq("p"), Select="COUNT")
    assert r["Count"] < 40 and "LastEvaluatedKey" in r
    # A projection still pages by the full item size.
    r = t.query(KeyConditionExpression=Key("pk").eq("p"), ProjectionExpression="sk")
    assert r["Count"] < 40 and "LastEvaluatedKey" in r


# ------------------------------------------------------------------ validation

def q_error(client, **kw):
    with pytest.raises(ClientError) as e:
        client.query(**kw)
    return err(e)


def test_key_condition_validation_messages(client, orders):
    n = orders.name
    V = "ValidationException"
    p = {":p": {"S": "u1"}}
    cases = [
        (dict(KeyConditionExpression="pk = :p OR sk = :s", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Invalid operator used in KeyConditionExpression: OR"),
        (dict(KeyConditionExpression="pk = :p AND NOT sk = :s", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Invalid operator used in KeyConditionExpression: NOT"),
        (dict(KeyConditionExpression="pk = :p AND sk IN (:s)", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Invalid operator used in KeyConditionExpression: IN"),
        (dict(KeyConditionExpression="pk = :p AND sk <> :s", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Invalid operator used in KeyConditionExpression: <>"),
        (dict(KeyConditionExpression="pk = :p AND attribute_exists(sk)", ExpressionAttributeValues=p),
         "Invalid operator used in KeyConditionExpression: attribute_exists"),
        (dict(KeyConditionExpression="pk = :p AND contains(sk, :s)", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Invalid operator used in KeyConditionExpression: contains"),
        (dict(KeyConditionExpression="sk = :s", ExpressionAttributeValues={":s": {"S": "a"}}),
         "Query condition missed key schema element: pk"),
        (dict(KeyConditionExpression="pk > :p", ExpressionAttributeValues=p), "Query key condition not supported"),
        (dict(KeyConditionExpression="begins_with(pk, :p)", ExpressionAttributeValues=p),
         "Query key condition not supported"),
        (dict(KeyConditionExpression="pk = :p AND note = :s", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "Query condition missed key schema element: sk"),
        (dict(KeyConditionExpression="pk = :p AND pk = :p", ExpressionAttributeValues=p),
         "KeyConditionExpressions must only contain one condition per key"),
        (dict(KeyConditionExpression="pk = :p AND sk > :s AND sk < :s", ExpressionAttributeValues={**p, ":s": {"S": "a"}}),
         "KeyConditionExpressions must only contain one condition per key"),
        (dict(KeyConditionExpression="pk = :n", ExpressionAttributeValues={":n": {"N": "1"}}),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        (dict(KeyConditionExpression="pk = :p AND sk = :n", ExpressionAttributeValues={**p, ":n": {"N": "1"}}),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        (dict(KeyConditionExpression="pk = :p AND sk BETWEEN :m AND :n",
              ExpressionAttributeValues={**p, ":m": {"N": "0"}, ":n": {"N": "1"}}),
         "One or more parameter values were invalid: Condition parameter type does not match schema type"),
        (dict(KeyConditionExpression="pk = :p AND sk BETWEEN :s AND :n",
              ExpressionAttributeValues={**p, ":s": {"S": "a"}, ":n": {"N": "1"}}),
         "Invalid KeyConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; "
         "lower bound operand: AttributeValue: {S:a}, upper bound operand: AttributeValue: {N:1}"),
        (dict(KeyConditionExpression="pk.x = :p", ExpressionAttributeValues=p),
         "KeyConditionExpressions cannot have conditions on nested attributes"),
    ]
    for kw, message in cases:
        assert q_error(client, TableName=n, **kw) == (V, message), kw


def test_key_condition_begins_with_on_number_sort_key(client, orders):
    code, message = q_error(client, TableName=orders.name, IndexName="byAmount",
                            KeyConditionExpression="pk = :p AND begins_with(amount, :a)",
                            ExpressionAttributeValues={":p": {"S": "u1"}, ":a": {"N": "1"}})
    assert code == "ValidationException"
    assert message == ("Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                       "operator or function: begins_with, operand type: N")


def test_between_bounds_out_of_order(client, orders):
    code, message = q_error(client, TableName=orders.name, KeyConditionExpression="pk = :p AND sk BETWEEN :b AND :a",
                            ExpressionAttributeValues={":p": {"S": "u1"}, ":a": {"S": "a"}, ":b": {"S": "b"}})
    assert code == "ValidationException"
    assert message.startswith("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be "
                              "greater than or equal to lower bound")


def test_request_level_validation(client, orders):
    n = orders.name
    V = "ValidationException"
    p = {":p": {"S": "u1"}}
    kc = dict(TableName=n, KeyConditionExpression="pk = :p", ExpressionAttributeValues=p)
    legacy_kc = {"pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"}}
    assert q_error(client, TableName=n) == (
        V, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
    code, message = q_error(client, **kc, QueryFilter={"note": {"ComparisonOperator": "NOT_NULL"}})
    assert code == V and message == (
        "Can not use both expression and non-expression parameters in the same request: "
        "Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}")
    code, message = q_error(client, **kc, AttributesToGet=["note"])
    assert code == V and message.startswith("Can not use both expression and non-expression parameters")
    # KeyConditions mixes only with KeyConditionExpression (test_legacy.py).
    assert client.query(TableName=n, ExpressionAttributeValues=p, FilterExpression="note = :p",
                        KeyConditions=legacy_kc)["Count"] == 0
    # Select against projections (Query reports these as a one-item constraint list).
    assert q_error(client, **kc, Select="ALL_ATTRIBUTES", ProjectionExpression="note") == (
        V, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")
    assert q_error(client, **kc, Select="COUNT", ProjectionExpression="note") == (
        V, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count")
    assert q_error(client, TableName=n, Select="ALL_ATTRIBUTES", AttributesToGet=["note"], KeyConditions=legacy_kc) == (
        V, "1 validation error detected: Cannot specify the AttributesToGet when choosing to get ALL_ATTRIBUTES")
    assert q_error(client, TableName=n, Select="COUNT", AttributesToGet=["note"], KeyConditions=legacy_kc) == (
        V, "1 validation error detected: Cannot specify the AttributesToGet when choosing to get only the Count")
    assert q_error(client, **kc, Select="ALL_PROJECTED_ATTRIBUTES") == (
        V, "1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    assert q_error(client, **kc, Select="SPECIFIC_ATTRIBUTES") == (
        V, "1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when choosing to "
           "get SPECIFIC_ATTRIBUTES")
    # Both rules broken: the projection one is reported.
    assert q_error(client, **kc, Select="ALL_PROJECTED_ATTRIBUTES", ProjectionExpression="note") == (
        V, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get "
           "ALL_PROJECTED_ATTRIBUTES")
    # Unused / undefined placeholders.
    code, message = q_error(client, TableName=n, KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={**p, ":unused": {"S": "x"}})
    assert code == V and message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"
    code, message = q_error(client, TableName=n, KeyConditionExpression="pk = :q", ExpressionAttributeValues=p)
    assert code == V and message == (
        "Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :q")


def test_hash_only_key_condition_messages(client, table_name):
    name = table_name("hq")
    client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    V = "ValidationException"
    a = {":a": {"S": "1"}}
    for expr in ["id = :a AND attr1 = :a", "x = :a AND y = :a", "id > :a", ":a >= id", "begins_with(id, :a)",
                 "id BETWEEN :a AND :a"]:
        assert q_error(client, TableName=name, KeyConditionExpression=expr, ExpressionAttributeValues=a) == (
            V, "Query key condition not supported"), expr
    assert q_error(client, TableName=name, KeyConditionExpression="attr1 = :a", ExpressionAttributeValues=a) == (
        V, "Query condition missed key schema element: id")
    assert q_error(client, TableName=name, KeyConditions={
        "id": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"},
        "b": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"}}) == (
        V, "Query key condition not supported")


def test_legacy_key_conditions_validation(client, orders):
    n = orders.name
    V = "ValidationException"
    eq = {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"}
    assert q_error(client, TableName=n, KeyConditions={
        "pk": eq, "sk": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "NE"}}) == (
        V, "Attempted conditional constraint is not an indexable operation")
    assert q_error(client, TableName=n, KeyConditions={
        "pk": eq, "sk": {"ComparisonOperator": "NOT_NULL"}}) == (
        V, "Attempted conditional constraint is not an indexable operation")
    assert q_error(client, TableName=n, KeyConditions={
        "sk": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"}}) == (
        V, "Query condition missed key schema element: pk")
    assert q_error(client, TableName=n, KeyConditions={
        "pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "GT"}}) == (
        V, "Query key condition not supported")
    assert q_error(client, TableName=n, KeyConditions={
        "pk": eq, "sk": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"},
        "note": {"AttributeValueList": [{"S": "a"}], "ComparisonOperator": "EQ"}}) == (
        V, "Conditions can be of length 1 or 2 only")
    assert q_error(client, TableName=n, KeyConditions={
        "pk": {"AttributeValueList": [{"N": "1"}], "ComparisonOperator": "EQ"}}) == (
        V, "One or more parameter values were invalid: Condition parameter type does not match schema type")


def test_exclusive_start_key_validation(client, orders):
    n = orders.name
    V = "ValidationException"
    p = {":p": {"S": "u1"}}
    for esk in [{"pk": {"S": "u1"}},
                {"pk": {"S": "u1"}, "sk": {"N": "1"}},
                {"pk": {"S": "u1"}, "other": {"S": "1"}},
                {"pk": {"S": "u1"}, "sk": {"S": "a"}, "note": {"S": "x"}}]:
        code, message = q_error(client, TableName=n, KeyConditionExpression="pk = :p", ExpressionAttributeValues=p,
                                ExclusiveStartKey=esk)
        assert code == V and (message.startswith("The provided starting key is invalid")
                              or message == "The provided key element does not match the schema"), esk
    # A start key from another partition.
    assert q_error(client, TableName=n, KeyConditionExpression="pk = :p", ExpressionAttributeValues=p,
                   ExclusiveStartKey={"pk": {"S": "u2"}, "sk": {"S": "2026-01-41"}}) == (
        V, "The provided starting key is outside query boundaries based on provided conditions")
    # A start key outside the sort key condition.
    for cond, vals in [("sk > :s", {":s": {"S": "2026-01-20"}}),
                       ("sk <= :s", {":s": {"S": "2026-01-01"}}),
                       ("begins_with(sk, :s)", {":s": {"S": "2026-01-2"}}),
                       ("sk BETWEEN :s AND :t", {":s": {"S": "2026-01-10"}, ":t": {"S": "2026-01-12"}})]:
        assert q_error(client, TableName=n, KeyConditionExpression="pk = :p AND " + cond,
                       ExpressionAttributeValues={**p, **vals},
                       ExclusiveStartKey={"pk": {"S": "u1"}, "sk": {"S": "2026-01-05"}}) == (
            V, "The provided starting key does not match the range key predicate"), cond
    # The range predicate is reported before the partition mismatch.
    assert q_error(client, TableName=n, KeyConditionExpression="pk = :p AND sk > :s",
                   ExpressionAttributeValues={**p, ":s": {"S": "2026-01-20"}},
                   ExclusiveStartKey={"pk": {"S": "u2"}, "sk": {"S": "2026-01-05"}}) == (
        V, "The provided starting key does not match the range key predicate")
    # A start key that is in range but not present is fine: continue after it.
    r = client.query(TableName=n, KeyConditionExpression="pk = :p", ExpressionAttributeValues=p,
                     ExclusiveStartKey={"pk": {"S": "u1"}, "sk": {"S": "2026-01-35x"}})
    assert [i["sk"]["S"] for i in r["Items"]] == [f"2026-01-{d}" for d in range(36, 40)]
    r = client.query(TableName=n, KeyConditionExpression="pk = :p AND begins_with(sk, :b)", ScanIndexForward=False,
                     ExpressionAttributeValues={**p, ":b": {"S": "2026-01-1"}},
                     ExclusiveStartKey={"pk": {"S": "u1"}, "sk": {"S": "2026-01-15"}})
    assert [i["sk"]["S"] for i in r["Items"]] == [f"2026-01-1{d}" for d in range(4, -1, -1)]


def test_limit_zero_and_bad_types_raw(server, orders):
    status, _, body = raw_post(server.url, TARGET_PREFIX + "Query", {
        "TableName": orders.name, "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "u1"}}, "Limit": 0})
    assert status == 400 and error_type(body) == "ValidationException"
    assert error_message(body) == ("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                                   "Member must have value greater than or equal to 1")
    status, _, body = raw_post(server.url, TARGET_PREFIX + "Query", {
        "TableName": orders.name, "KeyConditionExpression": "pk = :p",
        "ExpressionAttributeValues": {":p": {"S": "u1"}}, "Select": "SOME"})
    assert status == 400 and error_type(body) == "ValidationException"
    assert "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]" \
        in error_message(body)


def test_missing_table(client):
    code, message = q_error(client, TableName="no-such-table-q", KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": {"S": "x"}})
    assert code == "ResourceNotFoundException"
    assert message == "Requested resource not found"


def test_filter_may_not_name_key_attributes(client, orders):
    V = "ValidationException"
    p = {":p": {"S": "u1"}, ":s": {"S": "x"}}
    for f, attr in [("sk = :s", "sk"), ("pk = :s", "pk"), ("note = :s AND begins_with(sk, :s)", "sk"),
                    ("size(pk) > :n", "pk")]:
        vals = {":p": p[":p"], **({":s": p[":s"]} if ":s" in f else {}), **({":n": {"N": "1"}} if ":n" in f else {})}
        assert q_error(client, TableName=orders.name, KeyConditionExpression="pk = :p", FilterExpression=f,
                       ExpressionAttributeValues=vals) == (
            V, f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {attr}"), f
    assert q_error(client, TableName=orders.name,
                   KeyConditions={"pk": {"AttributeValueList": [{"S": "u1"}], "ComparisonOperator": "EQ"}},
                   QueryFilter={"sk": {"AttributeValueList": [{"S": "x"}], "ComparisonOperator": "GT"}}) == (
        V, "QueryFilter can only contain non-primary key attributes: Primary key attribute: sk")
    # On an index only the index's own key attributes are off limits.
    assert q_error(client, TableName=orders.name, IndexName="byAmount", KeyConditionExpression="pk = :p",
                   FilterExpression="amount > :n", ExpressionAttributeValues={":p": {"S": "u1"}, ":n": {"N": "1"}}) == (
        V, "Filter Expression can only contain non-primary key attributes: Primary key attribute: amount")
    r = client.query(TableName=orders.name, IndexName="byAmount", KeyConditionExpression="pk = :p",
                     FilterExpression="sk = :s", ExpressionAttributeValues={":p": {"S": "u1"}, ":s": {"S": "2026-01-07"}})
    assert [i["sk"]["S"] for i in r["Items"]] == ["2026-01-07"]
    # Scan filters may name keys.
    r = client.scan(TableName=orders.name, FilterExpression="pk = :p AND sk = :s",
                    ExpressionAttributeValues={":p": {"S": "u1"}, ":s": {"S": "2026-01-07"}})
    assert r["Count"] == 1
