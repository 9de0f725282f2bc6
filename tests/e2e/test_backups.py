"""On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup,
RestoreTableFromBackup) and the continuous-backups settings, through boto3 and
the AWS CLI."""

import json
import os
import subprocess
import threading
import time

import botocore
import pytest

from conftest import create_simple_table, error_message, error_type, index, key_schema, raw_post, rejected

from conftest import AWS_CLI as AWS  # noqa: E402
ARN_PREFIX = "arn:aws:dynamodb:us-east-1:000000000000:table/"


def wait_backup(client, arn, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        d = client.describe_backup(BackupArn=arn)["BackupDescription"]
        if d["BackupDetails"]["BackupStatus"] == "AVAILABLE":
            return d
        assert time.monotonic() < deadline, d
        time.sleep(0.05)


def wait_active(client, name, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        t = client.describe_table(TableName=name)["Table"]
        if t["TableStatus"] == "ACTIVE":
            return t
        assert time.monotonic() < deadline, t
        time.sleep(0.05)


def scan_all(client, name, **kw):
    items, start = [], None
    while True:
        if start:
            kw["ExclusiveStartKey"] = start
        r = client.scan(TableName=name, ConsistentRead=True, **kw)
        items += r["Items"]
        start = r.get("LastEvaluatedKey")
        if not start:
            return items


def by_key(items):
    return {(i["pk"]["S"], i.get("sk", {}).get("S")): i for i in items}


def make_indexed_table(client, name, n=50):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              [("pk", "S"), ("sk", "S"), ("color", "S"), ("n", "N")]],
        KeySchema=key_schema("pk", "sk"),
        GlobalSecondaryIndexes=[index("by_color", "color", "sk", projection="ALL")],
        LocalSecondaryIndexes=[index("by_n", "pk", "n", projection="KEYS_ONLY")],
        BillingMode="PAY_PER_REQUEST")
    for i in range(n):
        client.put_item(TableName=name, Item={
            "pk": {"S": f"p{i % 5}"}, "sk": {"S": f"s{i:03d}"}, "color": {"S": ["red", "blue"][i % 2]},
            "n": {"N": str(i)}, "blob": {"B": bytes([i % 256]) * 10}, "tags": {"SS": [f"t{i}", "x"]}})


def create_backup(client, table, name="bk1"):
    r = client.create_backup(TableName=table, BackupName=name)["BackupDetails"]
    return r["BackupArn"]


def test_backup_restore_round_trip(client, table_name):
    src = table_name("bsrc")
    make_indexed_table(client, src)
    before = by_key(scan_all(client, src))
    r = client.create_backup(TableName=src, BackupName="before-changes")["BackupDetails"]
    arn = r["BackupArn"]
    assert arn.startswith(ARN_PREFIX + src + "/backup/")
    assert r["BackupName"] == "before-changes"
    assert r["BackupType"] == "USER"
    assert r["BackupStatus"] in ("CREATING", "AVAILABLE")
    # Change the source right after the answer: none of it is in the backup.
    client.delete_item(TableName=src, Key={"pk": {"S": "p0"}, "sk": {"S": "s000"}})
    client.put_item(TableName=src, Item={"pk": {"S": "new"}, "sk": {"S": "x"}, "color": {"S": "red"}, "n": {"N": "1"}})
    client.update_item(TableName=src, Key={"pk": {"S": "p1"}, "sk": {"S": "s001"}},
                       UpdateExpression="SET color = :c", ExpressionAttributeValues={":c": {"S": "green"}})
    d = wait_backup(client, arn)
    assert d["BackupDetails"]["BackupSizeBytes"] > 0
    src_desc = client.describe_table(TableName=src)["Table"]
    std = d["SourceTableDetails"]
    assert std["TableName"] == src and std["TableArn"] == src_desc["TableArn"] and std["TableId"] == src_desc["TableId"]
    assert std["ItemCount"] == 50
    assert std["BillingMode"] == "PAY_PER_REQUEST"
    feats = d["SourceTableFeatureDetails"]
    assert [g["IndexName"] for g in feats["GlobalSecondaryIndexes"]] == ["by_color"]
    assert [g["IndexName"] for g in feats["LocalSecondaryIndexes"]] == ["by_n"]

    dst = table_name("bdst")
    t = client.restore_table_from_backup(TargetTableName=dst, BackupArn=arn)["TableDescription"]
    assert t["TableName"] == dst
    rs = t["RestoreSummary"]
    assert rs["SourceBackupArn"] == arn and rs["SourceTableArn"] == src_desc["TableArn"]
    assert "RestoreDateTime" in rs
    if t["TableStatus"] == "CREATING":
        assert rs["RestoreInProgress"] is True
    t = wait_active(client, dst)
    assert t["RestoreSummary"]["RestoreInProgress"] is False
    assert t["TableId"] != src_desc["TableId"]
    assert t["KeySchema"] == src_desc["KeySchema"]
    assert sorted(a["AttributeName"] for a in t["AttributeDefinitions"]) == ["color", "n", "pk", "sk"]
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert by_key(scan_all(client, dst)) == before
    assert t["ItemCount"] == 50
    # The indexes hold the items as at the backup.
    q = client.query(TableName=dst, IndexName="by_color", KeyConditionExpression="color = :c",
                     ExpressionAttributeValues={":c": {"S": "red"}})["Items"]
    assert sorted(i["sk"]["S"] for i in q) == sorted(k[1] for k, v in before.items() if v["color"]["S"] == "red")
    q = client.query(TableName=dst, IndexName="by_n", KeyConditionExpression="pk = :p AND n < :n",
                     ExpressionAttributeValues={":p": {"S": "p0"}, ":n": {"N": "20"}})["Items"]
    assert [i["sk"]["S"] for i in q] == ["s000", "s005", "s010", "s015"]
    # The source kept its changes.
    assert "Item" not in client.get_item(TableName=src, Key={"pk": {"S": "p0"}, "sk": {"S": "s000"}})
    assert len(scan_all(client, src)) == 50


