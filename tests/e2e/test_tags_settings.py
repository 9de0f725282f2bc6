"""Tags (TagResource, UntagResource, ListTagsOfResource, Tags at CreateTable),
the table settings round trip (TableClass, SSESpecification,
OnDemandThroughput, DeletionProtectionEnabled, WarmThroughput), and the
--version and --log-requests flags (issue 14, parts 4, 6 and 8).

The ARN answers follow what dynalite's tests record from DynamoDB
("Invalid TableArn", AccessDeniedException for a malformed ARN, "Requested
resource not found: ResourcArn: <arn> not found", "Atleast one Tag needs to
be provided as Input.")."""

import json
import re
import subprocess

import pytest

from conftest import (DDBD_BIN, REGION, create_simple_table, err, loose_client, raw_post, rejected)
from test_cli import AWS, aws

ACCOUNT = "000000000000"


def arn_of(name, region=REGION, account=ACCOUNT):
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def all_tags(client, arn):
    """Every tag of `arn`, following NextToken."""
    tags, kw = [], {}
    while True:
        page = client.list_tags_of_resource(ResourceArn=arn, **kw)
        tags += page["Tags"]
        if "NextToken" not in page:
            return tags
        kw = {"NextToken": page["NextToken"]}


def as_dict(tags):
    return {t["Key"]: t["Value"] for t in tags}


def numbered(n, start=0):
    return [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(start, start + n)]


@pytest.fixture
def table(client, table_name):
    name = table_name("Tags")
    create_simple_table(client, name)
    yield name
    client.delete_table(TableName=name)


# ---- tags ----

def test_tag_untag_list(client, table):
    arn = client.describe_table(TableName=table)["Table"]["TableArn"]
    assert arn == arn_of(table)
    assert client.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    assert client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"},
                                                      {"Key": "team", "Value": ""},
                                                      {"Key": "a b+-=._:/@", "Value": "x y"}])
    assert as_dict(all_tags(client, arn)) == {"env": "prod", "team": "", "a b+-=._:/@": "x y"}
    # The same key again takes the new value.
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}])
    assert as_dict(all_tags(client, arn)) == {"env": "dev", "team": "", "a b+-=._:/@": "x y"}
    # Removing keys that are not there is allowed.
    client.untag_resource(ResourceArn=arn, TagKeys=["team", "missing"])
    assert as_dict(all_tags(client, arn)) == {"env": "dev", "a b+-=._:/@": "x y"}


def test_tags_at_create_table(client, table_name):
    name = table_name("TagsCreate")
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        Tags=[{"Key": "owner", "Value": "me"}, {"Key": "cost", "Value": "1"}])
    try:
        assert as_dict(all_tags(client, arn_of(name))) == {"owner": "me", "cost": "1"}
    finally:
        client.delete_table(TableName=name)


def test_fifty_tags_and_no_more(client, table):
    arn = arn_of(table)
    client.tag_resource(ResourceArn=arn, Tags=numbered(30))
    client.tag_resource(ResourceArn=arn, Tags=numbered(20, 20))  # 10 overlap: 40 tags
    client.tag_resource(ResourceArn=arn, Tags=numbered(10, 40))  # 50
    msg = rejected(client.tag_resource, ResourceArn=arn, Tags=numbered(1, 50))
    assert msg == "One or more parameter values were invalid: The number of tags exceeds the limit of 50 tags per resource"
    # Nothing was written; replacing a value at the limit is fine.
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "k0", "Value": "new"}])
    tags = as_dict(all_tags(client, arn))
    assert len(tags) == 50 and tags["k0"] == "new" and "k50" not in tags
    # Too many in one request.
    msg = rejected(client.tag_resource, ResourceArn=arn, Tags=numbered(51, 100))
    assert "exceeds the limit of 50" in msg


def test_too_many_tags_at_create_table_creates_nothing(client, table_name):
    name = table_name("TagsTooMany")
    msg = rejected(client.create_table, TableName=name, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], Tags=numbered(51))
    assert "exceeds the limit of 50" in msg
    rejected(client.describe_table, "ResourceNotFoundException", TableName=name)


