"""ConsumedCapacity of every data operation, TOTAL and INDEXES, as DynamoDB
reports it: reads in 4 KB units (half when eventually consistent), Query and
Scan over the bytes read before the filter, rounded once per page; writes in
1 KB units of the larger image; transactions doubled; every index entry a
write changes charged to its index; batches per table. Also
ReturnItemCollectionMetrics SIZE on tables with local secondary indexes."""
import botocore.exceptions
import pytest

from conftest import index, key_schema

KB = 1024


def S(v):
    return {"S": v}


@pytest.fixture
def plain(client, table_name):
    """A pk-only on-demand table."""
    name = table_name("cap")
    client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=key_schema("pk"), BillingMode="PAY_PER_REQUEST")
    yield name
    client.delete_table(TableName=name)


@pytest.fixture
def indexed(client, table_name):
    """pk/sk table with a GSI on gpk projecting INCLUDE [proj] and an LSI on
    (pk, lsk) projecting ALL."""
    name = table_name("capix")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "gpk", "lsk")],
        KeySchema=key_schema("pk", "sk"), BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[index("gsi", "gpk", projection="INCLUDE", non_key=["proj"])],
        LocalSecondaryIndexes=[index("lsi", "pk", "lsk", projection="ALL")])
    yield name
    client.delete_table(TableName=name)


def full_item(pk, sk="1", **extra):
    item = {"pk": S(pk), "sk": S(sk), "gpk": S("g"), "lsk": S("l"), "proj": S("p"), "other": S("o")}
    item.update({k: S(v) for k, v in extra.items()})
    return item


def item_size(item):
    """DynamoDB's size of an item of string attributes: names plus values."""
    return sum(len(k) + len(v["S"]) for k, v in item.items())


def arms(cc):
    """(total, table, {gsi: units}, {lsi: units}) of an INDEXES answer."""
    return (cc["CapacityUnits"], cc["Table"]["CapacityUnits"],
            {k: v["CapacityUnits"] for k, v in cc.get("GlobalSecondaryIndexes", {}).items()},
            {k: v["CapacityUnits"] for k, v in cc.get("LocalSecondaryIndexes", {}).items()})


# ---- reads ------------------------------------------------------------------

