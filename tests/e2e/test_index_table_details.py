"""Index and table details (issue 15, part 6): projection validation, the GSI
backfill, what index reads return, UpdateTable's refusals, attribute type
redefinition and DeleteTable's TableDescription.

Facts: the DynamoDB API Reference (Projection, Query Select, DeleteTable), and
DynamoDB answers published by conformance and emulator suites that run against
AWS (quoted next to each test)."""

import json

import pytest
from boto3.dynamodb.conditions import Attr, Key

from conftest import AWS_CLI, DEFAULT_AKID, create_simple_table, error_message, index, key_schema, raw_post, rejected

INVALID = "One or more parameter values were invalid: "
NOTHING_TO_UPDATE = ("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                     "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
                     "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, "
                     "WarmThroughput or TableClass is required")


def attrs(**types):
    return [{"AttributeName": n, "AttributeType": t} for n, t in types.items()]


def create_with_gsi(client, name, projection, **defs):
    return client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(pk="S", g="S", **defs),
        KeySchema=key_schema("pk"), GlobalSecondaryIndexes=[dict(index("gix", "g"), Projection=projection)])


def add_gsi(client, table, name, hash_key, range_key=None, projection=None, defs=None):
    return client.update_table(
        TableName=table, AttributeDefinitions=attrs(**(defs or {hash_key: "S"})),
        GlobalSecondaryIndexUpdates=[{"Create": dict(index(name, hash_key, range_key),
                                                     Projection=projection or {"ProjectionType": "ALL"})}])


# ---------------------------------------------------------------- projection validation