def test_list_describe_delete(client, table_name):
    a, b = table_name("la"), table_name("lb")
    create_simple_table(client, a)
    create_simple_table(client, b)
    client.put_item(TableName=a, Item={"pk": {"S": "1"}})
    t0 = time.time()
    arns_a = [create_backup(client, a, f"bka{i}") for i in range(3)]
    arn_b = create_backup(client, b, "bkb0")
    for arn in arns_a + [arn_b]:
        wait_backup(client, arn)
    s = client.list_backups(TableName=a)["BackupSummaries"]
    assert [x["BackupArn"] for x in s] == arns_a
    assert all(x["TableName"] == a and x["BackupType"] == "USER" and x["BackupStatus"] == "AVAILABLE" for x in s)
    assert [x["BackupName"] for x in s] == ["bka0", "bka1", "bka2"]
    # Paging.
    p1 = client.list_backups(TableName=a, Limit=2)
    assert [x["BackupArn"] for x in p1["BackupSummaries"]] == arns_a[:2]
    assert p1["LastEvaluatedBackupArn"] == arns_a[1]
    p2 = client.list_backups(TableName=a, Limit=2, ExclusiveStartBackupArn=p1["LastEvaluatedBackupArn"])
    assert [x["BackupArn"] for x in p2["BackupSummaries"]] == arns_a[2:]
    assert "LastEvaluatedBackupArn" not in p2
    # Filters.
    all_arns = [x["BackupArn"] for x in client.list_backups()["BackupSummaries"]]
    assert set(arns_a + [arn_b]) <= set(all_arns)
    assert client.list_backups(TableName=a, BackupType="SYSTEM")["BackupSummaries"] == []
    assert len(client.list_backups(TableName=a, BackupType="ALL")["BackupSummaries"]) == 3
    assert client.list_backups(TableName=a, TimeRangeLowerBound=t0 + 3600)["BackupSummaries"] == []
    assert len(client.list_backups(TableName=a, TimeRangeLowerBound=t0 - 60,
                                   TimeRangeUpperBound=t0 + 3600)["BackupSummaries"]) == 3
    assert client.list_backups(TableName=a, TimeRangeUpperBound=t0 - 60)["BackupSummaries"] == []
    # Delete.
    d = client.delete_backup(BackupArn=arns_a[0])["BackupDescription"]
    assert d["BackupDetails"]["BackupArn"] == arns_a[0]
    assert d["BackupDetails"]["BackupStatus"] == "DELETED"
    assert [x["BackupArn"] for x in client.list_backups(TableName=a)["BackupSummaries"]] == arns_a[1:]
    rejected(client.describe_backup, "BackupNotFoundException", BackupArn=arns_a[0])
    rejected(client.delete_backup, "BackupNotFoundException", BackupArn=arns_a[0])
    # A backup outlives its table.
    client.delete_table(TableName=b)
    assert wait_backup(client, arn_b)["SourceTableDetails"]["TableName"] == b