def test_tag_content_rules(server, client, table):
    arn = arn_of(table)
    loose = loose_client(server)
    msg = rejected(loose.tag_resource, ResourceArn=arn, Tags=[{"Key": "k" * 129, "Value": "v"}])
    assert msg == ("1 validation error detected: Value '" + "k" * 129 + "' at 'tags.1.member.key' failed to "
                   "satisfy constraint: Member must have length less than or equal to 128")
    msg = rejected(loose.tag_resource, ResourceArn=arn, Tags=[{"Key": "k", "Value": "v" * 257}])
    assert "at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256" in msg
    msg = rejected(loose.tag_resource, ResourceArn=arn, Tags=[{"Key": "", "Value": "v"}])
    assert "at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1" in msg
    msg = rejected(loose.tag_resource, ResourceArn=arn, Tags=[{"Key": "k"}])
    assert "Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null" in msg
    for key in ("aws:name", "AWS:x", "Aws:y"):
        msg = rejected(client.tag_resource, ResourceArn=arn, Tags=[{"Key": key, "Value": "v"}])
        assert "aws: prefix is reserved" in msg
    for key, value in (("ok", "#!%"), ("->>;-)", "ok"), ("a|b", "<>")):
        msg = rejected(client.tag_resource, ResourceArn=arn, Tags=[{"Key": key, "Value": value}])
        assert "Invalid characters in tag key or value" in msg
    # Letters of other scripts are letters.
    client.tag_resource(ResourceArn=arn, Tags=[{"Key": "ключ", "Value": "значение"}])
    assert as_dict(all_tags(client, arn)) == {"ключ": "значение"}
    msg = rejected(client.tag_resource, ResourceArn=arn, Tags=[])
    assert msg == "Atleast one Tag needs to be provided as Input."
    msg = rejected(client.untag_resource, ResourceArn=arn, TagKeys=[])
    assert msg == "Atleast one Tag Key needs to be provided as Input."
    msg = rejected(loose.tag_resource, ResourceArn=arn)
    assert msg == "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null"
    msg = rejected(loose.untag_resource, ResourceArn=arn)
    assert msg == "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null"


def test_arn_errors(server, client, table):
    loose = loose_client(server)
    for op, kw in ((loose.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}),
                   (loose.untag_resource, {"TagKeys": ["a"]}),
                   (loose.list_tags_of_resource, {})):
        assert rejected(op, **kw) == "Invalid TableArn"
    action = {"tag_resource": "TagResource", "untag_resource": "UntagResource",
              "list_tags_of_resource": "ListTagsOfResource"}
    for op, kw in ((client.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}),
                   (client.untag_resource, {"TagKeys": ["a"]}),
                   (client.list_tags_of_resource, {})):
        name = action[op.__name__]
        for bad in ("abcd", "a:b:c:d:e:f", "a:b:c:d:e/f"):
            msg = rejected(op, "AccessDeniedException", ResourceArn=bad, **kw)
            assert msg == (f"User: arn:aws:iam::{ACCOUNT}:root is not authorized to perform: "
                           f"dynamodb:{name} on resource: {bad}")
        msg = rejected(getattr(loose, op.__name__), "AccessDeniedException", ResourceArn="", **kw)
        assert msg.endswith(f"dynamodb:{name} on resource: *")
        for bad in ("a:b:c:d:e:f/g", arn_of("ab"), arn_of(table) + "/index/gsi",
                    f"arn:aws:s3:{REGION}:{ACCOUNT}:table/{table}"):
            msg = rejected(op, ResourceArn=bad, **kw)
            assert msg == f"Invalid TableArn: Invalid ResourceArn provided as input {bad}"
        # Another account's table: no access.
        other = arn_of(table, account="123456789012")
        msg = rejected(op, "AccessDeniedException", ResourceArn=other, **kw)
        assert msg.endswith(f"dynamodb:{name} on resource: {other}")
    # Long ARNs are answered, not a crash (a regex once recursed per character).
    for bad, code in (("z" * 40000, "AccessDeniedException"), ("a:b:c:d:e:" + "f/" * 20000, "ValidationException")):
        rejected(loose.list_tags_of_resource, code, ResourceArn=bad)
    assert client.list_tags_of_resource(ResourceArn=arn_of(table))["Tags"] is not None
    # An unknown table, or one of another region (this endpoint has none there).
    for arn in (arn_of("no-such-table"), arn_of(table, region="eu-west-1")):
        for op, kw in ((client.tag_resource, {"Tags": [{"Key": "a", "Value": "b"}]}),
                       (client.untag_resource, {"TagKeys": ["a"]})):
            msg = rejected(op, "ResourceNotFoundException", ResourceArn=arn, **kw)
            assert msg == f"Requested resource not found: ResourcArn: {arn} not found"
        msg = rejected(client.list_tags_of_resource, "AccessDeniedException", ResourceArn=arn)
        assert msg.endswith(f"dynamodb:ListTagsOfResource on resource: {arn}")


