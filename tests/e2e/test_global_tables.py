"""Global tables (issue 18): replicas of a table in several regions' namespaces
of one server, both API versions.

Replication is asynchronous: a test writes in one region and polls the other
with a bounded deadline (`eventually`); nothing is asserted on time.  The
module's server forwards changes after --replication-delay 20 (ms); the
conflict test starts its own server with a longer delay so that both writes
happen before either is forwarded."""

import json
import os
import subprocess
import time

import boto3
import pytest

from conftest import (AWS_CLI, DEFAULT_AKID, DEFAULT_SECRET, DdbdServer, create_simple_table, error_message,
                      error_type, raw_post, rejected)

US, EU, AP = "us-east-1", "eu-west-1", "ap-southeast-1"
TARGET = "DynamoDB_20120810."


@pytest.fixture(scope="module")
def gserver(tmp_path_factory):
    srv = DdbdServer()
    srv.start(["--replication-delay", "20"], tmp_path_factory.mktemp("ddbd-global"))
    yield srv
    srv.stop()


def eventually(fn, timeout=15.0, what="condition"):
    """Polls fn() until it returns a true value (returned) or the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        v = fn()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def item_in(client, table, pk):
    return client.get_item(TableName=table, Key={"pk": {"S": pk}}, ConsistentRead=True).get("Item")


def streamed_table(client, name, view="NEW_AND_OLD_IMAGES", **kw):
    create_simple_table(client, name, **kw)
    if view:
        client.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": view})


def replica_regions(desc):
    return sorted(r["RegionName"] for r in desc.get("Replicas", []))


# ---- version 2019.11.21 ----

def test_replica_create_backfills_and_replicates_both_ways(gserver, table_name):
    us, eu = gserver.client(region=US), gserver.client(region=EU)
    name = table_name("g19")
    create_simple_table(us, name)
    us.put_item(TableName=name, Item={"pk": {"S": "before"}, "v": {"N": "1"}})
    desc = us.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])["TableDescription"]
    assert desc["GlobalTableVersion"] == "2019.11.21"
    assert replica_regions(desc) == [EU]
    # The replica table exists in eu-west-1 and lists us-east-1.
    eu_desc = eu.describe_table(TableName=name)["Table"]
    assert eu_desc["GlobalTableVersion"] == "2019.11.21"
    assert replica_regions(eu_desc) == [US]
    assert eu_desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert eu_desc["KeySchema"] == desc["KeySchema"]
    # Backfilled from the existing data.
    assert eventually(lambda: item_in(eu, name, "before"), what="backfill")["v"] == {"N": "1"}
    # us-east-1 -> eu-west-1 and back.
    us.put_item(TableName=name, Item={"pk": {"S": "a"}, "from": {"S": US}})
    assert eventually(lambda: item_in(eu, name, "a"), what="us -> eu")["from"] == {"S": US}
    eu.put_item(TableName=name, Item={"pk": {"S": "b"}, "from": {"S": EU}})
    assert eventually(lambda: item_in(us, name, "b"), what="eu -> us")["from"] == {"S": EU}
    # A delete replicates too.
    eu.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    eventually(lambda: item_in(us, name, "a") is None, what="delete eu -> us")
    # The replica's own stream shows the replicated writes.
    ds = boto3.client("dynamodbstreams", endpoint_url=gserver.url, region_name=EU, aws_access_key_id=DEFAULT_AKID,
                      aws_secret_access_key=DEFAULT_SECRET)
    arn = eu_desc["LatestStreamArn"]
    shard = ds.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = ds.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    keys = [r["dynamodb"]["Keys"]["pk"]["S"] for r in ds.get_records(ShardIterator=it)["Records"]]
    assert "before" in keys and "a" in keys


def test_replica_delete_stops_replication(gserver, table_name):
    us, eu, ap = (gserver.client(region=r) for r in (US, EU, AP))
    name = table_name("g19d")
    create_simple_table(us, name)
    us.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}, {"Create": {"RegionName": AP}}])
    assert replica_regions(ap.describe_table(TableName=name)["Table"]) == [EU, US]
    desc = us.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": AP}}])["TableDescription"]
    assert replica_regions(desc) == [EU]
    rejected(ap.describe_table, "ResourceNotFoundException", TableName=name)
    us.put_item(TableName=name, Item={"pk": {"S": "after"}})
    eventually(lambda: item_in(eu, name, "after"), what="us -> eu after the delete")
    # The last other replica removed: a plain table again.
    desc = us.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": EU}}])["TableDescription"]
    assert "GlobalTableVersion" not in desc and "Replicas" not in desc
    rejected(eu.describe_table, "ResourceNotFoundException", TableName=name)


def test_replica_bad_input_changes_nothing(gserver, table_name):
    us, eu = gserver.client(region=US), gserver.client(region=EU)
    name = table_name("g19bad")
    create_simple_table(us, name)
    msg = rejected(us.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "mars-north-1"}}])
    assert "mars-north-1" in msg
    msg = rejected(us.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": US}}])
    assert msg == ("Cannot add, delete, or update the local region through ReplicaUpdates. "
                   "Use CreateTable, DeleteTable, or UpdateTable as required.")
    rejected(us.update_table, TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": EU}}])
    # A table of the same name already in the target region.
    create_simple_table(eu, name)
    rejected(us.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    assert "Replicas" not in us.describe_table(TableName=name)["Table"]
    assert "Replicas" not in eu.describe_table(TableName=name)["Table"]
    # A stream of another view type cannot carry replication.
    other = table_name("g19view")
    streamed_table(us, other, view="KEYS_ONLY")
    rejected(us.update_table, TableName=other, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    rejected(eu.describe_table, "ResourceNotFoundException", TableName=other)


def test_replica_stream_cannot_be_disabled_and_overrides_are_described(gserver, table_name):
    us = gserver.client(region=US)
    name = table_name("g19o")
    create_simple_table(us, name, billing="PROVISIONED")
    us.update_table(TableName=name, ReplicaUpdates=[{"Create": {
        "RegionName": EU, "KMSMasterKeyId": "alias/replica", "ProvisionedThroughputOverride": {"ReadCapacityUnits": 9},
        "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}])
    rep = us.describe_table(TableName=name)["Table"]["Replicas"][0]
    assert rep["RegionName"] == EU and rep["ReplicaStatus"] == "ACTIVE"
    assert rep["KMSMasterKeyId"] == "alias/replica"
    assert rep["ProvisionedThroughputOverride"] == {"ReadCapacityUnits": 9}
    assert rep["ReplicaTableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    eu_table = gserver.client(region=EU).describe_table(TableName=name)["Table"]
    assert eu_table["ProvisionedThroughput"]["ReadCapacityUnits"] == 9
    us.update_table(TableName=name, ReplicaUpdates=[{"Update": {"RegionName": EU,
                                                                "ProvisionedThroughputOverride": {"ReadCapacityUnits": 4}}}])
    assert us.describe_table(TableName=name)["Table"]["Replicas"][0]["ProvisionedThroughputOverride"] == {
        "ReadCapacityUnits": 4}
    msg = rejected(us.update_table, TableName=name, StreamSpecification={"StreamEnabled": False})
    assert "Disabling Stream is not allowed for a Global Table replica" in msg
    # Replica auto scaling: stored and described.
    upd = us.update_table_replica_auto_scaling(
        TableName=name,
        ProvisionedWriteCapacityAutoScalingUpdate={
            "MinimumUnits": 5, "MaximumUnits": 50,
            "ScalingPolicyUpdate": {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": 70.0}}},
        ReplicaUpdates=[{"RegionName": EU, "ReplicaProvisionedReadCapacityAutoScalingUpdate": {
            "MinimumUnits": 2, "MaximumUnits": 20}}])
    desc = us.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    assert desc == upd["TableAutoScalingDescription"]
    by_region = {r["RegionName"]: r for r in desc["Replicas"]}
    assert set(by_region) == {US, EU}
    assert by_region[EU]["ReplicaProvisionedReadCapacityAutoScalingSettings"]["MaximumUnits"] == 20
    w = by_region[US]["ReplicaProvisionedWriteCapacityAutoScalingSettings"]
    assert (w["MinimumUnits"], w["MaximumUnits"]) == (5, 50)
    assert w["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0
    rejected(us.update_table_replica_auto_scaling, TableName=name,
             ProvisionedWriteCapacityAutoScalingUpdate={"MinimumUnits": 9, "MaximumUnits": 3})


def test_strong_consistency_with_witness_is_synchronous(gserver, table_name):
    name = table_name("g19s")
    us, eu = gserver.client(region=US), gserver.client(region=EU)
    create_simple_table(us, name)
    # botocore 1.29 does not know MultiRegionConsistency: a signed raw request.
    status, _, body = raw_post(gserver.url, TARGET + "UpdateTable", {
        "TableName": name, "ReplicaUpdates": [{"Create": {"RegionName": EU}}],
        "GlobalTableWitnessUpdates": [{"Create": {"RegionName": "us-west-2"}}],
        "MultiRegionConsistency": "STRONG"}, region=US)
    assert status == 200, body
    desc = body["TableDescription"]
    assert desc["MultiRegionConsistency"] == "STRONG"
    assert desc["GlobalTableWitnesses"] == [{"RegionName": "us-west-2", "WitnessStatus": "ACTIVE"}]
    # The write is acknowledged once eu-west-1 has it: read at once, no polling.
    for i in range(5):
        us.put_item(TableName=name, Item={"pk": {"S": f"s{i}"}, "n": {"N": str(i)}})
        assert item_in(eu, name, f"s{i}") == {"pk": {"S": f"s{i}"}, "n": {"N": str(i)}}
    eu.put_item(TableName=name, Item={"pk": {"S": "back"}})
    assert item_in(us, name, "back") == {"pk": {"S": "back"}}
    # STRONG without three regions is refused and changes nothing.
    other = table_name("g19s2")
    create_simple_table(us, other)
    status, _, body = raw_post(gserver.url, TARGET + "UpdateTable", {
        "TableName": other, "ReplicaUpdates": [{"Create": {"RegionName": EU}}], "MultiRegionConsistency": "STRONG"},
        region=US)
    assert status == 400 and error_type(body) == "ValidationException", body
    assert "Replicas" not in us.describe_table(TableName=other)["Table"]


def test_concurrent_conflict_settles_on_last_writer(server_factory, table_name):
    srv = server_factory(["--replication-delay", "1500"])
    us, eu = srv.client(region=US), srv.client(region=EU)
    name = table_name("lww")
    create_simple_table(us, name)
    us.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    # Both regions write the item within the delay; eu-west-1's is later.
    us.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "first"}})
    eu.put_item(TableName=name, Item={"pk": {"S": "k"}, "v": {"S": "second"}})
    eventually(lambda: (item_in(us, name, "k") or {}).get("v") == {"S": "second"}, what="us settles")
    assert item_in(eu, name, "k")["v"] == {"S": "second"}
    # Once the queue is empty both stay on the winner: every replica has
    # the same item, and no further change is in flight.
    eventually(lambda: item_in(us, name, "k") == item_in(eu, name, "k"), what="replicas agree")


def test_replica_set_survives_restart_and_kill9(server_factory, table_name, tmp_path):
    data = tmp_path / "restart"
    data.mkdir()
    srv = server_factory(["--replication-delay", "60000"], data)
    us = srv.client(region=US)
    name = table_name("gre")
    create_simple_table(us, name)
    us.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    # Queued but not forwarded yet (a minute's delay), then kill -9.
    us.put_item(TableName=name, Item={"pk": {"S": "queued"}})
    srv.kill9()
    srv.start(["--replication-delay", "0"], data)
    us, eu = srv.client(region=US), srv.client(region=EU)
    assert replica_regions(us.describe_table(TableName=name)["Table"]) == [EU]
    assert replica_regions(eu.describe_table(TableName=name)["Table"]) == [US]
    # The durable queue is forwarded after the restart.
    eventually(lambda: item_in(eu, name, "queued"), what="queued change after kill -9")
    srv.restart()
    eu = srv.client(region=EU)
    eu.put_item(TableName=name, Item={"pk": {"S": "after"}})
    eventually(lambda: item_in(srv.client(region=US), name, "after"), what="replication after restart")


def test_shared_db_refuses_global_tables(server_factory, table_name):
    srv = server_factory(["--shared-db", "--in-memory"])
    c = srv.client(region=US)
    name = table_name("shared")
    create_simple_table(c, name)
    msg = rejected(c.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    assert "--shared-db" in msg
    msg = rejected(c.create_global_table, GlobalTableName=name, ReplicationGroup=[{"RegionName": US}])
    assert "--shared-db" in msg
    rejected(c.list_global_tables)
    assert "Replicas" not in c.describe_table(TableName=name)["Table"]


# ---- version 2017.11.29 ----

def legacy_group(server, name, regions=(US, EU), **kw):
    for r in regions:
        streamed_table(server.client(region=r), name, **kw)
    return server.client(region=US).create_global_table(
        GlobalTableName=name, ReplicationGroup=[{"RegionName": r} for r in regions])["GlobalTableDescription"]


def test_legacy_create_describe_list_and_replicate(gserver, table_name):
    name = table_name("g17")
    d = legacy_group(gserver, name)
    assert d["GlobalTableName"] == name and d["GlobalTableStatus"] == "ACTIVE"
    assert sorted(r["RegionName"] for r in d["ReplicationGroup"]) == [EU, US]
    assert d["GlobalTableArn"] == f"arn:aws:dynamodb::000000000000:global-table/{name}"
    # Described from any region, also one without a replica.
    assert gserver.client(region=AP).describe_global_table(GlobalTableName=name)["GlobalTableDescription"] == d
    listed = gserver.client(region=US).list_global_tables()["GlobalTables"]
    assert {"GlobalTableName": name, "ReplicationGroup": d["ReplicationGroup"]} in listed
    assert all(g["GlobalTableName"] != name for g in gserver.client().list_global_tables(RegionName=AP)["GlobalTables"])
    # A replicated item carries the 2017 version's aws:rep:* attributes.
    us, eu = gserver.client(region=US), gserver.client(region=EU)
    us.put_item(TableName=name, Item={"pk": {"S": "x"}, "v": {"S": "1"}})
    got = eventually(lambda: item_in(eu, name, "x"), what="2017 us -> eu")
    assert got["v"] == {"S": "1"}
    assert got["aws:rep:updateregion"] == {"S": US}
    assert got["aws:rep:deleting"] == {"BOOL": False}
    assert float(got["aws:rep:updatetime"]["N"]) > 1.5e9
    # Settings: one billing mode for every replica.
    s = us.update_global_table_settings(GlobalTableName=name, GlobalTableBillingMode="PROVISIONED",
                                        GlobalTableProvisionedWriteCapacityUnits=7)
    assert {r["RegionName"]: r["ReplicaProvisionedWriteCapacityUnits"] for r in s["ReplicaSettings"]} == {US: 7, EU: 7}
    s = us.update_global_table_settings(GlobalTableName=name, GlobalTableBillingMode="PAY_PER_REQUEST")
    assert all(r["ReplicaBillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST" for r in s["ReplicaSettings"])
    assert us.describe_global_table_settings(GlobalTableName=name)["ReplicaSettings"] == s["ReplicaSettings"]
    assert eu.describe_table(TableName=name)["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_legacy_update_global_table_adds_and_removes(gserver, table_name):
    name = table_name("g17u")
    legacy_group(gserver, name)
    ap = gserver.client(region=AP)
    streamed_table(ap, name)
    d = gserver.client().update_global_table(GlobalTableName=name, ReplicaUpdates=[{"Create": {"RegionName": AP}}])
    assert sorted(r["RegionName"] for r in d["GlobalTableDescription"]["ReplicationGroup"]) == [AP, EU, US]
    gserver.client(region=EU).put_item(TableName=name, Item={"pk": {"S": "to-ap"}})
    eventually(lambda: item_in(ap, name, "to-ap"), what="eu -> new ap replica")
    d = gserver.client().update_global_table(GlobalTableName=name, ReplicaUpdates=[{"Delete": {"RegionName": AP}}])
    assert sorted(r["RegionName"] for r in d["GlobalTableDescription"]["ReplicationGroup"]) == [EU, US]
    # The removed region's table stays, out of the group.
    ap.put_item(TableName=name, Item={"pk": {"S": "local-only"}})
    gserver.client(region=US).put_item(TableName=name, Item={"pk": {"S": "marker"}})
    eventually(lambda: item_in(gserver.client(region=EU), name, "marker"), what="marker")
    assert item_in(gserver.client(region=EU), name, "local-only") is None
    assert item_in(ap, name, "marker") is None


def test_legacy_errors_change_nothing(gserver, table_name):
    c = gserver.client()
    name = table_name("g17e")
    before = legacy_group(gserver, name)
    rejected(c.create_global_table, "GlobalTableAlreadyExistsException", GlobalTableName=name,
             ReplicationGroup=[{"RegionName": US}])
    rejected(c.update_global_table, "ReplicaAlreadyExistsException", GlobalTableName=name,
             ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    rejected(c.update_global_table, "ReplicaNotFoundException", GlobalTableName=name,
             ReplicaUpdates=[{"Delete": {"RegionName": AP}}])
    rejected(c.update_global_table_settings, "ReplicaNotFoundException", GlobalTableName=name,
             ReplicaSettingsUpdate=[{"RegionName": AP, "ReplicaProvisionedReadCapacityUnits": 3}])
    missing = table_name("g17none")
    rejected(c.describe_global_table, "GlobalTableNotFoundException", GlobalTableName=missing)
    rejected(c.update_global_table, "GlobalTableNotFoundException", GlobalTableName=missing,
             ReplicaUpdates=[{"Create": {"RegionName": EU}}])
    rejected(c.describe_global_table_settings, "GlobalTableNotFoundException", GlobalTableName=missing)
    # A region without the table.
    rejected(c.update_global_table, "TableNotFoundException", GlobalTableName=name,
             ReplicaUpdates=[{"Create": {"RegionName": AP}}])
    # Removing every replica.
    msg = rejected(c.update_global_table, GlobalTableName=name,
                   ReplicaUpdates=[{"Delete": {"RegionName": US}}, {"Delete": {"RegionName": EU}}])
    assert "last replica" in msg
    assert c.describe_global_table(GlobalTableName=name)["GlobalTableDescription"] == before


def test_legacy_preconditions(gserver, table_name):
    c = gserver.client()
    us, eu = gserver.client(region=US), gserver.client(region=EU)
    # No stream in eu-west-1.
    name = table_name("g17ns")
    streamed_table(us, name)
    streamed_table(eu, name, view=None)
    msg = rejected(c.create_global_table, GlobalTableName=name,
                   ReplicationGroup=[{"RegionName": US}, {"RegionName": EU}])
    assert "NEW_AND_OLD_IMAGES" in msg
    # A stream of another view type.
    name2 = table_name("g17kv")
    streamed_table(us, name2)
    streamed_table(eu, name2, view="KEYS_ONLY")
    rejected(c.create_global_table, GlobalTableName=name2, ReplicationGroup=[{"RegionName": US}, {"RegionName": EU}])
    # Not empty.
    name3 = table_name("g17full")
    streamed_table(us, name3)
    streamed_table(eu, name3)
    eu.put_item(TableName=name3, Item={"pk": {"S": "x"}})
    assert "not empty" in rejected(c.create_global_table, GlobalTableName=name3,
                                   ReplicationGroup=[{"RegionName": US}, {"RegionName": EU}])
    # Another key schema.
    name4 = table_name("g17ks")
    streamed_table(us, name4)
    streamed_table(eu, name4, hash_type="N")
    assert "key schema" in rejected(c.create_global_table, GlobalTableName=name4,
                                    ReplicationGroup=[{"RegionName": US}, {"RegionName": EU}])
    # A table missing in one region; an invalid region.
    name5 = table_name("g17miss")
    streamed_table(us, name5)
    rejected(c.create_global_table, "TableNotFoundException", GlobalTableName=name5,
             ReplicationGroup=[{"RegionName": US}, {"RegionName": EU}])
    assert "not-a-region" in rejected(c.create_global_table, GlobalTableName=name5,
                                      ReplicationGroup=[{"RegionName": US}, {"RegionName": "not-a-region"}])
    # None of them became a global table.
    for n in (name, name2, name3, name4, name5):
        rejected(c.describe_global_table, "GlobalTableNotFoundException", GlobalTableName=n)


@pytest.mark.skipif(AWS_CLI is None, reason="AWS CLI not available")
def test_issue_cli_commands(gserver, table_name):
    name = table_name("GlobalOrders")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=DEFAULT_AKID, AWS_SECRET_ACCESS_KEY=DEFAULT_SECRET,
               AWS_DEFAULT_REGION=US, AWS_PAGER="")

    def aws(*args):
        out = subprocess.run([AWS_CLI, "--endpoint-url", gserver.url, "dynamodb", *args, "--output", "json"],
                             capture_output=True, text=True, env=env, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout) if out.stdout.strip() else {}

    for region in (US, EU, AP):
        aws("create-table", "--table-name", name, "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "--key-schema", "AttributeName=pk,KeyType=HASH", "--billing-mode", "PAY_PER_REQUEST",
            "--stream-specification", "StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES", "--region", region)
    created = aws("create-global-table", "--global-table-name", name, "--replication-group",
                  f"RegionName={US}", f"RegionName={EU}", f"RegionName={AP}")
    assert sorted(r["RegionName"] for r in created["GlobalTableDescription"]["ReplicationGroup"]) == [AP, EU, US]
    described = aws("describe-global-table", "--global-table-name", name)
    assert described["GlobalTableDescription"]["GlobalTableStatus"] == "ACTIVE"
    settings = aws("update-global-table-settings", "--global-table-name", name,
                   "--global-table-billing-mode", "PAY_PER_REQUEST")
    assert len(settings["ReplicaSettings"]) == 3
    aws("put-item", "--table-name", name, "--item", '{"pk": {"S": "order-1"}}', "--region", US)
    eventually(lambda: item_in(gserver.client(region=AP), name, "order-1"), what="CLI item in ap-southeast-1")
