"""Multi-attribute GSI keys (DynamoDB's November 2025 feature): a GSI's
KeySchema with up to 4 HASH and up to 4 RANGE attributes.

CreateTable / UpdateTable validation, DescribeTable, index upkeep and sparse
entries, Query (equality on every HASH attribute, then a left prefix of the
RANGE attributes with the range condition last), ordering across the RANGE
attributes, pagination, Scan, the errors of misuse, PartiQL's refusal,
persistence across a restart, backups, and the AWS CLI."""

import json
import os
import subprocess
import time

import pytest

from conftest import AWS_CLI, rejected
from test_backups import wait_backup


def attrs(*pairs):
    return [{"AttributeName": n, "AttributeType": t} for n, t in pairs]


def gsi(name, hashes, ranges=(), projection="ALL", non_key=None):
    ks = [{"AttributeName": h, "KeyType": "HASH"} for h in hashes]
    ks += [{"AttributeName": r, "KeyType": "RANGE"} for r in ranges]
    p = {"ProjectionType": projection}
    if non_key:
        p["NonKeyAttributes"] = non_key
    return {"IndexName": name, "KeySchema": ks, "Projection": p}


def create(client, name, defs, indexes, table_keys=(("p", "HASH"),), lsis=None):
    kw = dict(TableName=name, AttributeDefinitions=attrs(*defs),
              KeySchema=[{"AttributeName": n, "KeyType": t} for n, t in table_keys],
              GlobalSecondaryIndexes=indexes, BillingMode="PAY_PER_REQUEST")
    if lsis:
        kw["LocalSecondaryIndexes"] = lsis
    return client.create_table(**kw)


# One table for the read tests: index "g" has HASH (h1 S, h2 N) and RANGE
# (r1 N, r2 S, r3 B); index "k" is KEYS_ONLY with HASH (h1, h2) only.
DEFS = (("p", "S"), ("h1", "S"), ("h2", "N"), ("r1", "N"), ("r2", "S"), ("r3", "B"))


@pytest.fixture(scope="module")
def table(server):
    c = server.client()
    name = "mgsi-main"
    create(c, name, DEFS, [gsi("gsi", ["h1", "h2"], ["r1", "r2", "r3"]),
                           gsi("keys", ["h1", "h2"], projection="KEYS_ONLY")])
    rows = [
        # p, h1, h2, r1, r2, r3
        ("i01", "a", 1, 10, "x", b"\x01"),
        ("i02", "a", 1, 10, "x", b"\x00\x02"),
        ("i03", "a", 1, 10, "y", b"\x00"),
        ("i04", "a", 1, 9, "zz", b"\xff"),
        ("i05", "a", 1, 100, "a", b"\x01"),
        ("i06", "a", 1, -5, "m", b"\x01"),
        ("i07", "a", 1, 10, "xa", b"\x01"),
        ("i08", "a", 1, 10.5, "", None),   # no r2, no r3: only in index k
        ("i09", "a", 2, 10, "x", b"\x01"),  # another partition (h2)
        ("i10", "b", 1, 10, "x", b"\x01"),  # another partition (h1)
    ]
    for p, h1, h2, r1, r2, r3 in rows:
        item = {"p": {"S": p}, "h1": {"S": h1}, "h2": {"N": str(h2)}, "r1": {"N": str(r1)}, "xtra": {"S": p + "-o"}}
        if r2:
            item["r2"] = {"S": r2}
        if r3 is not None:
            item["r3"] = {"B": r3}
        c.put_item(TableName=name, Item=item)
    return name


def q(client, table, kce, values, index="gsi", **kw):
    """Query `index` with the values of `values` that `kce` uses (unless kw
    gives ExpressionAttributeValues itself)."""
    kw.setdefault("ExpressionAttributeValues", {k: v for k, v in values.items() if k in kce})
    return client.query(TableName=table, IndexName=index, KeyConditionExpression=kce, **kw)


def pks(resp):
    return [i["p"]["S"] for i in resp["Items"]]


V = {":h1": {"S": "a"}, ":h2": {"N": "1"}, ":r1": {"N": "10"}, ":r2": {"S": "x"}, ":r3": {"B": b"\x01"},
     ":lo": {"N": "9"}, ":hi": {"N": "10"}, ":pre": {"S": "x"}, ":n": {"N": "1"}}


