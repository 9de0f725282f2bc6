"""Point-in-time recovery: UpdateContinuousBackups, then writes, overwrites and
deletes over a few seconds, then RestoreTableToPointInTime to several seconds
in between, compared with whole-table scans taken at those seconds; the
settings a restored table gets; every error; a restore interrupted by kill -9
completes after the restart; the AWS CLI."""

import json
import math
import os
import subprocess
import time

import pytest

from conftest import AWS_CLI as AWS
from conftest import DdbdServer, create_simple_table, error_message, error_type, index, key_schema, raw_post, rejected
from test_backups import by_key, scan_all, wait_active
ARN_PREFIX = "arn:aws:dynamodb:us-east-1:000000000000:table/"


@pytest.fixture(scope="module")
def pitr_server(tmp_path_factory):
    """A server whose LatestRestorableDateTime is now (DynamoDB's is 5 minutes ago)."""
    srv = DdbdServer()
    srv.start(["--pitr-latest-lag-seconds", "0"], tmp_path_factory.mktemp("ddbd-pitr"))
    yield srv
    srv.stop()


@pytest.fixture
def pc(pitr_server):
    return pitr_server.client()


def enable(client, name):
    client.update_continuous_backups(TableName=name,
                                     PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


def mark():
    """A whole second T after every write so far, with no write of ours in it:
    returns T once the clock has passed it."""
    t = math.ceil(time.time() + 0.001)
    while time.time() < t + 0.05:
        time.sleep(0.01)
    return t


def item(pk, sk, color, n, extra=None):
    it = {"pk": {"S": pk}, "sk": {"S": sk}, "color": {"S": color}, "n": {"N": str(n)}}
    if extra:
        it["extra"] = {"S": extra}
    return it


def make_source(client, name):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              [("pk", "S"), ("sk", "S"), ("color", "S"), ("n", "N")]],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[dict(index("by_color", "color", "sk", projection="ALL"),
                                     ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4})],
        LocalSecondaryIndexes=[index("by_n", "pk", "n", projection="KEYS_ONLY")],
        ProvisionedThroughput={"ReadCapacityUnits": 7, "WriteCapacityUnits": 8},
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        SSESpecification={"Enabled": True, "SSEType": "KMS"},
        Tags=[{"Key": "team", "Value": "a"}])
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})


def restore(client, src, dst, **kw):
    return client.restore_table_to_point_in_time(SourceTableName=src, TargetTableName=dst, **kw)["TableDescription"]