@pytest.mark.parametrize("projection,message", [
    ({"ProjectionType": "INCLUDE"}, "ProjectionType is INCLUDE, but NonKeyAttributes is not specified"),
    ({"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["a"]}, "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
    ({"ProjectionType": "ALL", "NonKeyAttributes": ["a"]}, "ProjectionType is ALL, but NonKeyAttributes is specified"),
    ({"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b", "a"]}, "Duplicate element in NonKeyAttributes: a"),
    ({}, "Unknown ProjectionType: null"),
])
def test_projection_rules_create_table(loose, client, table_name, projection, message):
    name = table_name("Proj")
    assert rejected(create_with_gsi, client=loose, name=name, projection=projection) == INVALID + message
    # The same rules for an LSI, and for an index added by UpdateTable.
    msg = rejected(loose.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=attrs(pk="S", sk="S", l="S"), KeySchema=key_schema("pk", "sk"),
                   LocalSecondaryIndexes=[dict(index("lix", "pk", "l"), Projection=projection)])
    assert msg == INVALID + message
    create_simple_table(client, name)
    msg = rejected(loose.update_table, TableName=name, AttributeDefinitions=attrs(g="S"),
                   GlobalSecondaryIndexUpdates=[{"Create": dict(index("gix", "g"), Projection=projection)}])
    assert msg == INVALID + message
    assert "GlobalSecondaryIndexes" not in client.describe_table(TableName=name)["Table"]


def test_key_attributes_may_be_listed_in_non_key_attributes(client, resource, table_name):
    """Accepted, and projected as they always are (test_gsi.py in ScyllaDB's suite, run against AWS)."""
    name = table_name("ProjKeys")
    create_with_gsi(client, name, {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["pk", "a", "g"]})
    t = resource.Table(name)
    t.put_item(Item={"pk": "p", "g": "x", "a": "A", "b": "B"})
    assert t.scan(IndexName="gix")["Items"] == [{"pk": "p", "g": "x", "a": "A"}]
    g = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert g["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "g", "pk"]}


def test_projected_attributes_are_at_most_100_over_all_indexes(client, loose, table_name):
    def gsis(n, per):
        return [dict(index(f"gsi{i}", f"h{i}"),
                     Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": [f"a{i}_{j}" for j in range(per)]})
                for i in range(n)]
    defs = [{"AttributeName": "pk", "AttributeType": "S"}] + [
        {"AttributeName": f"h{i}", "AttributeType": "S"} for i in range(6)]
    name = table_name("Proj100")
    msg = rejected(loose.create_table, TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=defs,
                   KeySchema=key_schema("pk"), GlobalSecondaryIndexes=gsis(6, 17))
    assert msg == INVALID + "Number of projected attributes in all indexes exceeds limit of 100"
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=defs[:6],
                        KeySchema=key_schema("pk"), GlobalSecondaryIndexes=gsis(5, 20))
    msg = rejected(loose.update_table, TableName=name, AttributeDefinitions=attrs(h5="S"),
                   GlobalSecondaryIndexUpdates=[{"Create": dict(
                       index("gs5", "h5"), Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["z"]})}])
    assert msg == INVALID + "Number of projected attributes in all indexes exceeds limit of 100"
    # ALL and KEYS_ONLY do not count.
    add_gsi(client, name, "gs5", "h5", projection={"ProjectionType": "KEYS_ONLY"})


# ---------------------------------------------------------------- backfill

def test_backfill_skips_items_an_index_key_cannot_hold(client, resource, table_name):
    """Items whose index key would be missing, of another type, empty or too long stay in the
    table and out of the index (DynamoDB's "index key violations"; ScyllaDB's
    test_gsi_updatetable.py, run against AWS, pins 2048/1024 bytes and the empty string)."""
    name = table_name("Backfill")
    create_simple_table(client, name, range_key="c")
    t = resource.Table(name)
    xs = {"ok": "hello", "missing": None, "number": 7, "empty": "", "h2048": "a" * 2048, "h2049": "a" * 2049,
          "r1024": "b" * 1024, "r1025": "b" * 1025}
    for p, x in xs.items():
        item = {"pk": p, "c": "c"}
        if x is not None:
            item["x"] = x
        t.put_item(Item=item)
    add_gsi(client, name, "byX", "x")
    got = {i["pk"] for i in t.scan(IndexName="byX")["Items"]}
    assert got == {"ok", "h2048", "r1024", "r1025"}
    add_gsi(client, name, "byCX", "c", "x", defs={"c": "S", "x": "S"})
    got = {i["pk"] for i in t.scan(IndexName="byCX")["Items"]}
    assert got == {"ok", "r1024"}
    g = {x["IndexName"]: x for x in client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"]}
    assert g["byX"]["ItemCount"] == 4 and g["byCX"]["ItemCount"] == 2
    assert g["byX"]["IndexStatus"] == "ACTIVE"
    # Every item is still in the table.
    assert t.scan(Select="COUNT")["Count"] == len(xs)
    # Writes after the index exists are refused as before.
    msg = rejected(t.put_item, Item={"pk": "new", "c": "c", "x": 5})
    assert msg == INVALID + "Type mismatch for Index Key x Expected: S Actual: N IndexName: byX"
    msg = rejected(t.put_item, Item={"pk": "new", "c": "c", "x": ""})
    assert "A value specified for a secondary index key is not supported" in msg
    msg = rejected(t.put_item, Item={"pk": "new", "c": "c", "x": "a" * 1025})
    assert msg == INVALID + "Size limit exceeded for Index Key x Actual Size: 1025 bytes Max Size: 1024 bytes IndexName: byCX"
    # Deleting a skipped item leaves the index as it is.
    t.delete_item(Key={"pk": "empty", "c": "c"})
    assert len(t.scan(IndexName="byX")["Items"]) == 4


# ---------------------------------------------------------------- what index reads return

@pytest.fixture
def proj(client, resource, table_name):
    """pk/sk table: GSI gkx (KEYS_ONLY), GSI gix (INCLUDE a), LSI lkx (KEYS_ONLY on l), LSI lax (ALL on l)."""
    name = table_name("Reads")
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(pk="S", sk="S", g="S", l="N"),
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("gkx", "g"),
                                index("gix", "g", "sk", projection="INCLUDE", non_key=["a"])],
        LocalSecondaryIndexes=[index("lkx", "pk", "l"), index("lax", "pk", "l", projection="ALL")])
    t = resource.Table(name)
    for i in range(5):
        t.put_item(Item={"pk": "p", "sk": f"s{i}", "g": "G", "l": i, "a": f"a{i}", "b": f"b{i}"})
    return t