# ---- CreateTable, DescribeTable ------------------------------------------------

def test_describe_lists_every_key_attribute_in_order(client, table):
    t = client.describe_table(TableName=table)["Table"]
    g = {i["IndexName"]: i for i in t["GlobalSecondaryIndexes"]}
    assert g["gsi"]["KeySchema"] == [
        {"AttributeName": "h1", "KeyType": "HASH"}, {"AttributeName": "h2", "KeyType": "HASH"},
        {"AttributeName": "r1", "KeyType": "RANGE"}, {"AttributeName": "r2", "KeyType": "RANGE"},
        {"AttributeName": "r3", "KeyType": "RANGE"}]
    assert g["keys"]["KeySchema"] == [{"AttributeName": "h1", "KeyType": "HASH"},
                                   {"AttributeName": "h2", "KeyType": "HASH"}]
    assert g["keys"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    # i01..i07, i09 and i10 are in g (i08 lacks r2 and r3); all ten are in k.
    assert g["gsi"]["ItemCount"] == 9
    assert g["keys"]["ItemCount"] == 10


def test_create_table_response_and_four_by_four(client, table_name):
    name = table_name()
    defs = [("p", "S")] + [(f"h{i}", "S") for i in range(4)] + [(f"r{i}", "N") for i in range(4)]
    r = create(client, name, defs, [gsi("gsi4", [f"h{i}" for i in range(4)], [f"r{i}" for i in range(4)])])
    ks = r["TableDescription"]["GlobalSecondaryIndexes"][0]["KeySchema"]
    assert [k["KeyType"] for k in ks] == ["HASH"] * 4 + ["RANGE"] * 4
    assert [k["AttributeName"] for k in ks] == [f"h{i}" for i in range(4)] + [f"r{i}" for i in range(4)]
    item = {"p": {"S": "x"}, **{f"h{i}": {"S": f"v{i}"} for i in range(4)}, **{f"r{i}": {"N": str(i)} for i in range(4)}}
    client.put_item(TableName=name, Item=item)
    r = client.query(TableName=name, IndexName="gsi4",
                     KeyConditionExpression="h0 = :a AND h1 = :b AND h2 = :c AND h3 = :d AND r0 = :e AND r1 = :f "
                                            "AND r2 = :g AND r3 BETWEEN :h AND :i",
                     ExpressionAttributeValues={":a": {"S": "v0"}, ":b": {"S": "v1"}, ":c": {"S": "v2"},
                                                ":d": {"S": "v3"}, ":e": {"N": "0"}, ":f": {"N": "1"},
                                                ":g": {"N": "2"}, ":h": {"N": "3"}, ":i": {"N": "3"}})
    assert r["Count"] == 1
    client.delete_table(TableName=name)


@pytest.mark.parametrize("ks,message", [
    ([("a", "HASH"), ("b", "HASH"), ("c", "HASH"), ("d", "HASH"), ("e", "HASH")],
     "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key attributes"),
    ([("a", "HASH"), ("b", "RANGE"), ("c", "RANGE"), ("d", "RANGE"), ("e", "RANGE"), ("f", "RANGE")],
     "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of RANGE key attributes"),
    ([("a", "RANGE"), ("b", "HASH")], "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ([("a", "RANGE"), ("b", "RANGE")], "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ([("a", "HASH"), ("b", "RANGE"), ("c", "HASH")],
     "One or more parameter values were invalid: All HASH key attributes must precede RANGE key attributes in the KeySchema"),
    ([("a", "HASH"), ("a", "HASH")], "The KeySchema contains multiple key attributes with the same name"),
    ([("a", "HASH"), ("b", "HASH"), ("a", "RANGE")], "The KeySchema contains multiple key attributes with the same name"),
    ([("a", "HASH"), ("b", "RANGE")], None),  # control: single-attribute key
])
def test_gsi_key_schema_validation(client, table_name, ks, message):
    defs = [("p", "S")] + [(n, "S") for n in "abcdef"]
    index = {"IndexName": "gsi", "KeySchema": [{"AttributeName": n, "KeyType": t} for n, t in ks],
             "Projection": {"ProjectionType": "ALL"}}
    used = {n for n, _ in ks}
    defs = [d for d in defs if d[0] == "p" or d[0] in used]
    name = table_name()
    if message is None:
        create(client, name, defs, [index])
        client.delete_table(TableName=name)
        return
    assert rejected(create, client=client, name=name, defs=defs, indexes=[index]) == message
    assert name not in client.list_tables()["TableNames"]


def test_gsi_key_attribute_must_be_defined(client, table_name):
    msg = rejected(create, client=client, name=table_name(), defs=[("p", "S"), ("a", "S")],
                   indexes=[gsi("gsi", ["a", "b"])])
    assert msg == ("One or more parameter values were invalid: Some index key attributes are not defined in "
                   "AttributeDefinitions. Keys: [a, b], AttributeDefinitions: [p, a]")


def test_table_and_lsi_keys_stay_single_attribute(client, table_name):
    three = [{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "s", "KeyType": "RANGE"},
             {"AttributeName": "t", "KeyType": "RANGE"}]
    msg = rejected(client.create_table, TableName=table_name(), BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=attrs(("p", "S"), ("s", "S"), ("t", "S")), KeySchema=three)
    assert "Member must have length less than or equal to 2" in msg
    msg = rejected(client.create_table, TableName=table_name(), BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=attrs(("p", "S"), ("s", "S"), ("t", "S")),
                   KeySchema=three[:2],
                   LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": [three[0], three[2], three[1]],
                                           "Projection": {"ProjectionType": "ALL"}}])
    assert "localSecondaryIndexes.1.member.keySchema" in msg
    assert "Member must have length less than or equal to 2" in msg
    msg = rejected(client.create_table, TableName=table_name(), BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=attrs(("p", "S"), ("q", "S")),
                   KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}, {"AttributeName": "q", "KeyType": "HASH"}])
    assert msg == "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type"


