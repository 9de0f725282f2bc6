"""Query, Scan and secondary indexes: the access patterns of issue 5 end to end."""

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import create_simple_table, err, index, make_orders


@pytest.fixture
def orders(client, resource, table_name):
    """pk/sk table with a sparse GSI (status), an INCLUDE GSI (customer) and an LSI (amount)."""
    return make_orders(client, resource, table_name("orders"))


def test_query_sort_key_conditions_order_and_pages(client, orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").begins_with("2026-01-1"))
    assert [i["sk"] for i in r["Items"]] == [f"2026-01-1{d}" for d in range(10)]
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1") & Key("sk").between("2026-01-05", "2026-01-09"),
                     ScanIndexForward=False)
    assert [i["sk"] for i in r["Items"]] == [f"2026-01-0{d}" for d in range(9, 4, -1)]
    # Limit + LastEvaluatedKey, newest first, every item once.
    seen, start = [], None
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), ScanIndexForward=False, Limit=7, **kw)
        seen += [i["sk"] for i in r["Items"]]
        start = r.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == [f"2026-01-{d:02d}" for d in range(39, -1, -1)]
    # The client paginator walks all pages.
    pages = client.get_paginator("query").paginate(
        TableName=orders.name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "u2"}},
        PaginationConfig={"PageSize": 6})
    assert sum(len(p["Items"]) for p in pages) == 20


def test_limit_counts_items_before_the_filter_and_select_count(orders):
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), FilterExpression=Attr("status").exists(), Limit=8)
    assert r["ScannedCount"] == 8 and r["Count"] == 2 and "LastEvaluatedKey" in r
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), Select="COUNT")
    assert r["Count"] == 40 and "Items" not in r
    r = orders.query(KeyConditionExpression=Key("pk").eq("u1"), ProjectionExpression="sk, amount", Limit=1)
    assert set(r["Items"][0]) == {"sk", "amount"}


def test_indexes_sparse_include_and_lsi(client, orders):
    r = orders.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"))
    assert r["Count"] == 15
    assert set(r["Items"][0]) == {"pk", "sk", "status"}  # KEYS_ONLY
    r = orders.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"))
    assert r["Count"] == 20
    assert set(r["Items"][0]) == {"pk", "sk", "customer", "note"}  # INCLUDE
    # Index pages carry the table key and the index key.
    r = orders.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"), Limit=3)
    assert set(r["LastEvaluatedKey"]) == {"pk", "sk", "customer"}
    r2 = orders.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"),
                      ExclusiveStartKey=r["LastEvaluatedKey"])
    assert r2["Count"] == 17
    # LSI: numeric order, consistent reads allowed, base attributes fetched for ALL_ATTRIBUTES.
    r = orders.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u1") & Key("amount").lt(10),
                     ConsistentRead=True, Select="ALL_ATTRIBUTES")
    amounts = [int(i["amount"]) for i in r["Items"]]
    assert amounts == sorted(amounts) and amounts and all(a < 10 for a in amounts)
    assert "note" in r["Items"][0]
    # Index maintenance: moving an item out of the sparse index.
    orders.update_item(Key={"pk": "u1", "sk": "2026-01-00"}, UpdateExpression="REMOVE #s",
                       ExpressionAttributeNames={"#s": "status"})
    assert orders.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"))["Count"] == 14
    d = client.describe_table(TableName=orders.name)["Table"]
    by_name = {g["IndexName"]: g for g in d["GlobalSecondaryIndexes"]}
    assert by_name["byStatus"]["ItemCount"] == 14 and by_name["byStatus"]["IndexStatus"] == "ACTIVE"
    assert by_name["byCustomer"]["IndexArn"].endswith(f"table/{orders.name}/index/byCustomer")
    assert d["LocalSecondaryIndexes"][0]["ItemCount"] == 60