def test_list_pagination(client, table):
    arn = arn_of(table)
    client.tag_resource(ResourceArn=arn, Tags=numbered(25))
    first = client.list_tags_of_resource(ResourceArn=arn)
    assert len(first["Tags"]) == 10 and "NextToken" in first
    second = client.list_tags_of_resource(ResourceArn=arn, NextToken=first["NextToken"])
    assert len(second["Tags"]) == 10 and "NextToken" in second
    third = client.list_tags_of_resource(ResourceArn=arn, NextToken=second["NextToken"])
    assert len(third["Tags"]) == 5 and "NextToken" not in third
    assert as_dict(first["Tags"] + second["Tags"] + third["Tags"]) == as_dict(numbered(25))
    # botocore's paginator follows the same token.
    pages = client.get_paginator("list_tags_of_resource").paginate(ResourceArn=arn)
    assert sum(len(p["Tags"]) for p in pages) == 25
    assert rejected(client.list_tags_of_resource, ResourceArn=arn, NextToken="bogus") == "Invalid NextToken: bogus"


def test_tags_go_with_delete_table(client, table_name):
    name = table_name("TagsDel")
    create_simple_table(client, name)
    client.tag_resource(ResourceArn=arn_of(name), Tags=[{"Key": "a", "Value": "b"}])
    client.delete_table(TableName=name)
    rejected(client.list_tags_of_resource, "AccessDeniedException", ResourceArn=arn_of(name))
    create_simple_table(client, name)
    try:
        assert client.list_tags_of_resource(ResourceArn=arn_of(name))["Tags"] == []
    finally:
        client.delete_table(TableName=name)


def test_tagging_a_table_being_created_or_deleted(server_factory, table_name):
    srv = server_factory(["--delay-transient-statuses=30"])
    c = srv.client()
    name = table_name("TagsBusy")
    create_simple_table(c, name)
    msg = rejected(c.tag_resource, "ResourceInUseException", ResourceArn=arn_of(name),
                   Tags=[{"Key": "a", "Value": "b"}])
    assert msg == f"Attempt to change a resource which is still in use: Table is being created: {name}"
    rejected(c.untag_resource, "ResourceInUseException", ResourceArn=arn_of(name), TagKeys=["a"])
    # Listing is allowed.
    assert c.list_tags_of_resource(ResourceArn=arn_of(name))["Tags"] == []


def call(server, op, body, code=None):
    """POSTs `op` with the JSON `body` (raw, as this botocore does not know
    every settings member and drops unknown response members).  Returns the
    answer's JSON; with `code`, the request must fail with it (HTTP 400) and
    the message is returned."""
    status, _, answer = raw_post(server.url, "DynamoDB_20120810." + op, body)
    if code is None:
        assert status == 200, (op, answer)
        return answer
    assert status == 400 and answer["__type"].rsplit("#", 1)[-1] == code, (op, status, answer)
    return answer.get("message", answer.get("Message"))


