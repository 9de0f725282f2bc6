"""Secondary indexes end to end: sparse / KEYS_ONLY / INCLUDE / ALL GSIs, an
LSI, index pagination, maintenance on write, online GSI creation (backfill)
and deletion, DescribeTable's index descriptions and index validation."""

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import create_simple_table, err, index, key_schema


def create_indexed(client, resource, name):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              [("pk", "S"), ("sk", "S"), ("status", "S"), ("customer", "S"), ("amount", "N"),
                               ("day", "N")]],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("byStatus", "status", "day"),
                                index("byCustomer", "customer", projection="INCLUDE", non_key=["note"]),
                                index("byDay", "day", "amount", projection="ALL")],
        LocalSecondaryIndexes=[index("byAmount", "pk", "amount")],
        BillingMode="PAY_PER_REQUEST")
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(60):
            item = {"pk": "u1" if i < 40 else "u2", "sk": f"s{i:02d}", "amount": (i * 7) % 50 - 10,
                    "customer": f"c{i % 3}", "note": f"n{i}", "secret": f"x{i}", "day": i % 5}
            if i % 4 == 0:
                item["status"] = "open"
            b.put_item(Item=item)
    return t


@pytest.fixture(scope="module")
def shop(server):
    return create_indexed(server.client(), server.resource(), "idx-shop-shared")


@pytest.fixture
def fresh(client, resource, table_name):
    return create_indexed(client, resource, table_name("idx"))


def q_error(client, **kw):
    with pytest.raises(ClientError) as e:
        client.query(**kw)
    return err(e)


def pages_of(table, **kw):
    out, start, n = [], None, 0
    while True:
        if start:
            kw["ExclusiveStartKey"] = start
        r = table.query(**kw)
        n += 1
        out += r["Items"]
        start = r.get("LastEvaluatedKey")
        if not start:
            return out, n


# -------------------------------------------------------------- reading

def test_sparse_keys_only_gsi(shop):
    r = shop.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"))
    assert r["Count"] == 15 and r["ScannedCount"] == 15
    assert all(set(i) == {"pk", "sk", "status", "day"} for i in r["Items"])
    days = [int(i["day"]) for i in r["Items"]]
    assert days == sorted(days)
    r = shop.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open") & Key("day").between(1, 2))
    assert sorted(int(i["sk"][1:]) for i in r["Items"]) == [i for i in range(0, 60, 4) if i % 5 in (1, 2)]
    # Only the items that have the attribute are in the index.
    r = shop.scan(IndexName="byStatus", Select="COUNT")
    assert r["Count"] == 15


def test_include_gsi_projects_only_named_attributes(shop):
    r = shop.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"))
    assert r["Count"] == 20
    assert all(set(i) == {"pk", "sk", "customer", "note"} for i in r["Items"])
    r = shop.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"),
                   Select="ALL_PROJECTED_ATTRIBUTES", Limit=1)
    assert set(r["Items"][0]) == {"pk", "sk", "customer", "note"}
    r = shop.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"),
                   ProjectionExpression="note", FilterExpression=Attr("note").begins_with("n1"))
    assert sorted(i["note"] for i in r["Items"]) == sorted(f"n{i}" for i in range(60) if i % 3 == 1
                                                           and str(i).startswith("1"))


def test_all_gsi_with_numeric_keys_and_non_unique_entries(shop):
    # day/amount: many items share a day and several share (day, amount).
    items, n = pages_of(shop, IndexName="byDay", KeyConditionExpression=Key("day").eq(3), Limit=2)
    assert n >= 6
    ids = [(i["pk"], i["sk"]) for i in items]
    assert len(ids) == len(set(ids)) == 12
    amounts = [int(i["amount"]) for i in items]
    assert amounts == sorted(amounts)
    assert "secret" in items[0]  # ALL projection
    # Same walk backwards.
    back, _ = pages_of(shop, IndexName="byDay", KeyConditionExpression=Key("day").eq(3), Limit=5,
                       ScanIndexForward=False)
    assert [(i["pk"], i["sk"]) for i in back] == ids[::-1] or \
        sorted(int(i["amount"]) for i in back) == amounts and [int(i["amount"]) for i in back] == amounts[::-1]
    assert len({(i["pk"], i["sk"]) for i in back}) == 12
    r = shop.query(IndexName="byDay", KeyConditionExpression=Key("day").eq(3) & Key("amount").lt(0),
                   Select="ALL_ATTRIBUTES")
    assert all(int(i["amount"]) < 0 for i in r["Items"]) and r["Count"] > 0