def test_update_table_creates_a_multi_attribute_gsi_with_backfill(client, table_name):
    name = table_name()
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(("p", "S")),
                        KeySchema=[{"AttributeName": "p", "KeyType": "HASH"}])
    for i in range(6):
        item = {"p": {"S": f"i{i}"}, "a": {"S": "A"}, "b": {"N": str(i % 2)}, "c": {"S": f"c{5 - i}"}}
        if i == 5:
            del item["c"]
        client.put_item(TableName=name, Item=item)
    msg = rejected(client.update_table, TableName=name,
                   AttributeDefinitions=attrs(("a", "S"), ("c", "S")),
                   GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi", ["a"], ["c"])
                                                 | {"KeySchema": [{"AttributeName": "c", "KeyType": "RANGE"},
                                                                  {"AttributeName": "a", "KeyType": "HASH"}]}}])
    assert msg == "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"
    msg = rejected(client.update_table, TableName=name,
                   AttributeDefinitions=attrs(*[(f"x{i}", "S") for i in range(5)]),
                   GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi", [f"x{i}" for i in range(5)])}])
    assert msg == "One or more parameter values were invalid: The KeySchema exceeds the maximum allowed number of HASH key attributes"
    client.update_table(TableName=name, AttributeDefinitions=attrs(("a", "S"), ("b", "N"), ("c", "S")),
                        GlobalSecondaryIndexUpdates=[{"Create": gsi("gsi", ["a", "b"], ["c"])}])
    for _ in range(100):
        d = client.describe_table(TableName=name)["Table"]
        if d["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    assert d["GlobalSecondaryIndexes"][0]["KeySchema"] == [
        {"AttributeName": "a", "KeyType": "HASH"}, {"AttributeName": "b", "KeyType": "HASH"},
        {"AttributeName": "c", "KeyType": "RANGE"}]
    r = client.query(TableName=name, IndexName="gsi", KeyConditionExpression="a = :a AND b = :b",
                     ExpressionAttributeValues={":a": {"S": "A"}, ":b": {"N": "0"}})
    assert [i["p"]["S"] for i in r["Items"]] == ["i4", "i2", "i0"]  # c1, c3, c5
    client.delete_table(TableName=name)


# ---- index upkeep ----------------------------------------------------------------

def test_sparse_and_updates_move_entries(client, table_name):
    name = table_name()
    create(client, name, [("p", "S"), ("a", "S"), ("b", "S"), ("c", "S")], [gsi("gsi", ["a", "b"], ["c"])])
    kce, vals = "a = :a AND b = :b", {":a": {"S": "A"}, ":b": {"S": "B"}}

    def found():
        r = client.query(TableName=name, IndexName="gsi", KeyConditionExpression=kce, ExpressionAttributeValues=vals)
        return [i["p"]["S"] for i in r["Items"]]

    client.put_item(TableName=name, Item={"p": {"S": "1"}, "a": {"S": "A"}, "c": {"S": "c"}})  # no b
    assert found() == []
    client.update_item(TableName=name, Key={"p": {"S": "1"}}, UpdateExpression="SET b = :b",
                       ExpressionAttributeValues={":b": {"S": "B"}})
    assert found() == ["1"]
    client.update_item(TableName=name, Key={"p": {"S": "1"}}, UpdateExpression="REMOVE c")
    assert found() == []
    client.update_item(TableName=name, Key={"p": {"S": "1"}}, UpdateExpression="SET c = :c",
                       ExpressionAttributeValues={":c": {"S": "c"}})
    assert found() == ["1"]
    client.update_item(TableName=name, Key={"p": {"S": "1"}}, UpdateExpression="SET b = :x",
                       ExpressionAttributeValues={":x": {"S": "xtra"}})
    assert found() == []
    client.put_item(TableName=name, Item={"p": {"S": "1"}, "a": {"S": "A"}, "b": {"S": "B"}, "c": {"S": "c"}})
    client.delete_item(TableName=name, Key={"p": {"S": "1"}})
    assert found() == []
    assert client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]["ItemCount"] == 0
    # A key attribute of another type is refused, as for any index key.
    msg = rejected(client.put_item, TableName=name, Item={"p": {"S": "2"}, "a": {"S": "A"}, "b": {"N": "1"}})
    assert msg == ("One or more parameter values were invalid: Type mismatch for Index Key b Expected: S "
                   "Actual: N IndexName: gsi")
    client.delete_table(TableName=name)


