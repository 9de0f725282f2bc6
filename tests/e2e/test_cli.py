"""The AWS CLI against ddbd (the issue's commands)."""

import json
import os
import subprocess

import pytest

from conftest import AWS_CLI as AWS  # noqa: E402
pytestmark = pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")


def aws(server, *args, akid="AKIDCLI", check=True):
    env = dict(os.environ)
    env.update({
        "AWS_ACCESS_KEY_ID": akid,
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    })
    env.pop("AWS_PROFILE", None)
    env.pop("AWS_SESSION_TOKEN", None)
    cmd = [AWS, "dynamodb", *args, "--endpoint-url", server.url, "--output", "json"]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    if check:
        assert p.returncode == 0, f"{cmd}\nstdout: {p.stdout}\nstderr: {p.stderr}"
    return p


def test_issue_cli_commands(server, table_name):
    akid = "AKIDCLI" + table_name("").replace("-", "")[-8:].upper()
    p = aws(server, "create-table", "--table-name", "Users",
            "--attribute-definitions", "AttributeName=userId,AttributeType=S",
            "--key-schema", "AttributeName=userId,KeyType=HASH",
            "--billing-mode", "PAY_PER_REQUEST", akid=akid)
    out = json.loads(p.stdout)
    assert out["TableDescription"]["TableName"] == "Users"

    aws(server, "wait", "table-exists", "--table-name", "Users", akid=akid)

    p = aws(server, "put-item", "--table-name", "Users", "--item",
            '{"userId":{"S":"u1"},"n":{"N":"1.50"},"tags":{"SS":["a","b"]}}', akid=akid)
    assert p.stdout.strip() == "" or json.loads(p.stdout) == {}

    p = aws(server, "get-item", "--table-name", "Users", "--key", '{"userId":{"S":"u1"}}',
            akid=akid)
    out = json.loads(p.stdout)
    assert out["Item"]["n"] == {"N": "1.5"}
    assert sorted(out["Item"]["tags"]["SS"]) == ["a", "b"]
    assert out["Item"]["userId"] == {"S": "u1"}

    p = aws(server, "list-tables", akid=akid)
    assert json.loads(p.stdout)["TableNames"] == ["Users"]

    p = aws(server, "describe-table", "--table-name", "Users", akid=akid)
    t = json.loads(p.stdout)["Table"]
    assert t["TableArn"] == "arn:aws:dynamodb:us-east-1:000000000000:table/Users"
    assert t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_cli_error_reporting(server, table_name):
    p = aws(server, "describe-table", "--table-name", table_name(), check=False)
    assert p.returncode != 0
    assert "ResourceNotFoundException" in p.stderr
    assert "Requested resource not found" in p.stderr


def test_cli_list_tables_paging(server, table_name):
    akid = "AKIDCLIPG" + table_name("").replace("-", "")[-8:].upper()
    names = sorted(table_name("cli") for _ in range(3))
    for n in names:
        aws(server, "create-table", "--table-name", n,
            "--attribute-definitions", "AttributeName=k,AttributeType=N",
            "--key-schema", "AttributeName=k,KeyType=HASH",
            "--billing-mode", "PAY_PER_REQUEST", akid=akid)
    # --page-size makes the CLI follow LastEvaluatedTableName itself.
    p = aws(server, "list-tables", "--page-size", "1", akid=akid)
    assert json.loads(p.stdout)["TableNames"] == names
    aws(server, "wait", "table-exists", "--table-name", names[0], akid=akid)