def test_parallel_scan_segments_are_disjoint_and_complete(client, orders):
    seen = []
    for seg in range(4):
        pages = client.get_paginator("scan").paginate(
            TableName=orders.name, Segment=seg, TotalSegments=4, FilterExpression="amount >= :z",
            ExpressionAttributeValues={":z": {"N": "0"}}, PaginationConfig={"PageSize": 5})
        seen += [(i["pk"]["S"], i["sk"]["S"]) for p in pages for i in p["Items"]]
    assert len(seen) == 60 and len(set(seen)) == 60
    with pytest.raises(ClientError) as e:
        client.scan(TableName=orders.name, Segment=4, TotalSegments=4)
    assert err(e) == ("ValidationException", "The Segment parameter is zero-based and must be less than parameter "
                                             "TotalSegments: Segment: 4 is not less than TotalSegments: 4")
    r = client.scan(TableName=orders.name, Segment=999999, TotalSegments=1000000)
    assert r["Count"] <= 60


def test_one_megabyte_pages(client, resource, table_name):
    name = table_name("big")
    create_simple_table(client, name, range_key="sk", range_type="N")
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(30):
            b.put_item(Item={"pk": "p", "sk": i, "blob": "y" * 100_000})
    r = t.query(KeyConditionExpression=Key("pk").eq("p"))
    # 100 KB items: the page stops at the item that crosses 1 MB.
    assert r["Count"] == 11 and "LastEvaluatedKey" in r
    total = r["Count"]
    while "LastEvaluatedKey" in r:
        r = t.query(KeyConditionExpression=Key("pk").eq("p"), ExclusiveStartKey=r["LastEvaluatedKey"])
        total += r["Count"]
    assert total == 30


def test_gsi_added_later_is_backfilled(client, resource, table_name):
    name = table_name("later")
    create_simple_table(client, name)
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(50):
            b.put_item(Item={"pk": f"k{i}", **({"email": f"e{i % 5}"} if i % 2 else {})})
    client.update_table(TableName=name, AttributeDefinitions=[{"AttributeName": "email", "AttributeType": "S"}],
                        GlobalSecondaryIndexUpdates=[{"Create": index("byEmail", "email", projection="ALL")}])
    g = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert g["IndexStatus"] == "ACTIVE" and g["ItemCount"] == 25
    assert t.query(IndexName="byEmail", KeyConditionExpression=Key("email").eq("e1"))["Count"] == 5
    client.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byEmail"}}])
    d = client.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in d
    assert d["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]


@pytest.mark.parametrize("kw, code, message", [
    (dict(KeyConditionExpression="pk = :p OR sk = :s"), "ValidationException",
     "Invalid operator used in KeyConditionExpression: OR"),
    (dict(KeyConditionExpression="sk = :s"), "ValidationException", "Query condition missed key schema element: pk"),
    (dict(KeyConditionExpression="pk > :p"), "ValidationException", "Query key condition not supported"),
    (dict(KeyConditionExpression="pk = :n"), "ValidationException",
     "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    (dict(KeyConditionExpression="pk = :p", IndexName="nope"), "ValidationException",
     "The table does not have the specified index: nope"),
    (dict(KeyConditionExpression="#s = :p", IndexName="byStatus", ConsistentRead=True,
          ExpressionAttributeNames={"#s": "status"}), "ValidationException",
     "Consistent reads are not supported on global secondary indexes"),
    (dict(KeyConditionExpression="pk = :p", ExclusiveStartKey={"pk": {"S": "u1"}}), "ValidationException",
     "The provided starting key is invalid"),
    (dict(ExpressionAttributeValues=None), "ValidationException",
     "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."),
])
def test_query_validation(client, orders, kw, code, message):
    values = {":p": {"S": "u1"}, ":s": {"S": "a"}, ":n": {"N": "1"}}
    if kw.get("ExpressionAttributeValues", 0) is None:
        kw = {}
        values = None
    else:
        used = {k: v for k, v in values.items() if k in kw["KeyConditionExpression"]}
        values = used
    args = dict(TableName=orders.name, **kw)
    if values:
        args["ExpressionAttributeValues"] = values
    with pytest.raises(ClientError) as e:
        client.query(**args)
    assert err(e) == (code, message)


def test_query_missing_table(client):
    with pytest.raises(ClientError) as e:
        client.query(TableName="no-such-table", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "x"}})
    assert err(e)[0] == "ResourceNotFoundException"