def test_index_reads_return_exactly_the_projection(proj):
    items = proj.query(IndexName="gkx", KeyConditionExpression=Key("g").eq("G"))["Items"]
    assert sorted(map(sorted, items)) == [["g", "pk", "sk"]] * 5
    items = proj.query(IndexName="gix", KeyConditionExpression=Key("g").eq("G"))["Items"]
    assert items[0] == {"pk": "p", "sk": "s0", "g": "G", "a": "a0"}
    for consistent in (False, True):
        items = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), ConsistentRead=consistent)["Items"]
        assert items == [{"pk": "p", "sk": f"s{i}", "l": i} for i in range(5)]
        items = proj.scan(IndexName="lkx", ConsistentRead=consistent)["Items"]
        assert sorted(i["l"] for i in items) == list(range(5)) and all(set(i) == {"pk", "sk", "l"} for i in items)
        items = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), ConsistentRead=consistent,
                           Select="ALL_PROJECTED_ATTRIBUTES")["Items"]
        assert all(set(i) == {"pk", "sk", "l"} for i in items)
    items = proj.query(IndexName="lax", KeyConditionExpression=Key("pk").eq("p"))["Items"]
    assert items[0] == {"pk": "p", "sk": "s0", "g": "G", "l": 0, "a": "a0", "b": "b0"}


def test_index_select_count_and_filters(proj):
    r = proj.query(IndexName="gkx", KeyConditionExpression=Key("g").eq("G"), Select="COUNT")
    assert r["Count"] == 5 and "Items" not in r
    r = proj.scan(IndexName="lkx", Select="COUNT", ConsistentRead=True)
    assert r["Count"] == 5 and "Items" not in r
    # A filter on an attribute the LSI does not project reads the table's item,
    # but the answer is still the projection.
    r = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), FilterExpression=Attr("b").eq("b3"))
    assert r["Items"] == [{"pk": "p", "sk": "s3", "l": 3}]
    r = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), FilterExpression=Attr("b").eq("b3"),
                   Select="COUNT")
    assert r["Count"] == 1
    # A GSI cannot fetch: its filter sees only the projection.
    r = proj.query(IndexName="gkx", KeyConditionExpression=Key("g").eq("G"), FilterExpression=Attr("b").eq("b3"))
    assert r["Count"] == 0 and r["ScannedCount"] == 5


def test_select_all_attributes_on_an_index(client, proj):
    """GSI: refused unless it projects ALL; LSI: the table's items (API Reference, Query Select)."""
    for read, kw in [(proj.query, {"KeyConditionExpression": Key("g").eq("G")}), (proj.scan, {})]:
        for ix in ("gkx", "gix"):
            msg = rejected(read, IndexName=ix, Select="ALL_ATTRIBUTES", **kw)
            assert msg == (INVALID + f"Select type ALL_ATTRIBUTES is not supported for global secondary index {ix} "
                           "because its projection type is not ALL")
    items = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), Select="ALL_ATTRIBUTES",
                       ConsistentRead=True)["Items"]
    assert items[0] == {"pk": "p", "sk": "s0", "g": "G", "l": 0, "a": "a0", "b": "b0"}
    # ProjectionExpression / AttributesToGet: an LSI fetches what it does not
    # project; a GSI answers the attributes it has and no error.
    items = proj.query(IndexName="lkx", KeyConditionExpression=Key("pk").eq("p"), ProjectionExpression="b, l")["Items"]
    assert items[0] == {"b": "b0", "l": 0}
    items = proj.query(IndexName="gkx", KeyConditionExpression=Key("g").eq("G"), ProjectionExpression="b, sk")["Items"]
    assert sorted(i["sk"] for i in items) == [f"s{i}" for i in range(5)] and all(set(i) == {"sk"} for i in items)
    r = client.query(TableName=proj.name, IndexName="gix", KeyConditions={
        "g": {"AttributeValueList": [{"S": "G"}], "ComparisonOperator": "EQ"}}, AttributesToGet=["a", "b"])
    assert all(set(i) == {"a"} for i in r["Items"])


# ---------------------------------------------------------------- adding a GSI to a table with LSIs