def test_non_unique_gsi_key_pagination_limit_one(client, resource, table_name):
    name = table_name("dup")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"},
                              {"AttributeName": "r", "AttributeType": "N"}],
        KeySchema=key_schema("pk"),
        GlobalSecondaryIndexes=[index("grIdx", "g", "r", projection="ALL")],
        BillingMode="PAY_PER_REQUEST")
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(30):
            b.put_item(Item={"pk": f"k{i}", "g": "same", "r": i % 3})
    for forward in (True, False):
        items, n = pages_of(t, IndexName="grIdx", KeyConditionExpression=Key("g").eq("same"), Limit=1,
                            ScanIndexForward=forward)
        assert n == 31
        assert sorted(i["pk"] for i in items) == sorted(f"k{i}" for i in range(30))
        rs = [int(i["r"]) for i in items]
        assert rs == sorted(rs, reverse=not forward)
    r = t.query(IndexName="grIdx", KeyConditionExpression=Key("g").eq("same"), Limit=4)
    assert set(r["LastEvaluatedKey"]) == {"pk", "g", "r"}


def test_index_last_evaluated_key_and_round_trip(client, shop):
    r = client.query(TableName=shop.name, IndexName="byCustomer", KeyConditionExpression="customer = :c",
                     ExpressionAttributeValues={":c": {"S": "c2"}}, Limit=3)
    lek = r["LastEvaluatedKey"]
    assert set(lek) == {"pk", "sk", "customer"}
    last = r["Items"][-1]
    assert lek == {"pk": last["pk"], "sk": last["sk"], "customer": last["customer"]}
    r2 = client.query(TableName=shop.name, IndexName="byCustomer", KeyConditionExpression="customer = :c",
                      ExpressionAttributeValues={":c": {"S": "c2"}}, ExclusiveStartKey=lek)
    both = [(i["pk"]["S"], i["sk"]["S"]) for i in r["Items"] + r2["Items"]]
    assert len(both) == len(set(both)) == 20
    # LSI pages carry table key + LSI sort key.
    r = client.query(TableName=shop.name, IndexName="byAmount", KeyConditionExpression="pk = :p",
                     ExpressionAttributeValues={":p": {"S": "u1"}}, Limit=5)
    assert set(r["LastEvaluatedKey"]) == {"pk", "sk", "amount"}
    # Scan of the GSI with the sort key.
    r = client.scan(TableName=shop.name, IndexName="byStatus", Limit=4)
    assert set(r["LastEvaluatedKey"]) == {"pk", "sk", "status", "day"}


def test_index_exclusive_start_key_validation(client, shop):
    V = "ValidationException"
    base = dict(TableName=shop.name, IndexName="byCustomer", KeyConditionExpression="customer = :c",
                ExpressionAttributeValues={":c": {"S": "c2"}})
    for esk in [{"customer": {"S": "c2"}},                                  # table key missing
                {"pk": {"S": "u1"}, "sk": {"S": "s02"}},                    # index key missing
                {"pk": {"S": "u1"}, "sk": {"S": "s02"}, "customer": {"N": "2"}}]:
        code, message = q_error(client, **base, ExclusiveStartKey=esk)
        assert code == V and (message.startswith("The provided starting key is invalid")
                              or message == "The provided key element does not match the schema"), esk
    assert q_error(client, **base, ExclusiveStartKey={"pk": {"S": "u1"}, "sk": {"S": "s02"},
                                                      "customer": {"S": "c1"}}) == (
        V, "The provided starting key is outside query boundaries based on provided conditions")