def test_restore_overrides(client, table_name):
    src = table_name("osrc")
    make_indexed_table(client, src, n=20)
    arn = create_backup(client, src)
    wait_backup(client, arn)
    dst = table_name("odst")
    client.restore_table_from_backup(
        TargetTableName=dst, BackupArn=arn, BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
        GlobalSecondaryIndexOverride=[{"IndexName": "by_n", "KeySchema": key_schema("n"),
                                       "Projection": {"ProjectionType": "KEYS_ONLY"},
                                       "ProvisionedThroughput": {"ReadCapacityUnits": 2, "WriteCapacityUnits": 2}}],
        LocalSecondaryIndexOverride=[],
        SSESpecificationOverride={"Enabled": True, "SSEType": "KMS"})
    t = wait_active(client, dst)
    assert t["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 7
    assert t["ProvisionedThroughput"]["WriteCapacityUnits"] == 3
    assert [g["IndexName"] for g in t["GlobalSecondaryIndexes"]] == ["by_n"]
    assert t["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] == 2
    assert "LocalSecondaryIndexes" not in t
    # SSESpecificationOverride: KMS with the account's AWS-managed key.
    assert t["SSEDescription"]["Status"] == "ENABLED" and t["SSEDescription"]["SSEType"] == "KMS"
    assert t["SSEDescription"]["KMSMasterKeyArn"].startswith("arn:aws:kms:us-east-1:")
    assert sorted(a["AttributeName"] for a in t["AttributeDefinitions"]) == ["n", "pk", "sk"]
    q = client.query(TableName=dst, IndexName="by_n", KeyConditionExpression="n = :n",
                     ExpressionAttributeValues={":n": {"N": "7"}})["Items"]
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in q] == [("p2", "s007")]
    assert len(scan_all(client, dst)) == 20
    # PAY_PER_REQUEST with a throughput override is refused.
    msg = rejected(client.restore_table_from_backup, TargetTableName=table_name("x"), BackupArn=arn,
                   BillingModeOverride="PAY_PER_REQUEST",
                   ProvisionedThroughputOverride={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert msg == ("One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits "
                   "can be specified when BillingMode is PAY_PER_REQUEST")
    # Without an override the source's encryption is kept; an override can turn it off.
    client.update_table(TableName=src, SSESpecification={"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "k-1"})
    arn2 = create_backup(client, src, "bk2")
    wait_backup(client, arn2)
    kept, plain = table_name("okept"), table_name("oplain")
    client.restore_table_from_backup(TargetTableName=kept, BackupArn=arn2)
    client.restore_table_from_backup(TargetTableName=plain, BackupArn=arn2, SSESpecificationOverride={"Enabled": False})
    assert wait_active(client, kept)["SSEDescription"]["KMSMasterKeyArn"].endswith(":key/k-1")
    assert "SSEDescription" not in wait_active(client, plain)
    msg = rejected(client.restore_table_from_backup, TargetTableName=table_name("x"), BackupArn=arn2,
                   SSESpecificationOverride={"Enabled": False, "SSEType": "KMS"})
    assert msg == "One or more parameter values were invalid: SSEType and KMSMasterKeyId can only be specified when SSE is enabled"
    # An override's key attribute must be one the backup defines.
    rejected(client.restore_table_from_backup, TargetTableName=table_name("x"), BackupArn=arn,
             GlobalSecondaryIndexOverride=[{"IndexName": "gidx", "KeySchema": key_schema("nope"),
                                            "Projection": {"ProjectionType": "ALL"}}])


def test_errors(client, loose, table_name):
    src = table_name("esrc")
    create_simple_table(client, src)
    client.put_item(TableName=src, Item={"pk": {"S": "a"}})
    missing = table_name("missing")
    msg = rejected(client.create_backup, "TableNotFoundException", TableName=missing, BackupName="bkx")
    assert msg == f"Table not found: {missing}"
    arn = create_backup(client, src)
    wait_backup(client, arn)
    msg = rejected(client.restore_table_from_backup, "TableAlreadyExistsException", TargetTableName=src, BackupArn=arn)
    assert msg == f"Table already exists: {src}"
    bogus = arn[:-8] + "00000000"
    msg = rejected(client.describe_backup, "BackupNotFoundException", BackupArn=bogus)
    assert msg == f"Backup not found: {bogus}"
    rejected(client.restore_table_from_backup, "BackupNotFoundException", TargetTableName=table_name("r"), BackupArn=bogus)
    msg = rejected(client.create_backup, TableName=src, BackupName="a b")
    assert msg.startswith("1 validation error detected: Value 'a b' at 'backupName' failed to satisfy constraint: "
                          "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
    msg = rejected(loose.create_backup, TableName=src, BackupName="ab")
    assert msg == ("1 validation error detected: Value 'ab' at 'backupName' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 3")
    msg = rejected(loose.describe_backup, BackupArn="short")
    assert msg == ("1 validation error detected: Value 'short' at 'backupArn' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 37")
    msg = rejected(loose.list_backups, Limit=0)
    assert msg == ("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
                   "Member must have value greater than or equal to 1")
    # The source is untouched by all of it.
    assert scan_all(client, src) == [{"pk": {"S": "a"}}]


def test_backup_in_use(client, table_name):
    src = table_name("usrc")
    create_simple_table(client, src)
    for start in range(0, 3000, 25):
        client.batch_write_item(RequestItems={src: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i}"}, "pad": {"S": "x" * 400}}}} for i in range(start, start + 25)]})
    # The record is CREATING until the service has copied every item (it
    # starts at most one service interval later), and the table of a restore
    # is CREATING until it is filled: deleting the backup meanwhile is
    # BackupInUseException; afterwards it works.
    arn = create_backup(client, src)
    rejected(client.delete_backup, "BackupInUseException", BackupArn=arn)
    wait_backup(client, arn)
    dst = table_name("udst")
    t = client.restore_table_from_backup(TargetTableName=dst, BackupArn=arn)["TableDescription"]
    assert t["TableStatus"] == "CREATING"
    assert t["RestoreSummary"]["RestoreInProgress"] is True
    rejected(client.delete_backup, "BackupInUseException", BackupArn=arn)
    # Item operations on a table being restored: not found, as for any CREATING table.
    rejected(client.get_item, "ResourceNotFoundException", TableName=dst, Key={"pk": {"S": "k1"}})
    wait_active(client, dst)
    assert len(scan_all(client, dst)) == 3000
    client.delete_backup(BackupArn=arn)
    assert len(scan_all(client, dst)) == 3000


def test_writes_not_blocked_during_backup(client, table_name):
    src = table_name("big")
    create_simple_table(client, src)
    n = 4000
    for start in range(0, n, 25):
        client.batch_write_item(RequestItems={src: [
            {"PutRequest": {"Item": {"pk": {"S": f"k{i:05d}"}, "pad": {"S": "y" * 1000}}}}
            for i in range(start, start + 25)]})
    arn = create_backup(client, src, "big")
    # Writes made while the backup is CREATING go through at once and are
    # not in it.
    latencies = []
    wrote = 0
    while client.describe_backup(BackupArn=arn)["BackupDescription"]["BackupDetails"]["BackupStatus"] == "CREATING":
        t0 = time.monotonic()
        client.put_item(TableName=src, Item={"pk": {"S": f"during{wrote}"}})
        latencies.append(time.monotonic() - t0)
        wrote += 1
    for i in range(5):
        client.put_item(TableName=src, Item={"pk": {"S": f"after{i}"}})
    if latencies:
        assert max(latencies) < 2.0, latencies
    d = wait_backup(client, arn)
    assert d["SourceTableDetails"]["ItemCount"] == n
    dst = table_name("bigr")
    client.restore_table_from_backup(TargetTableName=dst, BackupArn=arn)
    # Requests are served while the restore runs.
    client.list_tables()
    wait_active(client, dst)
    keys = {i["pk"]["S"] for i in scan_all(client, dst, ProjectionExpression="pk")}
    assert len(keys) == n and all(k.startswith("k") for k in keys)


def test_backup_survives_restart(server_factory, table_name):
    srv = server_factory()
    c = srv.client()
    src = table_name("rs")
    create_simple_table(c, src, range_key="sk")
    for i in range(30):
        c.put_item(TableName=src, Item={"pk": {"S": "p"}, "sk": {"S": f"{i:02d}"}, "v": {"N": str(i)}})
    arn = create_backup(c, src, "persist")
    wait_backup(c, arn)
    srv.restart()
    c = srv.client()
    d = wait_backup(c, arn)
    assert d["BackupDetails"]["BackupName"] == "persist"
    assert [x["BackupArn"] for x in c.list_backups(TableName=src)["BackupSummaries"]] == [arn]
    dst = table_name("rd")
    c.restore_table_from_backup(TargetTableName=dst, BackupArn=arn)
    wait_active(c, dst)
    assert scan_all(c, dst) == scan_all(c, src)
    srv.restart()
    c = srv.client()
    assert len(scan_all(c, dst)) == 30
    c.delete_backup(BackupArn=arn)
    srv.restart()
    rejected(srv.client().describe_backup, "BackupNotFoundException", BackupArn=arn)


def pitr(server, op, body):
    """A raw call (this botocore's model predates RecoveryPeriodInDays)."""
    return raw_post(server.url, f"DynamoDB_20120810.{op}", body)


def test_continuous_backups(server, client, table_name):
    name = table_name("pitr")
    create_simple_table(client, name)
    d = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert d == {"ContinuousBackupsStatus": "ENABLED",
                 "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}
    t0 = time.time()
    st, _, body = pitr(server, "UpdateContinuousBackups",
                       {"TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
    assert st == 200, body
    p = body["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p["PointInTimeRecoveryStatus"] == "ENABLED" and p["RecoveryPeriodInDays"] == 35
    assert abs(p["EarliestRestorableDateTime"] - t0) < 5
    assert p["LatestRestorableDateTime"] >= p["EarliestRestorableDateTime"]
    st, _, body = pitr(server, "UpdateContinuousBackups", {
        "TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7}})
    assert st == 200 and body["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 7
    st, _, body = pitr(server, "DescribeContinuousBackups", {"TableName": name})
    p = body["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p["RecoveryPeriodInDays"] == 7 and p["PointInTimeRecoveryStatus"] == "ENABLED"
    # Enabling again keeps the window's start and the period.
    assert abs(p["EarliestRestorableDateTime"] - t0) < 5
    p2 = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p2["PointInTimeRecoveryStatus"] == "ENABLED"
    for bad in (0, 36):
        st, _, body = pitr(server, "UpdateContinuousBackups", {
            "TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": bad}})
        bound = "greater than or equal to 1" if bad == 0 else "less than or equal to 35"
        assert st == 400 and error_type(body) == "ValidationException"
        assert error_message(body) == (f"1 validation error detected: Value '{bad}' at "
                                       f"'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: "
                                       f"Member must have value {bound}")
    client.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})
    p = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert p == {"PointInTimeRecoveryStatus": "DISABLED"}
    missing = table_name("nope")
    msg = rejected(client.describe_continuous_backups, "TableNotFoundException", TableName=missing)
    assert msg == f"Table not found: {missing}"
    rejected(client.update_continuous_backups, "TableNotFoundException", TableName=missing,
             PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    # Disabled: no point-in-time restore (tests/e2e/test_pitr.py has the rest).
    rejected(client.restore_table_to_point_in_time, "PointInTimeRecoveryUnavailableException",
             SourceTableName=name, TargetTableName=table_name("pt"), UseLatestRestorableTime=True)


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli(server, table_name):
    def aws(*args, check=True):
        env = dict(os.environ)
        env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x", "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                    "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": ""})
        env.pop("AWS_PROFILE", None)
        p = subprocess.run([AWS, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"],
                           env=env, capture_output=True, text=True, timeout=60)
        if check:
            assert p.returncode == 0, p.stderr
        return p

    c = server.client(akid="AKIDEXAMPLE")
    src = table_name("cli")
    create_simple_table(c, src)
    for i in range(10):
        c.put_item(TableName=src, Item={"pk": {"S": f"k{i}"}})
    arn = json.loads(aws("create-backup", "--table-name", src, "--backup-name", "clibk").stdout)["BackupDetails"]["BackupArn"]
    wait_backup(c, arn)
    c.delete_item(TableName=src, Key={"pk": {"S": "k0"}})
    dst = table_name("clir")
    aws("restore-table-from-backup", "--target-table-name", dst, "--backup-arn", arn)
    wait_active(c, dst)
    assert len(scan_all(c, dst)) == 10
    listed = json.loads(aws("list-backups", "--table-name", src).stdout)["BackupSummaries"]
    assert [b["BackupArn"] for b in listed] == [arn]
    d = json.loads(aws("describe-backup", "--backup-arn", arn).stdout)
    assert d["BackupDescription"]["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    aws("update-continuous-backups", "--table-name", src, "--point-in-time-recovery-specification",
        "PointInTimeRecoveryEnabled=true")
    d = json.loads(aws("describe-continuous-backups", "--table-name", src).stdout)
    assert d["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
    aws("delete-backup", "--backup-arn", arn)
    p = aws("describe-backup", "--backup-arn", arn, check=False)
    assert p.returncode != 0 and "BackupNotFoundException" in p.stderr