def test_add_gsi_to_table_with_lsi(client, resource, table_name):
    name = table_name("LsiGsi")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(pk="S", sk="S", x="S"),
                        KeySchema=key_schema("pk", "sk"), LocalSecondaryIndexes=[index("lxi", "pk", "x", projection="ALL")])
    t = resource.Table(name)
    for i in range(6):
        t.put_item(Item={"pk": f"p{i % 2}", "sk": f"s{i}", "x": f"x{i % 3}", "y": i})
    r = add_gsi(client, name, "gxi", "x", defs={"x": "S"})
    d = r["TableDescription"]
    assert [x["IndexName"] for x in d["LocalSecondaryIndexes"]] == ["lxi"]
    assert [x["IndexName"] for x in d["GlobalSecondaryIndexes"]] == ["gxi"]
    items = t.query(IndexName="gxi", KeyConditionExpression=Key("x").eq("x1"))["Items"]
    assert sorted(i["sk"] for i in items) == ["s1", "s4"]
    items = t.query(IndexName="lxi", KeyConditionExpression=Key("pk").eq("p0") & Key("x").eq("x2"))["Items"]
    assert [i["sk"] for i in items] == ["s2"]
    t.put_item(Item={"pk": "p0", "sk": "s9", "x": "x1"})
    assert len(t.query(IndexName="gxi", KeyConditionExpression=Key("x").eq("x1"))["Items"]) == 3
    d = client.describe_table(TableName=name)["Table"]
    assert {a["AttributeName"] for a in d["AttributeDefinitions"]} == {"pk", "sk", "x"}
    assert d["LocalSecondaryIndexes"][0]["ItemCount"] == 7 and d["GlobalSecondaryIndexes"][0]["ItemCount"] == 7


# ---------------------------------------------------------------- UpdateTable refusals