def test_lsi_reads(shop):
    r = shop.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u1") & Key("amount").between(-10, 5),
                   ConsistentRead=True)
    amounts = [int(i["amount"]) for i in r["Items"]]
    assert amounts == sorted(amounts) and all(-10 <= a <= 5 for a in amounts) and amounts[0] < 0
    assert all(set(i) == {"pk", "sk", "amount"} for i in r["Items"])  # KEYS_ONLY
    # LSIs fetch the rest from the table: ALL_ATTRIBUTES, projections and filters on other attributes.
    r = shop.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u1"), Select="ALL_ATTRIBUTES",
                   ScanIndexForward=False, Limit=3)
    assert all("secret" in i for i in r["Items"])
    assert [int(i["amount"]) for i in r["Items"]] == sorted((int(i["amount"]) for i in r["Items"]), reverse=True)
    r = shop.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u2"), ProjectionExpression="secret",
                   FilterExpression=Attr("note").eq("n45"))
    assert r["Items"] == [{"secret": "x45"}] and r["ScannedCount"] == 20


def test_index_query_validation(client, shop):
    V = "ValidationException"
    assert q_error(client, TableName=shop.name, IndexName="byStatus", KeyConditionExpression="#s = :s",
                   ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":s": {"S": "open"}},
                   ConsistentRead=True) == (V, "Consistent reads are not supported on global secondary indexes")
    for ix, cond, vals in [("byStatus", "#s = :s", {":s": {"S": "open"}}),
                           ("byCustomer", "customer = :s", {":s": {"S": "c1"}})]:
        kw = dict(TableName=shop.name, IndexName=ix, KeyConditionExpression=cond, ExpressionAttributeValues=vals)
        if "#s" in cond:
            kw["ExpressionAttributeNames"] = {"#s": "status"}
        assert q_error(client, **kw, Select="ALL_ATTRIBUTES") == (
            V, f"One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
               f"secondary index {ix} because its projection type is not ALL")
    assert q_error(client, TableName=shop.name, IndexName="nope", KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "u1"}}) == (
        V, "The table does not have the specified index: nope")
    # The key condition is checked against the index's key schema.
    assert q_error(client, TableName=shop.name, IndexName="byCustomer", KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "u1"}}) == (
        V, "Query condition missed key schema element: customer")
    assert q_error(client, TableName=shop.name, IndexName="byDay", KeyConditionExpression="#d = :d",
                   ExpressionAttributeNames={"#d": "day"}, ExpressionAttributeValues={":d": {"S": "1"}}) == (
        V, "One or more parameter values were invalid: Condition parameter type does not match schema type")
    assert q_error(client, TableName=shop.name, IndexName="byAmount",
                   KeyConditionExpression="pk = :p AND sk = :s",
                   ExpressionAttributeValues={":p": {"S": "u1"}, ":s": {"S": "s01"}}) == (
        V, "Query condition missed key schema element: amount")
    # ALL_ATTRIBUTES is fine on an ALL GSI and on an LSI.
    assert client.query(TableName=shop.name, IndexName="byDay", KeyConditionExpression="#d = :d",
                        ExpressionAttributeNames={"#d": "day"}, ExpressionAttributeValues={":d": {"N": "1"}},
                        Select="ALL_ATTRIBUTES")["Count"] == 12


# -------------------------------------------------------------- maintenance