# ---- Query ------------------------------------------------------------------------

def test_query_orders_across_the_range_attributes(client, table):
    # r1 numerically, then r2 bytewise, then r3 bytewise; i08 lacks r3.
    r = q(client, table, "h1 = :h1 AND h2 = :h2", V)
    expected = sorted(["i01", "i02", "i03", "i04", "i05", "i06", "i07"],
                      key=lambda p: {"i06": (-5, "m", b"\x01"), "i04": (9, "zz", b"\xff"),
                                     "i01": (10, "x", b"\x01"), "i02": (10, "x", b"\x00\x02"),
                                     "i03": (10, "y", b"\x00"), "i07": (10, "xa", b"\x01"),
                                     "i05": (100, "a", b"\x01")}[p])
    assert pks(r) == expected == ["i06", "i04", "i02", "i01", "i07", "i03", "i05"]
    back = q(client, table, "h1 = :h1 AND h2 = :h2", V, ScanIndexForward=False)
    assert pks(back) == expected[::-1]


@pytest.mark.parametrize("kce,expected", [
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1", ["i02", "i01", "i07", "i03"]),
    ("h2 = :h2 AND r1 = :r1 AND h1 = :h1", ["i02", "i01", "i07", "i03"]),  # any clause order
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 = :r2", ["i02", "i01"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 = :r2 AND r3 = :r3", ["i01"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 = :r2 AND r3 > :r3", []),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 = :r2 AND r3 < :r3", ["i02"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 > :r2", ["i07", "i03"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 >= :r2", ["i02", "i01", "i07", "i03"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 <= :r2", ["i02", "i01"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r2 < :r2", []),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND begins_with(r2, :pre)", ["i02", "i01", "i07"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 BETWEEN :lo AND :hi", ["i04", "i02", "i01", "i07", "i03"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 > :r1", ["i05"]),
    ("h1 = :h1 AND h2 = :h2 AND r1 < :r1", ["i06", "i04"]),
    ("h1 = :h1 AND h2 = :h2 AND :r1 < r1", ["i05"]),  # the value on the left
    ("h1 = :h1 AND h2 = :n AND r1 = :r1", ["i02", "i01", "i07", "i03"]),  # 1 = 1
])
def test_query_conditions(client, table, kce, expected):
    assert pks(q(client, table, kce, V)) == expected


def test_query_hash_only_index_and_projection(client, table):
    r = q(client, table, "h1 = :h1 AND h2 = :h2", V, index="keys")
    assert sorted(pks(r)) == ["i01", "i02", "i03", "i04", "i05", "i06", "i07", "i08"]
    assert all(set(i) == {"p", "h1", "h2"} for i in r["Items"])
    r = q(client, table, "h1 = :h1 AND h2 = :h2 AND r1 = :r1", V, Select="COUNT")
    assert r["Count"] == 4 and "Items" not in r
    r = q(client, table, "h1 = :h1 AND h2 = :h2 AND r1 = :r1", V, ProjectionExpression="xtra, r2")
    assert r["Items"][0] == {"xtra": {"S": "i02-o"}, "r2": {"S": "x"}}
    r = q(client, table, "h1 = :h1 AND h2 = :h2", V, FilterExpression="xtra = :o",
          ExpressionAttributeValues={":h1": V[":h1"], ":h2": V[":h2"], ":o": {"S": "i03-o"}})
    assert pks(r) == ["i03"] and r["ScannedCount"] == 7


def test_query_pagination(client, table):
    seen, key, pages = [], None, 0
    while True:
        kw = {"Limit": 2}
        if key:
            kw["ExclusiveStartKey"] = key
        r = q(client, table, "h1 = :h1 AND h2 = :h2", V, **kw)
        seen += pks(r)
        pages += 1
        key = r.get("LastEvaluatedKey")
        if not key:
            break
        assert set(key) == {"p", "h1", "h2", "r1", "r2", "r3"}
    assert seen == ["i06", "i04", "i02", "i01", "i07", "i03", "i05"]
    assert pages == 4
    # Backwards, with a range condition.
    r = q(client, table, "h1 = :h1 AND h2 = :h2 AND r1 = :r1", V, Limit=1, ScanIndexForward=False)
    assert pks(r) == ["i03"]
    r = q(client, table, "h1 = :h1 AND h2 = :h2 AND r1 = :r1", V, Limit=2, ScanIndexForward=False,
          ExclusiveStartKey=r["LastEvaluatedKey"])
    assert pks(r) == ["i07", "i01"]


def test_exclusive_start_key_errors(client, table):
    lek = q(client, table, "h1 = :h1 AND h2 = :h2", V, Limit=1)["LastEvaluatedKey"]
    incomplete = {k: v for k, v in lek.items() if k != "h2"}
    msg = rejected(q, client=client, table=table, kce="h1 = :h1 AND h2 = :h2", values=V, ExclusiveStartKey=incomplete)
    # A Query's start key without an attribute of the schema read: the short
    # wording, as for any index (api/read_pages.cc).
    assert msg == "The provided starting key is invalid"
    other = dict(lek, h2={"N": "2"})
    msg = rejected(q, client=client, table=table, kce="h1 = :h1 AND h2 = :h2", values=V, ExclusiveStartKey=other)
    assert msg == "The provided starting key is outside query boundaries based on provided conditions"
    msg = rejected(q, client=client, table=table, kce="h1 = :h1 AND h2 = :h2 AND r1 = :r1", values=V,
                   ExclusiveStartKey=lek)  # lek has r1 = -5
    assert msg == "The provided starting key does not match the range key predicate"


@pytest.mark.parametrize("kce,message", [
    ("h1 = :h1", "Query condition missed key schema element: h2"),
    ("h2 = :h2 AND r1 = :r1", "Query condition missed key schema element: h1"),
    ("h1 = :h1 AND h2 = :h2 AND r2 = :r2",
     "RANGE key attributes r1 must have equality conditions specified in the query because a condition is present "
     "on key attribute r2"),
    ("h1 = :h1 AND h2 = :h2 AND r3 = :r3",
     "RANGE key attributes r1, r2 must have equality conditions specified in the query because a condition is present "
     "on key attribute r3"),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r1 AND r3 = :r3",
     "RANGE key attributes r2 must have equality conditions specified in the query because a condition is present "
     "on key attribute r3"),
    ("h1 = :h1 AND h2 = :h2 AND r1 > :r1 AND r2 = :r2",
     "RANGE key attributes r1 must have equality conditions specified in the query because a condition is present "
     "on key attribute r2"),
    ("h1 = :h1 AND h2 = :h2 AND begins_with(r2, :pre) AND r3 = :r3",
     "RANGE key attributes r1, r2 must have equality conditions specified in the query because a condition is present "
     "on key attribute r3"),
    ("h1 = :h1 AND h2 > :h2", "Query key condition not supported"),
    ("h1 = :h1 AND h2 = :h2 AND xtra = :pre", "Query key condition not supported"),
    ("h1 = :h1 AND h2 = :h2 AND h2 = :n", "KeyConditionExpressions must only contain one condition per key"),
    ("h1 = :h1 AND h2 = :h2 OR r1 = :r1", "Invalid operator used in KeyConditionExpression: OR"),
    ("h1 = :h1 AND h2 = :h2 AND begins_with(r1, :r1)",
     "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
     "begins_with, operand type: N"),
    ("h1 = :h2 AND h2 = :h2",
     "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ("h1 = :h1 AND h2 = :h2 AND r1 = :r2",
     "One or more parameter values were invalid: Condition parameter type does not match schema type"),
])
def test_query_errors(client, table, kce, message):
    assert rejected(q, client=client, table=table, kce=kce, values=V) == message


def test_query_filter_on_any_index_key_attribute_is_refused(client, table):
    for a in ("h2", "r3"):
        msg = rejected(q, client=client, table=table, kce="h1 = :h1 AND h2 = :h2", values=V,
                       FilterExpression=f"attribute_exists({a})")
        assert msg == f"Filter Expression can only contain non-primary key attributes: Primary key attribute: {a}"
    # The table's key is not a key of the index: a filter may name it.
    r = q(client, table, "h1 = :h1 AND h2 = :h2", V, FilterExpression="p = :p",
          ExpressionAttributeValues={":h1": V[":h1"], ":h2": V[":h2"], ":p": {"S": "i05"}})
    assert pks(r) == ["i05"]


def test_query_consistent_read_and_legacy_key_conditions(client, table):
    msg = rejected(q, client=client, table=table, kce="h1 = :h1 AND h2 = :h2", values=V, ConsistentRead=True)
    assert msg == "Consistent reads are not supported on global secondary indexes"
    r = client.query(TableName=table, IndexName="gsi", KeyConditions={
        "h1": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]},
        "h2": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]},
        "r1": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "10"}]}})
    assert pks(r) == ["i02", "i01", "i07", "i03", "i05"]
    msg = rejected(client.query, TableName=table, IndexName="gsi", KeyConditions={
        "h1": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}})
    assert msg == "Query condition missed key schema element: h2"