def test_restore_to_each_second(pc, table_name):
    src = table_name("pitr")
    make_source(pc, src)
    before_enable = [item("p0", f"s{i:02d}", "red", i) for i in range(5)]
    for it in before_enable:
        pc.put_item(TableName=src, Item=it)
    enable(pc, src)
    snaps = {}
    # Phase 1: creates.
    for i in range(5, 30):
        pc.put_item(TableName=src, Item=item(f"p{i % 3}", f"s{i:02d}", ["red", "blue"][i % 2], i))
    t1 = mark()
    snaps[t1] = by_key(scan_all(pc, src))
    # Phase 2: overwrites, deletes (one from before PITR was on), creates.
    for i in range(0, 30, 4):
        pc.put_item(TableName=src, Item=item(f"p{i % 3}" if i >= 5 else "p0", f"s{i:02d}", "green", i, "v2"))
    for i in (1, 6, 7, 9):
        pc.delete_item(TableName=src, Key={"pk": {"S": f"p{i % 3}" if i >= 5 else "p0"}, "sk": {"S": f"s{i:02d}"}})
    for i in range(30, 36):
        pc.put_item(TableName=src, Item=item("p9", f"s{i:02d}", "blue", i))
    t2 = mark()
    snaps[t2] = by_key(scan_all(pc, src))
    # Phase 3: deleted items come back, overwritten ones change again, new ones go again.
    pc.put_item(TableName=src, Item=item("p0", "s01", "red", 1, "back"))
    pc.update_item(TableName=src, Key={"pk": {"S": "p0"}, "sk": {"S": "s00"}},
                   UpdateExpression="SET extra = :v", ExpressionAttributeValues={":v": {"S": "v3"}})
    for i in range(30, 33):
        pc.delete_item(TableName=src, Key={"pk": {"S": "p9"}, "sk": {"S": f"s{i:02d}"}})
    t3 = mark()
    snaps[t3] = by_key(scan_all(pc, src))
    assert len({json.dumps(sorted(s.items())) for s in snaps.values()}) == 3

    arn = pc.describe_table(TableName=src)["Table"]["TableArn"]
    for t, expected in snaps.items():
        dst = table_name("pitr-r")
        d = restore(pc, src, dst, RestoreDateTime=t)
        assert d["TableStatus"] == "CREATING"
        assert d["RestoreSummary"] == {"SourceTableArn": arn, "RestoreDateTime": d["RestoreSummary"]["RestoreDateTime"],
                                       "RestoreInProgress": True}
        assert d["RestoreSummary"]["RestoreDateTime"].timestamp() == t
        r = wait_active(pc, dst)
        assert r["RestoreSummary"]["RestoreInProgress"] is False
        got = by_key(scan_all(pc, dst))
        assert got == expected, t
        # The GSI and LSI hold the restored items.
        reds = pc.query(TableName=dst, IndexName="by_color", KeyConditionExpression="color = :c",
                        ExpressionAttributeValues={":c": {"S": "green"}})["Items"]
        assert sorted(i["sk"]["S"] for i in reds) == sorted(k[1] for k, v in expected.items() if v["color"]["S"] == "green")
        p0 = pc.query(TableName=dst, IndexName="by_n", KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": "p0"}})["Items"]
        assert len(p0) == sum(1 for k in expected if k[0] == "p0")
    # The data at t1 lacks what came later, and still has what was deleted later.
    assert ("p9", "s30") not in snaps[t1] and ("p0", "s01") in snaps[t1] and ("p0", "s01") not in snaps[t2]
    assert snaps[t1][("p0", "s04")]["color"]["S"] == "red" and snaps[t2][("p0", "s04")]["color"]["S"] == "green"


def test_restored_settings(pc, table_name):
    """Restored: indexes, billing and throughput, encryption (the source's current
    settings).  Not restored: stream, TTL, tags, PITR."""
    src = table_name("pset")
    make_source(pc, src)
    enable(pc, src)
    pc.put_item(TableName=src, Item=item("a", "1", "red", 1))
    dst = table_name("pset-r")
    restore(pc, src, dst, UseLatestRestorableTime=True)
    t = wait_active(pc, dst)
    s = pc.describe_table(TableName=src)["Table"]
    assert t["KeySchema"] == s["KeySchema"]
    assert sorted(a["AttributeName"] for a in t["AttributeDefinitions"]) == ["color", "n", "pk", "sk"]
    assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 7 and t["ProvisionedThroughput"]["WriteCapacityUnits"] == 8
    g = t["GlobalSecondaryIndexes"][0]
    assert g["IndexName"] == "by_color" and g["IndexStatus"] == "ACTIVE"
    assert g["ProvisionedThroughput"]["ReadCapacityUnits"] == 3 and g["ProvisionedThroughput"]["WriteCapacityUnits"] == 4
    assert [i["IndexName"] for i in t["LocalSecondaryIndexes"]] == ["by_n"]
    assert t["SSEDescription"]["SSEType"] == "KMS"
    assert t["SSEDescription"]["KMSMasterKeyArn"] == s["SSEDescription"]["KMSMasterKeyArn"]
    assert "StreamSpecification" not in t and "LatestStreamArn" not in t
    assert pc.describe_time_to_live(TableName=dst)["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED"
    assert pc.list_tags_of_resource(ResourceArn=t["TableArn"])["Tags"] == []
    p = pc.describe_continuous_backups(TableName=dst)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p == {"PointInTimeRecoveryStatus": "DISABLED"}
    assert t["ItemCount"] == 1 or pc.scan(TableName=dst)["Count"] == 1


def test_by_arn_with_overrides(pc, table_name):
    src = table_name("parn")
    make_source(pc, src)
    enable(pc, src)
    for i in range(10):
        pc.put_item(TableName=src, Item=item("a", f"{i}", "red", i))
    arn = pc.describe_table(TableName=src)["Table"]["TableArn"]
    dst = table_name("parn-r")
    d = pc.restore_table_to_point_in_time(
        SourceTableArn=arn, TargetTableName=dst, UseLatestRestorableTime=True,
        BillingModeOverride="PAY_PER_REQUEST", GlobalSecondaryIndexOverride=[],
        LocalSecondaryIndexOverride=[], SSESpecificationOverride={"Enabled": False})["TableDescription"]
    assert d["RestoreSummary"]["SourceTableArn"] == arn
    t = wait_active(pc, dst)
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert "GlobalSecondaryIndexes" not in t and "LocalSecondaryIndexes" not in t
    assert "SSEDescription" not in t
    assert len(scan_all(pc, dst)) == 10
    dst2 = table_name("parn-p")
    pc.restore_table_to_point_in_time(SourceTableName=src, TargetTableName=dst2, UseLatestRestorableTime=True,
                                      ProvisionedThroughputOverride={"ReadCapacityUnits": 2, "WriteCapacityUnits": 3})
    t = wait_active(pc, dst2)
    assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 2 and t["ProvisionedThroughput"]["WriteCapacityUnits"] == 3


def test_errors(pitr_server, pc, table_name):
    src = table_name("perr")
    create_simple_table(pc, src)
    other = table_name("perr-o")
    create_simple_table(pc, other)
    dst = table_name("perr-r")
    missing = table_name("nope")

    def raw(body):
        st, _, b = raw_post(pitr_server.url, "DynamoDB_20120810.RestoreTableToPointInTime", body)
        return st, error_type(b), error_message(b)

    # PITR not enabled.
    msg = rejected(pc.restore_table_to_point_in_time, "PointInTimeRecoveryUnavailableException",
                   SourceTableName=src, TargetTableName=dst, UseLatestRestorableTime=True)
    assert msg == f"Point in time recovery is not enabled for table '{src}'"
    # Unknown sources.
    msg = rejected(pc.restore_table_to_point_in_time, "TableNotFoundException",
                   SourceTableName=missing, TargetTableName=dst, UseLatestRestorableTime=True)
    assert msg == f"Table not found: {missing}"
    msg = rejected(pc.restore_table_to_point_in_time, "TableNotFoundException",
                   SourceTableArn=ARN_PREFIX + missing, TargetTableName=dst, UseLatestRestorableTime=True)
    assert msg == f"Table not found: {ARN_PREFIX + missing}"
    rejected(pc.restore_table_to_point_in_time, "TableNotFoundException",
             SourceTableArn="arn:aws:dynamodb:eu-west-1:000000000000:table/" + src, TargetTableName=dst,
             UseLatestRestorableTime=True)
    enable(pc, src)
    # The target exists.
    msg = rejected(pc.restore_table_to_point_in_time, "TableAlreadyExistsException",
                   SourceTableName=src, TargetTableName=other, UseLatestRestorableTime=True)
    assert msg == f"Table already exists: {other}"
    # Outside the window: before PITR was enabled, in the future.
    earliest = pc.describe_continuous_backups(TableName=src)["ContinuousBackupsDescription"][
        "PointInTimeRecoveryDescription"]["EarliestRestorableDateTime"].timestamp()
    for when in (earliest - 60, time.time() + 3600):
        msg = rejected(pc.restore_table_to_point_in_time, "InvalidRestoreTimeException",
                       SourceTableName=src, TargetTableName=dst, RestoreDateTime=when)
        assert msg == "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime"
    # Shapes.
    base = {"TargetTableName": dst, "UseLatestRestorableTime": True}
    assert raw(dict(base)) == (400, "ValidationException", "One or more parameter values were invalid: Exactly one of SourceTableName or SourceTableArn must be specified")
    assert raw(dict(base, SourceTableName=src, SourceTableArn=ARN_PREFIX + src))[1] == "ValidationException"
    assert raw({"SourceTableName": src, "TargetTableName": dst}) == (
        400, "ValidationException", "One or more parameter values were invalid: Either RestoreDateTime or UseLatestRestorableTime must be specified")
    assert raw({"SourceTableName": src, "TargetTableName": dst, "UseLatestRestorableTime": True,
                "RestoreDateTime": time.time()}) == (
        400, "ValidationException", "One or more parameter values were invalid: Only one of RestoreDateTime or UseLatestRestorableTime can be specified")
    st, typ, msg = raw({"SourceTableName": src, "UseLatestRestorableTime": True})
    assert (st, typ) == (400, "ValidationException") and "targetTableName" in msg
    st, typ, msg = raw({"SourceTableName": src, "TargetTableName": "x", "UseLatestRestorableTime": True})
    assert (st, typ) == (400, "ValidationException") and "targetTableName" in msg
    st, typ, _ = raw({"SourceTableName": src, "TargetTableName": dst, "UseLatestRestorableTime": "yes"})
    assert (st, typ) == (400, "SerializationException") or (st, typ) == (400, "ValidationException")
    st, typ, _ = raw(dict(base, SourceTableName=src, BillingModeOverride="FREE"))
    assert (st, typ) == (400, "ValidationException")
    st, typ, msg = raw(dict(base, SourceTableName=src, BillingModeOverride="PROVISIONED"))
    assert (st, typ) == (400, "ValidationException")
    # Nothing was created by any of them.
    rejected(pc.describe_table, "ResourceNotFoundException", TableName=dst)
    # Disabling PITR: unavailable again; enabling again starts a new window.
    pc.update_continuous_backups(TableName=src, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    rejected(pc.restore_table_to_point_in_time, "PointInTimeRecoveryUnavailableException",
             SourceTableName=src, TargetTableName=dst, UseLatestRestorableTime=True)
    time.sleep(1.1)
    enable(pc, src)
    rejected(pc.restore_table_to_point_in_time, "InvalidRestoreTimeException",
             SourceTableName=src, TargetTableName=dst, RestoreDateTime=earliest)


def test_default_latest_is_five_minutes_ago(server, table_name):
    """Without the test flag, LatestRestorableDateTime is DynamoDB's: about five
    minutes before now, never before the earliest."""
    c = server.client()
    src = table_name("plag")
    create_simple_table(c, src)
    c.put_item(TableName=src, Item={"pk": {"S": "a"}})
    enable(c, src)
    c.put_item(TableName=src, Item={"pk": {"S": "b"}})
    p = c.describe_continuous_backups(TableName=src)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p["LatestRestorableDateTime"] == p["EarliestRestorableDateTime"]
    rejected(c.restore_table_to_point_in_time, "InvalidRestoreTimeException",
             SourceTableName=src, TargetTableName=table_name("plag-r"), RestoreDateTime=time.time())
    # The latest restorable time is the enable time here: "a" only.
    dst = table_name("plag-r")
    c.restore_table_to_point_in_time(SourceTableName=src, TargetTableName=dst, UseLatestRestorableTime=True)
    wait_active(c, dst)
    assert [i["pk"]["S"] for i in scan_all(c, dst)] == ["a"]


def test_restore_survives_kill(server_factory, table_name):
    srv = server_factory(["--pitr-latest-lag-seconds", "0"])
    c = srv.client()
    src = table_name("pkill")
    create_simple_table(c, src, range_key="sk")
    enable(c, src)
    pad = "x" * 4500
    for b in range(0, 3000, 25):
        c.batch_write_item(RequestItems={src: [
            {"PutRequest": {"Item": {"pk": {"S": f"p{i % 7}"}, "sk": {"S": f"{i:05d}"}, "pad": {"S": pad}}}}
            for i in range(b, b + 25)]})
    t = mark()
    expected = by_key(scan_all(c, src))
    for i in range(0, 3000, 3):  # changes after t, rolled back by the restore
        c.delete_item(TableName=src, Key={"pk": {"S": f"p{i % 7}"}, "sk": {"S": f"{i:05d}"}})
    dst = table_name("pkill-r")
    c.restore_table_to_point_in_time(SourceTableName=src, TargetTableName=dst, RestoreDateTime=t)
    # Killed while the restore is under way (it takes a while for 13 MB).
    assert c.describe_table(TableName=dst)["Table"]["TableStatus"] == "CREATING"
    srv.restart(kill=True)
    c = srv.client()
    d = wait_active(c, dst)
    assert d["RestoreSummary"]["RestoreInProgress"] is False
    assert by_key(scan_all(c, dst)) == expected
    assert len(scan_all(c, src)) == 2000


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli(pitr_server, table_name):
    def aws(*args, check=True):
        env = dict(os.environ)
        env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
        env.pop("AWS_PROFILE", None)
        p = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", pitr_server.url, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, p.stderr
        return p

    c = pitr_server.client(akid="AKIDEXAMPLE")
    src = table_name("pcli")
    create_simple_table(c, src)
    aws("update-continuous-backups", "--table-name", src, "--point-in-time-recovery-specification",
        "PointInTimeRecoveryEnabled=true")
    for i in range(5):
        c.put_item(TableName=src, Item={"pk": {"S": f"k{i}"}})
    t = mark()
    c.delete_item(TableName=src, Key={"pk": {"S": "k0"}})
    dst = table_name("pcli-r")
    out = json.loads(aws("restore-table-to-point-in-time", "--source-table-name", src, "--target-table-name", dst,
                         "--restore-date-time", str(t)).stdout)
    assert out["TableDescription"]["RestoreSummary"]["RestoreInProgress"] is True
    wait_active(c, dst)
    assert sorted(i["pk"]["S"] for i in scan_all(c, dst)) == [f"k{i}" for i in range(5)]
    dst2 = table_name("pcli-l")
    aws("restore-table-to-point-in-time", "--source-table-name", src, "--target-table-name", dst2,
        "--use-latest-restorable-time")
    wait_active(c, dst2)
    assert sorted(i["pk"]["S"] for i in scan_all(c, dst2)) == [f"k{i}" for i in range(1, 5)]
    p = aws("restore-table-to-point-in-time", "--source-table-name", src, "--target-table-name", dst2,
            "--use-latest-restorable-time", check=False)
    assert p.returncode != 0 and "TableAlreadyExistsException" in p.stderr