def test_index_maintenance_on_update_put_delete(client, fresh):
    t = fresh
    q_open = lambda: {(i["pk"], i["sk"]) for i in t.query(  # noqa: E731
        IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"))["Items"]}
    q_closed = lambda: {(i["pk"], i["sk"]) for i in t.query(  # noqa: E731
        IndexName="byStatus", KeyConditionExpression=Key("status").eq("closed"))["Items"]}
    assert len(q_open()) == 15 and q_closed() == set()
    # UpdateItem changes the GSI hash key: the entry moves.
    t.update_item(Key={"pk": "u1", "sk": "s00"}, UpdateExpression="SET #s = :c",
                  ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":c": "closed"})
    assert ("u1", "s00") not in q_open() and q_closed() == {("u1", "s00")}
    # An item that gains the attribute joins the sparse index.
    t.update_item(Key={"pk": "u1", "sk": "s01"}, UpdateExpression="SET #s = :o",
                  ExpressionAttributeNames={"#s": "status"}, ExpressionAttributeValues={":o": "open"})
    assert ("u1", "s01") in q_open()
    # Changing the GSI sort key reorders the entry.
    t.update_item(Key={"pk": "u1", "sk": "s01"}, UpdateExpression="SET #d = :d",
                  ExpressionAttributeNames={"#d": "day"}, ExpressionAttributeValues={":d": 99})
    r = t.query(IndexName="byStatus", KeyConditionExpression=Key("status").eq("open"), ScanIndexForward=False, Limit=1)
    assert (r["Items"][0]["sk"], int(r["Items"][0]["day"])) == ("s01", 99)
    # Losing the attribute removes it.
    t.update_item(Key={"pk": "u1", "sk": "s04"}, UpdateExpression="REMOVE #s", ExpressionAttributeNames={"#s": "status"})
    assert ("u1", "s04") not in q_open()
    # PutItem overwrite without the attribute removes it; DeleteItem removes.
    t.put_item(Item={"pk": "u1", "sk": "s08", "day": 1})
    t.delete_item(Key={"pk": "u1", "sk": "s12"})
    assert not {("u1", "s08"), ("u1", "s12")} & q_open()
    assert len(q_open()) == 15 - 1 + 1 - 1 - 2
    # INCLUDE projection follows a change of a projected non-key attribute.
    t.update_item(Key={"pk": "u1", "sk": "s01"}, UpdateExpression="SET note = :n", ExpressionAttributeValues={":n": "new"})
    r = t.query(IndexName="byCustomer", KeyConditionExpression=Key("customer").eq("c1"),
                FilterExpression=Attr("sk").eq("s01"))
    assert r["Items"] == [{"pk": "u1", "sk": "s01", "customer": "c1", "note": "new"}]
    # LSI entry moves when its sort key changes, and follows deletes.
    t.update_item(Key={"pk": "u2", "sk": "s41"}, UpdateExpression="SET amount = :a", ExpressionAttributeValues={":a": 1000})
    r = t.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u2"), ScanIndexForward=False, Limit=1)
    assert r["Items"][0]["sk"] == "s41"
    t.delete_item(Key={"pk": "u2", "sk": "s41"})
    r = t.query(IndexName="byAmount", KeyConditionExpression=Key("pk").eq("u2") & Key("amount").gt(100))
    assert r["Count"] == 0
    d = client.describe_table(TableName=t.name)["Table"]
    g = {x["IndexName"]: x for x in d["GlobalSecondaryIndexes"]}
    assert g["byStatus"]["ItemCount"] == 12 + 1  # open + closed entries
    assert d["LocalSecondaryIndexes"][0]["ItemCount"] == 60 - 2 - 1  # two deletes, s08 lost its amount


def test_index_key_type_mismatch_rejected_on_write(fresh):
    with pytest.raises(ClientError) as e:
        fresh.put_item(Item={"pk": "u9", "sk": "x", "status": 5})
    code, message = err(e)
    assert code == "ValidationException"
    assert message == ("One or more parameter values were invalid: Type mismatch for Index Key status "
                       "Expected: S Actual: N IndexName: byStatus")


def test_index_key_size_limits_on_write(client, table_name):
    name = table_name("idxsize")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              [("pk", "S"), ("g", "S"), ("r", "S"), ("b", "B")]],
        KeySchema=key_schema("pk"),
        GlobalSecondaryIndexes=[index("byG", "g", "r", projection="ALL"), index("byB", "b")])

    def put_error(item):
        with pytest.raises(ClientError) as e:
            client.put_item(TableName=name, Item=item)
        return err(e)

    # at the limits: fine
    client.put_item(TableName=name, Item={"pk": {"S": "ok"}, "g": {"S": "g" * 2048}, "r": {"S": "r" * 1024}})
    assert put_error({"pk": {"S": "a"}, "g": {"S": "g" * 2049}}) == (
        "ValidationException", "One or more parameter values were invalid: Size limit exceeded for Index Key g "
        "Actual Size: 2049 bytes Max Size: 2048 bytes IndexName: byG")
    assert put_error({"pk": {"S": "a"}, "g": {"S": "g"}, "r": {"S": "r" * 1025}}) == (
        "ValidationException", "One or more parameter values were invalid: Size limit exceeded for Index Key r "
        "Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: byG")
    assert put_error({"pk": {"S": "a"}, "b": {"B": b""}}) == (
        "ValidationException", "One or more parameter values are not valid. A value specified for a secondary "
        "index key is not supported. The AttributeValue for a key attribute cannot contain an empty binary value. "
        "IndexName: byB, IndexKey: b")
    # UpdateItem is held to the same limits, and writes nothing
    with pytest.raises(ClientError) as e:
        client.update_item(TableName=name, Key={"pk": {"S": "ok"}}, UpdateExpression="SET g = :g",
                           ExpressionAttributeValues={":g": {"S": "x" * 3000}})
    assert err(e)[1].startswith("One or more parameter values were invalid: Size limit exceeded for Index Key g")
    assert client.get_item(TableName=name, Key={"pk": {"S": "ok"}})["Item"]["g"]["S"] == "g" * 2048
    assert client.scan(TableName=name, Select="COUNT")["Count"] == 1