KEYS = {"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}


def test_tags_and_settings_survive_a_restart(server_factory, table_name):
    srv = server_factory()
    name = table_name("TagsRestart")
    call(srv, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS,
        "Tags": [{"Key": "a", "Value": "1"}], "TableClass": "STANDARD_INFREQUENT_ACCESS",
        "SSESpecification": {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": "alias/mine"},
        "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50},
        "WarmThroughput": {"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 5000},
        "DeletionProtectionEnabled": True})
    srv.client().tag_resource(ResourceArn=arn_of(name), Tags=[{"Key": "b", "Value": "2"}])
    before = call(srv, "DescribeTable", {"TableName": name})["Table"]
    srv.restart()
    assert as_dict(all_tags(srv.client(), arn_of(name))) == {"a": "1", "b": "2"}
    after = call(srv, "DescribeTable", {"TableName": name})["Table"]
    for k in ("TableClassSummary", "SSEDescription", "OnDemandThroughput", "WarmThroughput",
              "DeletionProtectionEnabled"):
        assert after[k] == before[k], k
    assert after["SSEDescription"]["KMSMasterKeyArn"] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/mine"


# ---- settings ----

def test_default_settings(server, table_name):
    name = table_name("SetDefault")
    created = call(server, "CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS})
    t = call(server, "DescribeTable", {"TableName": name})["Table"]
    call(server, "DeleteTable", {"TableName": name})
    for d in (created["TableDescription"], t):
        assert "SSEDescription" not in d  # the default AWS-owned key
        assert "TableClassSummary" not in d
        assert d["OnDemandThroughput"] == {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}
        assert d["WarmThroughput"] == {"ReadUnitsPerSecond": 12000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
        assert d["DeletionProtectionEnabled"] is False
    name = table_name("SetDefaultProv")
    d = call(server, "CreateTable", {"TableName": name, **KEYS,
                                     "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}})
    call(server, "DeleteTable", {"TableName": name})
    assert "OnDemandThroughput" not in d["TableDescription"]
    assert d["TableDescription"]["WarmThroughput"]["ReadUnitsPerSecond"] == 12000


def test_settings_at_create_table(server, table_name):
    name = table_name("SetCreate")
    created = call(server, "CreateTable", {
        "TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS,
        "TableClass": "STANDARD_INFREQUENT_ACCESS",
        "SSESpecification": {"Enabled": True, "SSEType": "KMS",
                             "KMSMasterKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"},
        "OnDemandThroughput": {"MaxReadRequestUnits": 200},
        "WarmThroughput": {"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 8000},
        "DeletionProtectionEnabled": True})["TableDescription"]
    t = call(server, "DescribeTable", {"TableName": name})["Table"]
    msg = call(server, "DeleteTable", {"TableName": name}, "ValidationException")
    assert "deletion protection" in msg.lower()
    call(server, "UpdateTable", {"TableName": name, "DeletionProtectionEnabled": False})
    call(server, "DeleteTable", {"TableName": name})
    for d in (created, t):
        assert d["TableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS",
                                          "LastUpdateDateTime": d["CreationDateTime"]}
        assert d["SSEDescription"] == {
            "Status": "ENABLED", "SSEType": "KMS",
            "KMSMasterKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"}
        assert d["OnDemandThroughput"] == {"MaxReadRequestUnits": 200, "MaxWriteRequestUnits": -1}
        assert d["WarmThroughput"] == {"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 8000, "Status": "ACTIVE"}
        assert d["DeletionProtectionEnabled"] is True


def test_sse_keys(server, table_name):
    """Without KMSMasterKeyId the key is the account's AWS-managed key, the
    same for every table; an alias or a key ARN is shown as an ARN."""
    arns = []
    for spec in ({"Enabled": True}, {"Enabled": True, "SSEType": "KMS"},
                 {"Enabled": True, "KMSMasterKeyId": "alias/app"},
                 {"Enabled": True, "KMSMasterKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1"}):
        name = table_name("Sse")
        d = call(server, "CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS,
                                         "SSESpecification": spec})["TableDescription"]
        call(server, "DeleteTable", {"TableName": name})
        assert d["SSEDescription"]["Status"] == "ENABLED" and d["SSEDescription"]["SSEType"] == "KMS"
        arns.append(d["SSEDescription"]["KMSMasterKeyArn"])
    assert arns[0] == arns[1]
    assert re.fullmatch(rf"arn:aws:kms:{REGION}:{ACCOUNT}:key/[0-9a-f]{{8}}-[0-9a-f]{{4}}-4[0-9a-f]{{3}}-"
                        r"[89ab][0-9a-f]{3}-[0-9a-f]{12}", arns[0]), arns[0]
    assert arns[2] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"
    assert arns[3] == f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k1"
    name = table_name("SseOff")
    d = call(server, "CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS,
                                     "SSESpecification": {"Enabled": False}})["TableDescription"]
    call(server, "DeleteTable", {"TableName": name})
    assert "SSEDescription" not in d


def test_settings_at_update_table(server, table_name):
    name = table_name("SetUpdate")
    call(server, "CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS})

    def update(**kw):
        return call(server, "UpdateTable", {"TableName": name, **kw})["TableDescription"]

    try:
        d = update(TableClass="STANDARD_INFREQUENT_ACCESS")
        assert d["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
        assert d["TableClassSummary"]["LastUpdateDateTime"] >= d["CreationDateTime"]
        assert update(SSESpecification={"Enabled": True})["SSEDescription"]["SSEType"] == "KMS"
        d = update(OnDemandThroughput={"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 20})
        assert d["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": 20}
        d = update(OnDemandThroughput={"MaxWriteRequestUnits": -1})
        assert d["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": -1}
        d = update(WarmThroughput={"ReadUnitsPerSecond": 13000})
        assert d["WarmThroughput"] == {"ReadUnitsPerSecond": 13000, "WriteUnitsPerSecond": 4000, "Status": "ACTIVE"}
        # Warm throughput does not go down.
        assert update(WarmThroughput={"ReadUnitsPerSecond": 12500})["WarmThroughput"]["ReadUnitsPerSecond"] == 13000
        assert "SSEDescription" not in update(SSESpecification={"Enabled": False})
        assert update(DeletionProtectionEnabled=True)["DeletionProtectionEnabled"] is True
        t = call(server, "DescribeTable", {"TableName": name})["Table"]
        assert t["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
        assert t["OnDemandThroughput"] == {"MaxReadRequestUnits": 10, "MaxWriteRequestUnits": -1}
        assert t["WarmThroughput"]["ReadUnitsPerSecond"] == 13000
        assert "SSEDescription" not in t and t["DeletionProtectionEnabled"] is True
        # Switching to PROVISIONED drops the on-demand maximums (deletion
        # protection must change in a request of its own).
        update(DeletionProtectionEnabled=False)
        d = update(BillingMode="PROVISIONED", ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
        assert "OnDemandThroughput" not in d
    finally:
        call(server, "DeleteTable", {"TableName": name})


def test_settings_validation(server, table_name):
    name = table_name("SetBad")
    ppr = {"TableName": name, "BillingMode": "PAY_PER_REQUEST", **KEYS}
    msg = call(server, "CreateTable", {**ppr, "TableClass": "COLD"}, "ValidationException")
    assert msg == ("1 validation error detected: Value 'COLD' at 'tableClass' failed to satisfy constraint: "
                   "Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]")
    msg = call(server, "CreateTable", {**ppr, "SSESpecification": {"Enabled": True, "SSEType": "DES"}},
               "ValidationException")
    assert msg == ("1 validation error detected: Value 'DES' at 'sSESpecification.sSEType' failed to satisfy "
                   "constraint: Member must satisfy enum value set: [AES256, KMS]")
    msg = call(server, "CreateTable", {**ppr, "SSESpecification": {"Enabled": True, "SSEType": "AES256"}},
               "ValidationException")
    assert msg == "One or more parameter values were invalid: Unsupported SSEType: AES256"
    msg = call(server, "CreateTable", {"TableName": name, **KEYS,
                                       "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                                       "OnDemandThroughput": {"MaxReadRequestUnits": 5}}, "ValidationException")
    assert msg == ("One or more parameter values were invalid: OnDemandThroughput can only be specified when "
                   "BillingMode is PAY_PER_REQUEST")
    msg = call(server, "CreateTable", {**ppr, "OnDemandThroughput": {"MaxReadRequestUnits": 0}}, "ValidationException")
    assert "MaxReadRequestUnits must be -1 (no maximum) or at least 1" in msg
    msg = call(server, "CreateTable", {**ppr, "WarmThroughput": {"ReadUnitsPerSecond": 0}}, "ValidationException")
    assert ("Value '0' at 'warmThroughput.readUnitsPerSecond' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1") in msg
    msg = call(server, "CreateTable", {**ppr, "WarmThroughput": {}}, "ValidationException")
    assert "WarmThroughput must specify ReadUnitsPerSecond, WriteUnitsPerSecond or both" in msg
    msg = call(server, "CreateTable", {**ppr, "SSESpecification": {"Enabled": False, "KMSMasterKeyId": "k"}},
               "ValidationException")
    assert "can only be specified when SSE is enabled" in msg
    msg = call(server, "CreateTable", {**ppr, "OnDemandThroughput": {"MaxReadRequestUnits": "x"}},
               "SerializationException")
    call(server, "DescribeTable", {"TableName": name}, "ResourceNotFoundException")
    call(server, "CreateTable", {"TableName": name, **KEYS,
                                 "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}})
    try:
        msg = call(server, "UpdateTable", {"TableName": name, "OnDemandThroughput": {"MaxReadRequestUnits": 5}},
                   "ValidationException")
        assert "OnDemandThroughput can only be specified when BillingMode is PAY_PER_REQUEST" in msg
        assert "OnDemandThroughput" not in call(server, "DescribeTable", {"TableName": name})["Table"]
    finally:
        call(server, "DeleteTable", {"TableName": name})


# ---- the AWS CLI ----

@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_cli_tags(server, table_name):
    name = table_name("CliTags")
    akid = "AKIDCLI"
    p = aws(server, "create-table", "--table-name", name, "--billing-mode", "PAY_PER_REQUEST",
            "--attribute-definitions", "AttributeName=pk,AttributeType=S",
            "--key-schema", "AttributeName=pk,KeyType=HASH",
            "--tags", "Key=owner,Value=cli", "Key=stage,Value=test",
            "--table-class", "STANDARD_INFREQUENT_ACCESS", akid=akid)
    desc = json.loads(p.stdout)["TableDescription"]
    assert desc["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    arn = desc["TableArn"]
    aws(server, "tag-resource", "--resource-arn", arn, "--tags", "Key=extra,Value=1", akid=akid)
    p = aws(server, "list-tags-of-resource", "--resource-arn", arn, akid=akid)
    assert as_dict(json.loads(p.stdout)["Tags"]) == {"owner": "cli", "stage": "test", "extra": "1"}
    aws(server, "untag-resource", "--resource-arn", arn, "--tag-keys", "stage", "extra", akid=akid)
    p = aws(server, "list-tags-of-resource", "--resource-arn", arn, akid=akid)
    assert json.loads(p.stdout)["Tags"] == [{"Key": "owner", "Value": "cli"}]
    p = aws(server, "tag-resource", "--resource-arn", arn, "--tags", "Key=aws:x,Value=1", akid=akid, check=False)
    assert p.returncode != 0 and "ValidationException" in p.stderr
    p = aws(server, "describe-table", "--table-name", name, akid=akid)
    assert json.loads(p.stdout)["Table"]["WarmThroughput"]["Status"] == "ACTIVE"
    aws(server, "delete-table", "--table-name", name, akid=akid)


# ---- --version and --log-requests ----

def test_version_flag():
    p = subprocess.run([DDBD_BIN, "--version"], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert re.fullmatch(r"ddbd \d+\.\d+\.\d+ \(git ([0-9a-f]{4,40}|unknown)\)\n", p.stdout), p.stdout
    assert p.stderr == ""


def test_log_requests(server_factory, table_name):
    srv = server_factory(["--log-requests", "--log-level", "info"])
    c = srv.client()
    name = table_name("Logged")
    create_simple_table(c, name)
    resp = c.put_item(TableName=name, Item={"pk": {"S": "a"}})
    request_id = resp["ResponseMetadata"]["RequestId"]
    with pytest.raises(Exception):
        c.get_item(TableName="no-such-table-for-log", Key={"pk": {"S": "a"}})
    c.batch_get_item(RequestItems={name: {"Keys": [{"pk": {"S": "a"}}]}})
    srv.stop()
    log = srv.stderr()
    line = next((l for l in log.splitlines() if request_id in l), None)
    assert line is not None, log
    m = re.search(r"request (\S+) (\w+) table=(\S+) status=(\d+) latency_ms=(\d+\.\d{3})", line)
    assert m, line
    assert m.group(1) == request_id and m.group(2) == "PutItem" and m.group(3) == name
    assert m.group(4) == "200" and float(m.group(5)) >= 0
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line), line  # the logger's time
    assert re.search(r"GetItem table=no-such-table-for-log status=400 ", log), log
    assert re.search(r"BatchGetItem table=- status=200 ", log), log
    assert re.search(r"CreateTable table=" + re.escape(name) + " status=200 ", log), log


def test_no_request_log_by_default(server_factory, table_name):
    srv = server_factory(["--log-level", "info"])
    c = srv.client()
    create_simple_table(c, table_name("NotLogged"))
    srv.stop()
    assert "latency_ms=" not in srv.stderr()