# ---- Scan ---------------------------------------------------------------------------

def test_scan_index_in_a_stable_order_with_pages(client, table):
    full = client.scan(TableName=table, IndexName="gsi")
    order = pks(full)
    assert sorted(order) == ["i01", "i02", "i03", "i04", "i05", "i06", "i07", "i09", "i10"]
    assert pks(client.scan(TableName=table, IndexName="gsi")) == order
    seen, key = [], None
    while True:
        kw = {"ExclusiveStartKey": key} if key else {}
        r = client.scan(TableName=table, IndexName="gsi", Limit=2, **kw)
        seen += pks(r)
        key = r.get("LastEvaluatedKey")
        if not key:
            break
        assert set(key) == {"p", "h1", "h2", "r1", "r2", "r3"}
    assert seen == order
    segs = [pks(client.scan(TableName=table, IndexName="gsi", Segment=s, TotalSegments=3)) for s in range(3)]
    assert sorted(sum(segs, [])) == sorted(order)


# ---- PartiQL --------------------------------------------------------------------------

def test_partiql_refuses_multi_attribute_indexes(client, table):
    refused = ("PartiQL statements cannot be executed on tables with multi-attribute HASH keys or "
               "multi-attribute RANGE keys.")
    msg = rejected(client.execute_statement, Statement=f"SELECT * FROM \"{table}\".\"gsi\" WHERE h1 = 'a'")
    assert msg == refused
    msg = rejected(client.execute_statement, Statement=f"SELECT * FROM \"{table}\".\"keys\"")
    assert msg == refused
    r = client.batch_execute_statement(Statements=[
        {"Statement": f"SELECT * FROM \"{table}\".\"gsi\" WHERE h1 = 'a' AND h2 = 1"},
        {"Statement": f"SELECT * FROM \"{table}\" WHERE p = 'i01'"}])["Responses"]
    assert r[0]["Error"]["Message"] == refused
    assert r[1]["Item"]["p"] == {"S": "i01"}
    # The table itself still reads.
    r = client.execute_statement(Statement=f"SELECT p FROM \"{table}\" WHERE p = 'i05'")
    assert r["Items"] == [{"p": {"S": "i05"}}]