def test_empty_update_table(server, client, loose, table_name):
    name = table_name("Empty")
    create_simple_table(client, name, billing="PROVISIONED")
    assert rejected(loose.update_table, TableName=name) == NOTHING_TO_UPDATE
    assert rejected(loose.update_table, TableName=name, GlobalSecondaryIndexUpdates=[]) == NOTHING_TO_UPDATE
    assert rejected(loose.update_table, TableName=name, AttributeDefinitions=attrs(pk="S")) == NOTHING_TO_UPDATE
    # The members the request has are left out of the list.
    status, _, body = raw_post(server.url, "DynamoDB_20120810.UpdateTable",
                               {"TableName": name, "MultiRegionConsistency": "STRONG"})
    assert status == 400
    assert error_message(body) == NOTHING_TO_UPDATE.replace("MultiRegionConsistency, ", "")
    # With a change, the empty list is refused on its own and nothing changes.
    status, _, body = raw_post(server.url, "DynamoDB_20120810.UpdateTable",
                               {"TableName": name, "GlobalSecondaryIndexUpdates": [], "DeletionProtectionEnabled": True})
    assert status == 400 and error_message(body) == INVALID + "List of GlobalSecondaryIndexUpdates is empty"
    assert raw_post(server.url, "DynamoDB_20120810.DescribeTable", {"TableName": name})[2]["Table"][
        "DeletionProtectionEnabled"] is False
    # Values equal to the current ones.
    msg = rejected(client.update_table, TableName=name,
                   ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    assert msg == ("The provisioned throughput for the table will not change. The requested value equals the current "
                   "value. Current ReadCapacityUnits provisioned for the table: 5. Requested ReadCapacityUnits: 5. "
                   "Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to "
                   "the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
    msg = rejected(client.update_table, TableName=name, BillingMode="PROVISIONED")
    assert msg == INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED"


def test_gsi_update_errors(client, loose, table_name):
    name = table_name("GsiErr")
    pt = {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}
    client.create_table(TableName=name, AttributeDefinitions=attrs(pk="S", sk="S", g="S", l="S"),
                        KeySchema=key_schema("pk", "sk"), ProvisionedThroughput=pt,
                        GlobalSecondaryIndexes=[dict(index("gs1", "g"), ProvisionedThroughput=pt)],
                        LocalSecondaryIndexes=[index("ls1", "pk", "l")])
    msg = rejected(client.update_table, TableName=name,
                   GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "gs1", "ProvisionedThroughput": pt}}])
    assert msg == ("The provisioned throughput for the index gs1 will not change. The requested value equals the current "
                   "value. Current ReadCapacityUnits provisioned for index gs1: 2. Requested ReadCapacityUnits: 2. "
                   "Current WriteCapacityUnits provisioned for index gs1: 2. Requested WriteCapacityUnits: 2. Refer to "
                   "the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.")
    msg = rejected(client.update_table, code="ResourceNotFoundException", TableName=name,
                   GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}])
    assert msg == f"Requested resource not found: Index nope for table {name}"
    msg = rejected(client.update_table, TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "ls1"}}])
    assert msg == "Cannot delete an index that is not a GlobalSecondaryIndex: ls1"
    msg = rejected(client.update_table, TableName=name, AttributeDefinitions=attrs(g="S"),
                   GlobalSecondaryIndexUpdates=[{"Create": dict(index("ls1", "g"), Projection={"ProjectionType": "ALL"},
                                                                ProvisionedThroughput=pt)}])
    assert msg == "Attempting to create an index which already exists"
    msg = rejected(loose.update_table, TableName=name, GlobalSecondaryIndexUpdates=[{}])
    assert msg == INVALID + ("One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                             "GlobalSecondaryIndexUpdate.Delete must not be null")
    msg = rejected(loose.update_table, TableName=name, GlobalSecondaryIndexUpdates=[
        {"Update": {"IndexName": "gs1", "ProvisionedThroughput": pt}, "Delete": {"IndexName": "gs1"}}])
    assert msg == INVALID + "Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object"
    msg = rejected(loose.update_table, TableName=name, AttributeDefinitions=attrs(g="S"), GlobalSecondaryIndexUpdates=[
        {"Delete": {"IndexName": "gs1"}},
        {"Create": dict(index("gs1", "g"), Projection={"ProjectionType": "ALL"}, ProvisionedThroughput=pt)}])
    assert msg == INVALID + "Only one global secondary index update per index is allowed simultaneously. Index: gs1"


def test_switch_to_provisioned_needs_every_gsi_throughput(client, table_name):
    """PAY_PER_REQUEST -> PROVISIONED needs ProvisionedThroughput for the table
    and an Update with ProvisionedThroughput for every GSI; DynamoDB names the
    others, separated by commas (dynalite's suite, run against AWS)."""
    name = table_name("ToProv")
    pt = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(pk="S", a="S", b="S"),
                        KeySchema=key_schema("pk"), GlobalSecondaryIndexes=[index("ixa", "a"), index("ixb", "b")])
    assert rejected(client.update_table, TableName=name, BillingMode="PROVISIONED") == (
        INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    assert rejected(client.update_table, TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=pt) == (
        INVALID + "ProvisionedThroughput must be specified for index: ixa,ixb")
    assert rejected(client.update_table, TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=pt,
                    GlobalSecondaryIndexUpdates=[{"Update": {"IndexName": "ixb", "ProvisionedThroughput": pt}}]) == (
        INVALID + "ProvisionedThroughput must be specified for index: ixa")
    assert client.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    t = client.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=pt,
                            GlobalSecondaryIndexUpdates=[
                                {"Update": {"IndexName": n, "ProvisionedThroughput": pt}} for n in ("ixa", "ixb")])
    t = client.describe_table(TableName=name)["Table"]
    assert t["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    for g in t["GlobalSecondaryIndexes"]:
        assert (g["ProvisionedThroughput"]["ReadCapacityUnits"], g["ProvisionedThroughput"]["WriteCapacityUnits"]) == (3, 4)


# ---------------------------------------------------------------- one concern per UpdateTable
# AWS's answers to each pair (ack-api-quirks DDB-TABLE-174, -382, -433): nothing
# is applied when a pair is refused.

SSE_ONLY = INVALID + "Server-Side Encryption modification must be the only operation in the request"
CLASS_ONLY = INVALID + "TableClass modification must be the only operation in the request"
DP_ONLY = INVALID + "DeletionProtection modification must be the only operation in the request"
WARM_ONLY = INVALID + "WarmThroughput must be the only operation in the request"
ODT_BILLING = INVALID + "OnDemandThroughput can only be combined with BillingMode in an UpdateTable request"
WARM_CREATE = INVALID + "Create global secondary index cannot be specified when updating WarmThroughput"
INDEX_IOPS = INVALID + "You cannot create or delete index while updating table IOPS"
INDEX_STREAM = INVALID + "You cannot create or delete index while changing stream status"
STREAM_IOPS = INVALID + "You cannot modify stream status while updating table IOPS"
PT = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
SSE = {"Enabled": True, "SSEType": "KMS"}
WARM = {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 5000}
ODT = {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 100}
STREAM = {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}


def gsi_create(name="gnew", key="g"):
    return {"Create": dict(index(name, key), Projection={"ProjectionType": "ALL"})}


@pytest.mark.parametrize("members,message", [
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], ProvisionedThroughput=PT), INDEX_IOPS),
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], StreamSpecification=STREAM), INDEX_STREAM),
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], DeletionProtectionEnabled=True), DP_ONLY),
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], SSESpecification=SSE), SSE_ONLY),
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], TableClass="STANDARD_INFREQUENT_ACCESS"), CLASS_ONLY),
    (dict(GlobalSecondaryIndexUpdates=[gsi_create()], WarmThroughput=WARM), WARM_CREATE),
    (dict(GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gold"}}], ProvisionedThroughput=PT), INDEX_IOPS),
    (dict(ProvisionedThroughput=PT, StreamSpecification=STREAM), STREAM_IOPS),
    (dict(ProvisionedThroughput=PT, DeletionProtectionEnabled=True), DP_ONLY),
    (dict(StreamSpecification=STREAM, DeletionProtectionEnabled=True), DP_ONLY),
    (dict(DeletionProtectionEnabled=True, SSESpecification=SSE), SSE_ONLY),
    (dict(DeletionProtectionEnabled=True, TableClass="STANDARD_INFREQUENT_ACCESS"), CLASS_ONLY),
    (dict(DeletionProtectionEnabled=True, WarmThroughput=WARM), DP_ONLY),
    (dict(StreamSpecification=STREAM, WarmThroughput=WARM), WARM_ONLY),
    (dict(BillingMode="PAY_PER_REQUEST", WarmThroughput=WARM), WARM_ONLY),
    (dict(OnDemandThroughput=ODT, StreamSpecification=STREAM), ODT_BILLING),
    (dict(OnDemandThroughput=ODT, WarmThroughput=WARM), ODT_BILLING),
])
def test_update_table_changes_one_concern(server, client, table_name, members, message):
    name = table_name("OneConcern")
    client.create_table(TableName=name, AttributeDefinitions=attrs(pk="S", o="S"), KeySchema=key_schema("pk"),
                        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                        GlobalSecondaryIndexes=[dict(index("gold", "o"), ProvisionedThroughput=PT)])
    before = client.describe_table(TableName=name)["Table"]
    # raw: this botocore lacks DeletionProtectionEnabled, WarmThroughput, OnDemandThroughput.
    status, _, body = raw_post(server.url, "DynamoDB_20120810.UpdateTable",
                               dict(TableName=name, AttributeDefinitions=attrs(g="S"), **members))
    assert (status, error_message(body)) == (400, message)
    assert client.describe_table(TableName=name)["Table"] == before