# -------------------------------------------------------------- DescribeTable

def test_describe_table_reports_every_index(client, shop):
    d = client.describe_table(TableName=shop.name)["Table"]
    arn = d["TableArn"]
    g = {x["IndexName"]: x for x in d["GlobalSecondaryIndexes"]}
    assert set(g) == {"byStatus", "byCustomer", "byDay"}
    s = g["byStatus"]
    assert s["KeySchema"] == [{"AttributeName": "status", "KeyType": "HASH"},
                              {"AttributeName": "day", "KeyType": "RANGE"}]
    assert s["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert s["IndexStatus"] == "ACTIVE"
    assert s["ItemCount"] == 15 and s["IndexSizeBytes"] > 0
    assert s["IndexArn"] == f"{arn}/index/byStatus"
    assert s["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert s["ProvisionedThroughput"]["WriteCapacityUnits"] == 0
    assert s["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 0
    assert g["byCustomer"]["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}
    assert g["byCustomer"]["ItemCount"] == 60 and g["byDay"]["ItemCount"] == 60
    assert g["byDay"]["IndexSizeBytes"] > g["byCustomer"]["IndexSizeBytes"] > s["IndexSizeBytes"]
    (lsi,) = d["LocalSecondaryIndexes"]
    assert lsi["IndexName"] == "byAmount" and lsi["ItemCount"] == 60 and lsi["IndexSizeBytes"] > 0
    assert lsi["IndexArn"] == f"{arn}/index/byAmount"
    assert lsi["Projection"] == {"ProjectionType": "KEYS_ONLY"}
    assert "IndexStatus" not in lsi and "ProvisionedThroughput" not in lsi


def test_provisioned_gsi_throughput_described(client, table_name):
    name = table_name("prov")
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "gIdx1", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"},
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    g = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert g["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert g["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert g["ItemCount"] == 0 and g["IndexSizeBytes"] == 0


# -------------------------------------------------------------- online create / delete

def test_create_gsi_on_populated_table_backfills_and_delete_removes(client, resource, table_name):
    name = table_name("online")
    create_simple_table(client, name, range_key="sk", range_type="N")
    t = resource.Table(name)
    with t.batch_writer() as b:
        for i in range(200):
            item = {"pk": f"p{i % 10}", "sk": i, "v": f"v{i}"}
            if i % 2:
                item["email"] = f"e{i % 7}"
            if i % 3 == 0:
                item["email"] = 12345  # wrong type for the index key: left out of the index
            b.put_item(Item=item)
    r = client.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "email", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "byEmail",
            "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["v"]}}}])
    assert any(x["IndexName"] == "byEmail" for x in r["TableDescription"]["GlobalSecondaryIndexes"])
    in_index = [i for i in range(200) if i % 2 and i % 3 != 0]
    d = client.describe_table(TableName=name)["Table"]
    (g,) = d["GlobalSecondaryIndexes"]
    assert g["IndexName"] == "byEmail" and g["IndexStatus"] == "ACTIVE"
    assert g["ItemCount"] == len(in_index) and g["IndexSizeBytes"] > 0
    assert {"AttributeName": "email", "AttributeType": "S"} in d["AttributeDefinitions"]
    got = []
    for e in range(7):
        items, _ = pages_of(t, IndexName="byEmail", KeyConditionExpression=Key("email").eq(f"e{e}"), Limit=9)
        sks = [int(i["sk"]) for i in items]
        assert sks == sorted(sks)
        assert all(set(i) == {"pk", "sk", "email", "v"} for i in items)
        got += sks
    assert sorted(got) == in_index
    # The new index is maintained from now on.
    t.put_item(Item={"pk": "new", "sk": 1000, "email": "e0", "v": "fresh"})
    r = t.query(IndexName="byEmail", KeyConditionExpression=Key("email").eq("e0") & Key("sk").gt(999))
    assert r["Items"] == [{"pk": "new", "sk": 1000, "email": "e0", "v": "fresh"}]
    # Delete it: gone from DescribeTable, its attribute definition with it; queries fail.
    client.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byEmail"}}])
    d = client.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in d or all(
        x["IndexName"] != "byEmail" or x["IndexStatus"] == "DELETING" for x in d["GlobalSecondaryIndexes"])
    assert sorted(a["AttributeName"] for a in d["AttributeDefinitions"]) == ["pk", "sk"]
    with pytest.raises(ClientError) as e:
        t.query(IndexName="byEmail", KeyConditionExpression=Key("email").eq("e0"))
    assert err(e) == ("ValidationException", "The table does not have the specified index: byEmail")
    # Items are untouched.
    assert t.scan(Select="COUNT")["Count"] == 201


def test_create_second_gsi_keeps_first(client, fresh):
    client.update_table(
        TableName=fresh.name,
        AttributeDefinitions=[{"AttributeName": "note", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[{"Create": {
            "IndexName": "byNote", "KeySchema": [{"AttributeName": "note", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
    d = client.describe_table(TableName=fresh.name)["Table"]
    g = {x["IndexName"]: x for x in d["GlobalSecondaryIndexes"]}
    assert set(g) == {"byStatus", "byCustomer", "byDay", "byNote"} and g["byNote"]["ItemCount"] == 60
    r = fresh.query(IndexName="byNote", KeyConditionExpression=Key("note").eq("n17"))
    assert r["Items"] == [{"pk": "u1", "sk": "s17", "note": "n17"}]
    # Deleting one GSI keeps attribute definitions other indexes still use.
    client.update_table(TableName=fresh.name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byStatus"}}])
    d = client.describe_table(TableName=fresh.name)["Table"]
    names = {a["AttributeName"] for a in d["AttributeDefinitions"]}
    assert "status" not in names and {"day", "amount", "customer", "note"} <= names
    assert fresh.query(IndexName="byDay", KeyConditionExpression=Key("day").eq(0))["Count"] == 12