# ---- persistence, backups -----------------------------------------------------------------

def test_definition_and_entries_survive_a_restart(server_factory, tmp_path):
    data = tmp_path / "restart"
    data.mkdir()
    srv = server_factory([], data)
    c = srv.client()
    create(c, "mgsi-restart", [("p", "S"), ("a", "S"), ("b", "N"), ("c", "B")], [gsi("gsi", ["a"], ["b", "c"])])
    for i in range(5):
        c.put_item(TableName="mgsi-restart", Item={"p": {"S": str(i)}, "a": {"S": "A"}, "b": {"N": str(i % 2)},
                                         "c": {"B": bytes([5 - i])}})
    before = c.describe_table(TableName="mgsi-restart")["Table"]["GlobalSecondaryIndexes"][0]["KeySchema"]
    srv.stop()
    c = server_factory([], data).client()
    assert c.describe_table(TableName="mgsi-restart")["Table"]["GlobalSecondaryIndexes"][0]["KeySchema"] == before
    r = c.query(TableName="mgsi-restart", IndexName="gsi", KeyConditionExpression="a = :a",
                ExpressionAttributeValues={":a": {"S": "A"}})
    assert [i["p"]["S"] for i in r["Items"]] == ["4", "2", "0", "3", "1"]


def test_backup_restore_keeps_the_definition(client, table_name):
    name = table_name()
    create(client, name, [("p", "S"), ("a", "S"), ("b", "S")], [gsi("gsi", ["a", "b"])])
    client.put_item(TableName=name, Item={"p": {"S": "1"}, "a": {"S": "A"}, "b": {"S": "B"}})
    arn = client.create_backup(TableName=name, BackupName="mgsi")["BackupDetails"]["BackupArn"]
    wait_backup(client, arn)
    desc = client.describe_backup(BackupArn=arn)["BackupDescription"]
    gsis = desc["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"]
    assert gsis[0]["KeySchema"] == [{"AttributeName": "a", "KeyType": "HASH"},
                                    {"AttributeName": "b", "KeyType": "HASH"}]
    target = table_name()
    client.restore_table_from_backup(TargetTableName=target, BackupArn=arn)
    for _ in range(100):
        if client.describe_table(TableName=target)["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.1)
    t = client.describe_table(TableName=target)["Table"]
    assert t["GlobalSecondaryIndexes"][0]["KeySchema"] == gsis[0]["KeySchema"]
    r = client.query(TableName=target, IndexName="gsi", KeyConditionExpression="a = :a AND b = :b",
                     ExpressionAttributeValues={":a": {"S": "A"}, ":b": {"S": "B"}})
    assert r["Count"] == 1


# ---- the AWS CLI ------------------------------------------------------------------------------

@pytest.mark.skipif(AWS_CLI is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli_create_describe_query(server, table_name):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDMGSI", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_PAGER="",
               AWS_EC2_METADATA_DISABLED="true")
    env.pop("AWS_PROFILE", None)

    def aws(*args):
        p = subprocess.run([AWS_CLI, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout) if p.stdout.strip() else {}

    name = table_name()
    index = [{"IndexName": "byTournament",
              "KeySchema": [{"AttributeName": "tournament", "KeyType": "HASH"},
                            {"AttributeName": "region", "KeyType": "HASH"},
                            {"AttributeName": "round", "KeyType": "RANGE"},
                            {"AttributeName": "score", "KeyType": "RANGE"}],
              "Projection": {"ProjectionType": "ALL"}}]
    out = aws("create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
              "--attribute-definitions", "AttributeName=id,AttributeType=S",
              "AttributeName=tournament,AttributeType=S", "AttributeName=region,AttributeType=S",
              "AttributeName=round,AttributeType=S", "AttributeName=score,AttributeType=N",
              "--key-schema", "AttributeName=id,KeyType=HASH",
              "--global-secondary-indexes", json.dumps(index))
    assert out["TableDescription"]["GlobalSecondaryIndexes"][0]["KeySchema"] == index[0]["KeySchema"]
    for i, (rnd, score) in enumerate([("final", 3), ("semi", 9), ("semi", 2), ("final", 1)]):
        aws("put-item", "--table-name", name, "--item", json.dumps(
            {"id": {"S": f"m{i}"}, "tournament": {"S": "W24"}, "region": {"S": "EU"}, "round": {"S": rnd},
             "score": {"N": str(score)}}))
    d = aws("describe-table", "--table-name", name)["Table"]
    assert d["GlobalSecondaryIndexes"][0]["KeySchema"] == index[0]["KeySchema"]
    out = aws("query", "--table-name", name, "--index-name", "byTournament",
              "--key-condition-expression", "tournament = :t AND #r = :r AND #n = :n AND score >= :s",
              "--expression-attribute-names", json.dumps({"#r": "region", "#n": "round"}),
              "--expression-attribute-values",
              json.dumps({":t": {"S": "W24"}, ":r": {"S": "EU"}, ":n": {"S": "semi"}, ":s": {"N": "2"}}))
    assert [i["id"]["S"] for i in out["Items"]] == ["m2", "m1"]


def test_write_checks_cover_every_key_attribute(client, table_name):
    """The type and empty-value checks of writes hold for every attribute of a
    multi-attribute key, not only the first HASH and RANGE ones; a rejected
    write changes nothing."""
    name = table_name("mgsiw")
    create(client, name, DEFS, [gsi("gsi", ["h1", "h2"], ["r1", "r2", "r3"])])
    base = {"p": {"S": "w"}, "h1": {"S": "a"}, "h2": {"N": "1"}, "r1": {"N": "1"}, "r2": {"S": "x"},
            "r3": {"B": b"\x01"}}
    client.put_item(TableName=name, Item=base)
    INV = "One or more parameter values were invalid: "
    EMPTY = ("One or more parameter values are not valid. A value specified for a secondary index key is not "
             "supported. The AttributeValue for a key attribute cannot contain an empty {} value. "
             "IndexName: gsi, IndexKey: {}")
    for attr, value, expected, actual in [("h2", {"S": "1"}, "N", "S"), ("r2", {"N": "1"}, "S", "N"),
                                          ("r3", {"S": "b"}, "B", "S")]:
        msg = rejected(client.put_item, TableName=name, Item=dict(base, **{attr: value}))
        assert msg == (f"{INV}Type mismatch for Index Key {attr} Expected: {expected} Actual: {actual} "
                       "IndexName: gsi"), attr
    assert rejected(client.put_item, TableName=name, Item=dict(base, r2={"S": ""})) == EMPTY.format("string", "r2")
    assert rejected(client.put_item, TableName=name, Item=dict(base, r3={"B": b""})) == EMPTY.format("binary", "r3")
    assert rejected(client.update_item, TableName=name, Key={"p": {"S": "w"}}, UpdateExpression="SET h2 = :v",
                    ExpressionAttributeValues={":v": {"S": "1"}}) == (
        f"{INV}Type mismatch for Index Key h2 Expected: N Actual: S IndexName: gsi")
    assert rejected(client.update_item, TableName=name, Key={"p": {"S": "w"}}, UpdateExpression="SET r2 = :v",
                    ExpressionAttributeValues={":v": {"S": ""}}) == (
        "One or more parameter values are not valid. The update expression attempted to update a secondary index "
        "key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty "
        "string value.")
    assert client.get_item(TableName=name, Key={"p": {"S": "w"}})["Item"] == base
    r = client.query(TableName=name, IndexName="gsi", KeyConditionExpression="h1 = :a AND h2 = :b",
                     ExpressionAttributeValues={":a": {"S": "a"}, ":b": {"N": "1"}})
    assert [i["p"]["S"] for i in r["Items"]] == ["w"]