def test_update_table_combinations_dynamodb_accepts(client, table_name):
    """A GSI Create with a GSI Update, or with a switch to PAY_PER_REQUEST; a
    switch to PAY_PER_REQUEST with a stream."""
    name = table_name("Combos")
    client.create_table(TableName=name, AttributeDefinitions=attrs(pk="S", o="S"), KeySchema=key_schema("pk"),
                        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                        GlobalSecondaryIndexes=[dict(index("gold", "o"), ProvisionedThroughput=PT)])
    client.update_table(TableName=name, AttributeDefinitions=attrs(g="S"), GlobalSecondaryIndexUpdates=[
        {"Create": dict(gsi_create()["Create"], ProvisionedThroughput=PT)},
        {"Update": {"IndexName": "gold", "ProvisionedThroughput": {"ReadCapacityUnits": 6, "WriteCapacityUnits": 6}}}])
    t = client.describe_table(TableName=name)["Table"]
    assert sorted(g["IndexName"] for g in t["GlobalSecondaryIndexes"]) == ["gnew", "gold"]
    client.update_table(TableName=name, BillingMode="PAY_PER_REQUEST", StreamSpecification=STREAM)
    t = client.describe_table(TableName=name)["Table"]
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST" and t["StreamSpecification"]["StreamEnabled"]
    other = table_name("Combos2")
    client.create_table(TableName=other, AttributeDefinitions=attrs(pk="S"), KeySchema=key_schema("pk"),
                        ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    client.update_table(TableName=other, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(g="S"),
                        GlobalSecondaryIndexUpdates=[gsi_create()])
    t = client.describe_table(TableName=other)["Table"]
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [g["IndexName"] for g in t["GlobalSecondaryIndexes"]] == ["gnew"]


def test_gsi_throughput_wording(client, loose, table_name):
    """CreateTable: "ProvisionedThroughput is not specified for index"; UpdateTable's
    Create: "Both ReadCapacityUnits and WriteCapacityUnits must be specified
    for index" (AWS, as published)."""
    name = table_name("GsiPt")
    assert rejected(client.create_table, TableName=name, AttributeDefinitions=attrs(pk="S", g="S"),
                    KeySchema=key_schema("pk"), ProvisionedThroughput=PT,
                    GlobalSecondaryIndexes=[dict(index("gix", "g"), Projection={"ProjectionType": "ALL"})]) == (
        INVALID + "ProvisionedThroughput is not specified for index: gix")
    client.create_table(TableName=name, AttributeDefinitions=attrs(pk="S"), KeySchema=key_schema("pk"),
                        ProvisionedThroughput=PT)
    assert rejected(client.update_table, TableName=name, AttributeDefinitions=attrs(g="S"),
                    GlobalSecondaryIndexUpdates=[gsi_create("gix")]) == (
        INVALID + "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: gix")
    assert rejected(client.update_table, TableName=name, StreamSpecification={"StreamEnabled": False}) == (
        f"Table has no stream to disable: TableName: {name}")


def test_descriptions_sort_attribute_definitions_and_non_key_attributes(client, table_name):
    """AttributeDefinitions and NonKeyAttributes come back sorted by name,
    indexes and key schemas in the order given (AWS, ack-api-quirks
    DDB-TABLE-125)."""
    name = table_name("Sorted")
    defs = [{"AttributeName": n, "AttributeType": "S"} for n in ("z", "a", "m", "sk", "pk")]
    r = client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=defs, KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[
            dict(index("g-z", "z", "a"), Projection={"ProjectionType": "INCLUDE", "NonKeyAttributes": ["zz", "aa", "mm", "sk"]}),
            dict(index("g-a", "m"), Projection={"ProjectionType": "KEYS_ONLY"})])
    for t in (r["TableDescription"], client.describe_table(TableName=name)["Table"]):
        assert [a["AttributeName"] for a in t["AttributeDefinitions"]] == ["a", "m", "pk", "sk", "z"]
        assert [g["IndexName"] for g in t["GlobalSecondaryIndexes"]] == ["g-z", "g-a"]
        g = t["GlobalSecondaryIndexes"][0]
        assert g["Projection"]["NonKeyAttributes"] == ["aa", "mm", "sk", "zz"]
        assert [k["AttributeName"] for k in g["KeySchema"]] == ["z", "a"]