def test_get_item_strong_eventual_missing_and_large(client, plain):
    client.put_item(TableName=plain, Item={"pk": S("small"), "v": S("x")})
    client.put_item(TableName=plain, Item={"pk": S("big"), "v": S("x" * (9 * KB))})  # 3 x 4 KB
    def get(key, **kw):
        return client.get_item(TableName=plain, Key={"pk": S(key)}, ReturnConsumedCapacity="TOTAL", **kw)
    assert get("small")["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 0.5}
    assert get("small", ConsistentRead=True)["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert get("big")["ConsumedCapacity"]["CapacityUnits"] == 1.5
    assert get("big", ConsistentRead=True)["ConsumedCapacity"]["CapacityUnits"] == 3.0
    # A missing item costs the minimum read.
    assert get("nope")["ConsumedCapacity"]["CapacityUnits"] == 0.5
    assert get("nope", ConsistentRead=True)["ConsumedCapacity"]["CapacityUnits"] == 1.0
    # INDEXES adds the table's share; no read/write split outside transactions.
    r = client.get_item(TableName=plain, Key={"pk": S("big")}, ReturnConsumedCapacity="INDEXES")
    assert r["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 1.5, "Table": {"CapacityUnits": 1.5}}
    assert "ConsumedCapacity" not in client.get_item(TableName=plain, Key={"pk": S("big")})


def test_query_and_scan_sum_bytes_before_filter_per_page(client, indexed):
    # 12 items of about 1 KB in one partition: ~12.2 KB read per full pass.
    items = [full_item("q", f"{i:02d}", pad="x" * 1000, n=str(i)) for i in range(12)]
    for item in items:
        client.put_item(TableName=indexed, Item=item)
    sizes = [item_size(item) for item in items]
    size = sum(sizes)
    want = -(-size // (4 * KB))  # rounded up once
    q = dict(TableName=indexed, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("q")},
             ReturnConsumedCapacity="TOTAL")
    plain_q = client.query(**q, ConsistentRead=True)
    assert plain_q["Count"] == 12
    assert plain_q["ConsumedCapacity"]["CapacityUnits"] == want
    assert client.query(**q)["ConsumedCapacity"]["CapacityUnits"] == want / 2
    # A filter that keeps one item and a projection cost the same.
    filtered = client.query(**{**q, "ExpressionAttributeValues": {":p": S("q"), ":s": S("3")}},
                            FilterExpression="n = :s", ProjectionExpression="pk", ConsistentRead=True)
    assert filtered["Count"] == 1
    assert filtered["ConsumedCapacity"]["CapacityUnits"] == want
    s = client.scan(TableName=indexed, ReturnConsumedCapacity="TOTAL", ConsistentRead=True,
                    FilterExpression="n = :s", ExpressionAttributeValues={":s": S("3")})
    assert s["Count"] == 1 and s["ScannedCount"] == 12
    assert s["ConsumedCapacity"]["CapacityUnits"] == want
    # Pages of 5 items: each page rounds its own ~5 KB up to 8 KB.
    units, start, pages = [], None, 0
    while True:
        kw = {"ExclusiveStartKey": start} if start else {}
        p = client.scan(TableName=indexed, Limit=5, ConsistentRead=True, ReturnConsumedCapacity="TOTAL", **kw)
        pages += 1
        units.append(p["ConsumedCapacity"]["CapacityUnits"])
        start = p.get("LastEvaluatedKey")
        if not start:
            break
    assert units == [-(-sum(sizes[0:5]) // (4 * KB)), -(-sum(sizes[5:10]) // (4 * KB)),
                     -(-sum(sizes[10:]) // (4 * KB))]
    assert units == [2, 2, 1]
    # An empty page still costs the minimum.
    empty = client.query(**{**q, "ExpressionAttributeValues": {":p": S("none")}})
    assert empty["ConsumedCapacity"]["CapacityUnits"] == 0.5


def test_query_on_indexes_charges_the_index(client, indexed):
    for i in range(3):
        client.put_item(TableName=indexed, Item=full_item("ix", str(i), other="o" * 3000))
    g = client.query(TableName=indexed, IndexName="gsi", KeyConditionExpression="gpk = :g",
                     ExpressionAttributeValues={":g": S("g")}, ReturnConsumedCapacity="INDEXES")
    assert g["Count"] == 3
    # The GSI entries hold only keys and proj: a few bytes each.
    assert g["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.0},
                                     "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 0.5}}}
    total = client.query(TableName=indexed, IndexName="gsi", KeyConditionExpression="gpk = :g",
                         ExpressionAttributeValues={":g": S("g")}, ReturnConsumedCapacity="TOTAL")
    assert total["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 0.5}
    # The LSI projects ALL: ~9 KB of entries, three 4 KB units strongly consistent.
    l = client.query(TableName=indexed, IndexName="lsi", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": S("ix")}, ConsistentRead=True,
                     ReturnConsumedCapacity="INDEXES")
    assert arms(l["ConsumedCapacity"]) == (3.0, 0.0, {}, {"lsi": 3.0})
    s = client.scan(TableName=indexed, IndexName="gsi", ReturnConsumedCapacity="INDEXES")
    assert arms(s["ConsumedCapacity"]) == (0.5, 0.0, {"gsi": 0.5}, {})


def test_lsi_fetch_of_unprojected_attributes_reads_the_table(client, table_name):
    name = table_name("caplk")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk", "lsk")],
        KeySchema=key_schema("pk", "sk"), BillingMode="PAY_PER_REQUEST",
        LocalSecondaryIndexes=[index("lki", "pk", "lsk", projection="KEYS_ONLY")])
    try:
        for i in range(2):
            client.put_item(TableName=name, Item={"pk": S("a"), "sk": S(str(i)), "lsk": S("l"),
                                                  "big": S("b" * 5000)})
        q = dict(TableName=name, IndexName="lki", KeyConditionExpression="pk = :p",
                 ExpressionAttributeValues={":p": S("a")}, ConsistentRead=True, ReturnConsumedCapacity="INDEXES")
        keys_only = client.query(**q)
        assert arms(keys_only["ConsumedCapacity"]) == (1.0, 0.0, {}, {"lki": 1.0})
        # Select ALL_ATTRIBUTES fetches each ~5 KB item from the table: 2 units each.
        fetched = client.query(**q, Select="ALL_ATTRIBUTES")
        assert fetched["Items"][0]["big"] == S("b" * 5000)
        assert arms(fetched["ConsumedCapacity"]) == (5.0, 4.0, {}, {"lki": 1.0})
    finally:
        client.delete_table(TableName=name)


# ---- single writes ----------------------------------------------------------

def test_writes_use_the_larger_image(client, plain):
    def put(item, **kw):
        return client.put_item(TableName=plain, Item=item, ReturnConsumedCapacity="TOTAL", **kw)
    assert put({"pk": S("w"), "v": S("x" * 2500)})["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 3.0}
    # Replacing a 2.5 KB item by a small one costs the old item's size.
    assert put({"pk": S("w"), "v": S("y")})["ConsumedCapacity"]["CapacityUnits"] == 3.0
    assert put({"pk": S("w"), "v": S("y")})["ConsumedCapacity"]["CapacityUnits"] == 1.0
    # An update that grows the item costs the new size.
    u = client.update_item(TableName=plain, Key={"pk": S("w")}, UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": S("z" * 4000)}, ReturnConsumedCapacity="TOTAL")
    assert u["ConsumedCapacity"]["CapacityUnits"] == 4.0
    d = client.delete_item(TableName=plain, Key={"pk": S("w")}, ReturnConsumedCapacity="INDEXES")
    assert d["ConsumedCapacity"] == {"TableName": plain, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 4.0}}
    # Deleting a missing item costs one unit.
    d = client.delete_item(TableName=plain, Key={"pk": S("w")}, ReturnConsumedCapacity="TOTAL")
    assert d["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_put_index_arms(client, indexed):
    def put(item):
        return client.put_item(TableName=indexed, Item=item, ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert arms(put(full_item("a"))) == (3.0, 1.0, {"gsi": 1.0}, {"lsi": 1.0})
    # An identical overwrite changes no index entry.
    assert arms(put(full_item("a"))) == (1.0, 1.0, {}, {})
    assert "GlobalSecondaryIndexes" not in put(full_item("a"))
    # A sparse item is in no index.
    assert arms(put({"pk": S("b"), "sk": S("1"), "other": S("o")})) == (1.0, 1.0, {}, {})
    # TOTAL folds the indexes in, with no arms.
    r = client.put_item(TableName=indexed, Item=full_item("c"), ReturnConsumedCapacity="TOTAL")
    assert r["ConsumedCapacity"] == {"TableName": indexed, "CapacityUnits": 3.0}
    # The index entry is sized by its projection: a 3 KB unprojected
    # attribute costs the table and the ALL-projected LSI, not the GSI.
    assert arms(put(full_item("d", other="o" * 3000))) == (7.0, 3.0, {"gsi": 1.0}, {"lsi": 3.0})


def test_update_index_ladder(client, indexed):
    def update(pk, expr, values=None):
        kw = {"ExpressionAttributeValues": values} if values else {}
        if "#o" in expr:
            kw["ExpressionAttributeNames"] = {"#o": "other"}
        return arms(client.update_item(TableName=indexed, Key={"pk": S(pk), "sk": S("1")}, UpdateExpression=expr,
                                       ReturnConsumedCapacity="INDEXES", **kw)["ConsumedCapacity"])
    for pk in ("u1", "u2", "u3", "u4", "u5"):
        client.put_item(TableName=indexed, Item=full_item(pk))
    # Unprojected in the GSI (INCLUDE proj): only the ALL LSI changes.
    assert update("u1", "SET #o = :v", {":v": S("o2")}) == (2.0, 1.0, {}, {"lsi": 1.0})
    assert update("u2", "SET proj = :v", {":v": S("p2")}) == (3.0, 1.0, {"gsi": 1.0}, {"lsi": 1.0})
    # Moving the GSI key: a delete and a put.
    assert update("u3", "SET gpk = :v", {":v": S("moved")}) == (4.0, 1.0, {"gsi": 2.0}, {"lsi": 1.0})
    # Removing it: a delete only.
    assert update("u4", "REMOVE gpk") == (3.0, 1.0, {"gsi": 1.0}, {"lsi": 1.0})
    assert update("u5", "SET lsk = :v", {":v": S("l2")}) == (3.0, 1.0, {}, {"lsi": 2.0})
    # Creating an item by update puts its entries.
    assert update("u6", "SET gpk = :g, proj = :p", {":g": S("g"), ":p": S("p")}) == (2.0, 1.0, {"gsi": 1.0}, {})


def test_delete_index_arms(client, indexed):
    client.put_item(TableName=indexed, Item=full_item("d"))
    r = client.delete_item(TableName=indexed, Key={"pk": S("d"), "sk": S("1")}, ReturnConsumedCapacity="INDEXES")
    assert arms(r["ConsumedCapacity"]) == (3.0, 1.0, {"gsi": 1.0}, {"lsi": 1.0})


def test_conditional_failure_answers_without_capacity(client, plain):
    client.put_item(TableName=plain, Item={"pk": S("c"), "v": S("x" * 2000)})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client.put_item(TableName=plain, Item={"pk": S("c")}, ConditionExpression="attribute_not_exists(pk)",
                        ReturnConsumedCapacity="TOTAL")
    assert e.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    # DynamoDB's error body carries no ConsumedCapacity.
    assert "ConsumedCapacity" not in e.value.response


# ---- batches and transactions -----------------------------------------------

def test_batch_get_per_table_and_per_item(client, plain, indexed):
    client.put_item(TableName=plain, Item={"pk": S("s"), "v": S("x" * 1500)})
    client.put_item(TableName=plain, Item={"pk": S("l"), "v": S("x" * 6600)})
    client.put_item(TableName=indexed, Item=full_item("b"))
    r = client.batch_get_item(RequestItems={
        plain: {"Keys": [{"pk": S("s")}, {"pk": S("l")}, {"pk": S("missing")}], "ConsistentRead": True},
        indexed: {"Keys": [{"pk": S("b"), "sk": S("1")}]},
    }, ReturnConsumedCapacity="INDEXES")
    by = {c["TableName"]: c for c in r["ConsumedCapacity"]}
    # 1.5 KB -> 4 KB, 6.5 KB -> 8 KB, missing -> minimum: 1 + 2 + 1.
    assert by[plain] == {"TableName": plain, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 4.0}}
    assert by[indexed] == {"TableName": indexed, "CapacityUnits": 0.5, "Table": {"CapacityUnits": 0.5}}


def test_batch_write_per_table_with_index_arms(client, plain, indexed):
    client.put_item(TableName=plain, Item={"pk": S("old"), "v": S("x" * 2500)})
    client.put_item(TableName=indexed, Item=full_item("gone"))
    r = client.batch_write_item(RequestItems={
        indexed: [{"PutRequest": {"Item": full_item("n1")}},
                  {"PutRequest": {"Item": {"pk": S("n2"), "sk": S("1")}}},
                  {"DeleteRequest": {"Key": {"pk": S("gone"), "sk": S("1")}}}],
        plain: [{"PutRequest": {"Item": {"pk": S("old")}}},           # replaces 3 KB: 3
                {"DeleteRequest": {"Key": {"pk": S("never")}}}],       # missing: 1
    }, ReturnConsumedCapacity="INDEXES")
    assert r["UnprocessedItems"] == {}
    by = {c["TableName"]: c for c in r["ConsumedCapacity"]}
    assert [c["TableName"] for c in r["ConsumedCapacity"]] == [indexed, plain]
    assert arms(by[indexed]) == (7.0, 3.0, {"gsi": 2.0}, {"lsi": 2.0})
    assert arms(by[plain]) == (4.0, 4.0, {}, {})


def test_transactions_double_and_split(client, plain, indexed):
    client.put_item(TableName=plain, Item={"pk": S("chk"), "v": S("x" * 5000)})
    r = client.transact_write_items(TransactItems=[
        {"Put": {"TableName": indexed, "Item": full_item("t1")}},
        {"ConditionCheck": {"TableName": plain, "Key": {"pk": S("chk")}, "ConditionExpression": "attribute_exists(pk)"}},
        {"Put": {"TableName": plain, "Item": {"pk": S("t2"), "v": S("x" * 1500)}}},
    ], ReturnConsumedCapacity="INDEXES")
    by = {c["TableName"]: c for c in r["ConsumedCapacity"]}
    assert by[indexed] == {
        "TableName": indexed, "CapacityUnits": 6.0, "WriteCapacityUnits": 6.0,
        "Table": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0},
        "LocalSecondaryIndexes": {"lsi": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}},
        "GlobalSecondaryIndexes": {"gsi": {"CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}}}
    # The check reads 5 KB (2 units, doubled); the put writes 1.5 KB (2, doubled).
    assert by[plain] == {"TableName": plain, "CapacityUnits": 8.0, "ReadCapacityUnits": 4.0, "WriteCapacityUnits": 4.0,
                         "Table": {"CapacityUnits": 8.0, "ReadCapacityUnits": 4.0, "WriteCapacityUnits": 4.0}}
    t = client.transact_write_items(TransactItems=[{"Put": {"TableName": plain, "Item": {"pk": S("t3")}}}],
                                    ReturnConsumedCapacity="TOTAL")
    assert t["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]
    g = client.transact_get_items(TransactItems=[{"Get": {"TableName": plain, "Key": {"pk": S("chk")}}},
                                                 {"Get": {"TableName": plain, "Key": {"pk": S("nope")}}}],
                                  ReturnConsumedCapacity="INDEXES")
    assert g["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 6.0, "ReadCapacityUnits": 6.0,
                                      "Table": {"CapacityUnits": 6.0, "ReadCapacityUnits": 6.0}}]


def test_partiql(client, plain, indexed):
    r = client.execute_statement(Statement=f"INSERT INTO \"{indexed}\" VALUE {{'pk': 'pq', 'sk': '1', 'gpk': 'g'}}",
                                 ReturnConsumedCapacity="INDEXES")
    assert arms(r["ConsumedCapacity"]) == (2.0, 1.0, {"gsi": 1.0}, {})
    r = client.execute_statement(Statement=f"SELECT * FROM \"{indexed}\".\"gsi\" WHERE gpk = 'g'",
                                 ReturnConsumedCapacity="INDEXES")
    assert arms(r["ConsumedCapacity"]) == (0.5, 0.0, {"gsi": 0.5}, {})
    r = client.execute_statement(Statement=f"UPDATE \"{indexed}\" SET gpk = 'h' WHERE pk = 'pq' AND sk = '1'",
                                 ReturnConsumedCapacity="INDEXES")
    assert arms(r["ConsumedCapacity"]) == (3.0, 1.0, {"gsi": 2.0}, {})
    b = client.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{plain}\" VALUE {{'pk': 'b1'}}"},
        {"Statement": f"DELETE FROM \"{indexed}\" WHERE pk = 'pq' AND sk = '1'"},
    ], ReturnConsumedCapacity="INDEXES")
    by = {c["TableName"]: c for c in b["ConsumedCapacity"]}
    assert arms(by[plain]) == (1.0, 1.0, {}, {})
    assert arms(by[indexed]) == (2.0, 1.0, {"gsi": 1.0}, {})
    t = client.execute_transaction(TransactStatements=[
        {"Statement": f"UPDATE \"{plain}\" SET v = 1 WHERE pk = 'b1'"}], ReturnConsumedCapacity="TOTAL")
    assert t["ConsumedCapacity"] == [{"TableName": plain, "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]


# ---- ReturnItemCollectionMetrics --------------------------------------------

def test_item_collection_metrics_for_every_write_on_lsi_tables(client, plain, indexed):
    def icm(m, pk):
        assert m["ItemCollectionKey"] == {"pk": S(pk)}
        assert m["SizeEstimateRangeGB"] == [0.0, 1.0]
    r = client.put_item(TableName=indexed, Item=full_item("m"), ReturnItemCollectionMetrics="SIZE")
    icm(r["ItemCollectionMetrics"], "m")
    r = client.update_item(TableName=indexed, Key={"pk": S("m"), "sk": S("1")}, UpdateExpression="SET v = :v",
                           ExpressionAttributeValues={":v": S("1")}, ReturnItemCollectionMetrics="SIZE")
    icm(r["ItemCollectionMetrics"], "m")
    r = client.delete_item(TableName=indexed, Key={"pk": S("m"), "sk": S("1")}, ReturnItemCollectionMetrics="SIZE")
    icm(r["ItemCollectionMetrics"], "m")
    # Not for a table without local indexes.
    r = client.put_item(TableName=plain, Item={"pk": S("m")}, ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in r
    r = client.batch_write_item(RequestItems={
        indexed: [{"PutRequest": {"Item": full_item("b1")}}, {"PutRequest": {"Item": full_item("b1", "2")}},
                  {"PutRequest": {"Item": full_item("b2")}}],
        plain: [{"PutRequest": {"Item": {"pk": S("b")}}}],
    }, ReturnItemCollectionMetrics="SIZE")
    assert set(r["ItemCollectionMetrics"]) == {indexed}
    got = r["ItemCollectionMetrics"][indexed]
    assert len(got) == 2  # one per item collection written
    for m, pk in zip(got, ("b1", "b2")):
        icm(m, pk)
    r = client.batch_write_item(RequestItems={indexed: [{"PutRequest": {"Item": full_item("b3")}}]})
    assert "ItemCollectionMetrics" not in r
    r = client.transact_write_items(TransactItems=[
        {"Put": {"TableName": indexed, "Item": full_item("t1")}},
        {"ConditionCheck": {"TableName": indexed, "Key": {"pk": S("b2"), "sk": S("1")},
                            "ConditionExpression": "attribute_exists(pk)"}},
        {"Put": {"TableName": plain, "Item": {"pk": S("t")}}},
    ], ReturnItemCollectionMetrics="SIZE")
    assert set(r["ItemCollectionMetrics"]) == {indexed}
    assert len(r["ItemCollectionMetrics"][indexed]) == 1
    icm(r["ItemCollectionMetrics"][indexed][0], "t1")


# ---- UpdateTable: the decrease budget ----------------------------------------

def test_fifth_decrease_in_a_day_is_refused(client, table_name):
    import datetime
    import re
    name = table_name("capdec")
    client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=key_schema("pk"), ProvisionedThroughput={"ReadCapacityUnits": 10,
                                                                           "WriteCapacityUnits": 10})
    try:
        def throughput(r, w):
            return client.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": r,
                                                                              "WriteCapacityUnits": w})
        # Increases are not limited, and do not count.
        throughput(11, 11)
        for n in range(4):
            throughput(10 - n, 10)
        pt = client.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
        assert pt["NumberOfDecreasesToday"] == 4 and pt["ReadCapacityUnits"] == 7
        with pytest.raises(botocore.exceptions.ClientError) as e:
            throughput(7, 5)  # one dimension down is a decrease
        assert e.value.response["Error"]["Code"] == "LimitExceededException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        msg = e.value.response["Error"]["Message"]
        assert msg.startswith(
            "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After "
            "the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every "
            "3600 seconds. Number of decreases today: 4. Last decrease at ")
        when = r"([A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d:\d\d [AP]M) Coordinated Universal Time"
        m = re.fullmatch(r".*Last decrease at " + when + r". Next decrease can be made at " + when, msg)
        assert m, msg
        fmt = "%A, %B %d, %Y at %I:%M:%S %p"
        last = datetime.datetime.strptime(m.group(1), fmt)
        nxt = datetime.datetime.strptime(m.group(2), fmt)
        midnight = (last + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0)
        assert nxt == min(last + datetime.timedelta(hours=1), midnight)
        # Nothing changed; increases still work.
        pt = client.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]
        assert (pt["ReadCapacityUnits"], pt["WriteCapacityUnits"], pt["NumberOfDecreasesToday"]) == (7, 10, 4)
        throughput(8, 10)
    finally:
        client.delete_table(TableName=name)


def test_fifth_switch_to_on_demand_in_a_day_is_refused(client, table_name):
    """Provisioned -> on-demand at most 4 times in a rolling 24 hours;
    on-demand -> provisioned is not limited.  A refused switch changes
    nothing."""
    name = table_name("capsw")
    pt = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    client.create_table(TableName=name, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=key_schema("pk"), ProvisionedThroughput=pt)
    try:
        for _ in range(4):
            client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
            client.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=pt)
        with pytest.raises(botocore.exceptions.ClientError) as e:
            client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")
        assert e.value.response["Error"]["Code"] == "LimitExceededException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert e.value.response["Error"]["Message"] == (
            "Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s).")
        d = client.describe_table(TableName=name)["Table"]
        assert d["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
        assert d["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
        # Throughput changes while provisioned are still accepted.
        client.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 6, "WriteCapacityUnits": 5})
    finally:
        client.delete_table(TableName=name)