def test_twenty_first_gsi_by_update_table_is_a_limit(client, table_name):
    name = table_name("Gsi21")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=attrs(pk="S", **{f"h{i}": "S" for i in range(20)}),
                        KeySchema=key_schema("pk"), GlobalSecondaryIndexes=[index(f"gsi{i}", f"h{i}") for i in range(20)])
    msg = rejected(add_gsi, code="LimitExceededException", client=client, table=name, name="gsi20", hash_key="h20")
    assert msg == "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20"


# ---------------------------------------------------------------- redefining an attribute's type

def test_create_table_duplicate_attribute_definitions(loose, table_name):
    for second in ("S", "N"):
        msg = rejected(loose.create_table, TableName=table_name("Dup"), BillingMode="PAY_PER_REQUEST",
                       AttributeDefinitions=attrs(pk="S") + attrs(pk=second), KeySchema=key_schema("pk"))
        assert msg == "Attribute Name is duplicated: pk"


def test_update_table_redefining_a_type(client, table_name):
    """ScyllaDB's test_gsi_key_type_conflict_on_update quotes DynamoDB's message."""
    name = table_name("Redef")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(p="S", xyz="S"),
                        KeySchema=key_schema("p"), GlobalSecondaryIndexes=[index("index1", "xyz", projection="ALL")])
    msg = rejected(add_gsi, client=client, table=name, name="index2", hash_key="xyz", defs={"xyz": "N"})
    assert msg == (INVALID + "Attributes cannot be redefined. Please check that your attribute has the same type as "
                   "previously defined. Existing schema: Schema:[SchemaElement: key{xyz:S:HASH}] New schema: "
                   "Schema:[SchemaElement: key{xyz:N:HASH}]")
    # A definition the new index does not use may conflict: it is ignored.
    add_gsi(client, name, "index2", "w", defs={"w": "S", "p": "N"})
    d = client.describe_table(TableName=name)["Table"]
    assert sorted((a["AttributeName"], a["AttributeType"]) for a in d["AttributeDefinitions"]) == [
        ("p", "S"), ("w", "S"), ("xyz", "S")]
    # A new index needs AttributeDefinitions, even for a known attribute.
    msg = rejected(client.update_table, TableName=name, GlobalSecondaryIndexUpdates=[
        {"Create": dict(index("index3", "xyz"), Projection={"ProjectionType": "ALL"})}])
    assert msg == INVALID + "AttributeDefinitions is not specified for index: index3"


# ---------------------------------------------------------------- DeleteTable's TableDescription

DELETED_KEYS = {"TableName", "TableStatus", "ProvisionedThroughput", "TableSizeBytes", "ItemCount", "TableArn",
                "TableId", "DeletionProtectionEnabled"}


def delete_raw(server, name):
    status, _, body = raw_post(server.url, "DynamoDB_20120810.DeleteTable", {"TableName": name})
    assert status == 200, body
    return body["TableDescription"]


def test_delete_table_description(server, client, table_name):
    """As DynamoDB answers (ScyllaDB's test_delete_table_description*, published CLI traces):
    no KeySchema, AttributeDefinitions, CreationDateTime or indexes."""
    name = table_name("Del")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", AttributeDefinitions=attrs(p="S", c="S", x="S"),
                        KeySchema=key_schema("p", "c"), GlobalSecondaryIndexes=[index("hello", "x", projection="ALL")],
                        LocalSecondaryIndexes=[index("hithere", "p", "x", projection="ALL")])
    client.put_item(TableName=name, Item={"p": {"S": "a"}, "c": {"S": "b"}, "x": {"S": "c"}})
    table_id = client.describe_table(TableName=name)["Table"]["TableId"]
    d = delete_raw(server, name)
    assert set(d) == DELETED_KEYS | {"BillingModeSummary"}
    assert d["TableName"] == name and d["TableStatus"] == "DELETING" and d["TableId"] == table_id
    assert d["TableArn"].endswith(f":table/{name}")
    assert d["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    assert d["ItemCount"] == 1 and d["TableSizeBytes"] > 0
    assert d["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "LastUpdateToPayPerRequestDateTime" in d["BillingModeSummary"]
    assert d["DeletionProtectionEnabled"] is False
    name = table_name("DelProv")
    create_simple_table(client, name, billing="PROVISIONED")
    d = delete_raw(server, name)
    assert set(d) == DELETED_KEYS
    assert d["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 5, "WriteCapacityUnits": 5}


# ---------------------------------------------------------------- AWS CLI

@pytest.mark.skipif(AWS_CLI is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli_delete_table_and_empty_update(server, client, table_name):
    from test_cli import aws
    name = table_name("Cli")
    create_simple_table(client, name)
    p = aws(server, "update-table", "--table-name", name, check=False, akid=DEFAULT_AKID)
    assert p.returncode != 0 and "ValidationException" in p.stderr and NOTHING_TO_UPDATE in p.stderr
    p = aws(server, "delete-table", "--table-name", name, akid=DEFAULT_AKID)
    d = json.loads(p.stdout)["TableDescription"]
    # (An older CLI drops DeletionProtectionEnabled, a member its model lacks.)
    assert set(d) - {"DeletionProtectionEnabled"} == DELETED_KEYS - {"DeletionProtectionEnabled"} | {"BillingModeSummary"}
    assert d["TableStatus"] == "DELETING"
