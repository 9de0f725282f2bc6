"""The examples/ Lambda handlers, tested end to end against ddbd as the README
shows them: the example's own glue serves the handler on the Invoke API, ddbd
delivers the Orders table's stream to it through an event source mapping, and
the handler writes running totals back into ddbd.  Nothing is mocked: the
handler, its glue, the server and the clients are the real ones."""

import contextlib
import os
import socket
import sys
import shutil
import subprocess
import time

import boto3
import pytest
from botocore.config import Config

from conftest import REPO, DdbdServer

EXAMPLES = os.path.join(REPO, "examples")


def start_glue(cmd, cwd, env, log_path):
    """Starts an example's Invoke-API glue; returns its process once it
    has printed "invoke API on 127.0.0.1:PORT" (its output goes to
    log_path, which a failing test shows)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while "invoke API on 127.0.0.1:" not in read(log_path):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise RuntimeError(f"{cmd} did not start: {read(log_path)}")
        time.sleep(0.05)
    return proc


def read(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def clients(url):
    kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
              aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
    return boto3.client("dynamodb", **kw), boto3.client("lambda", **kw)


def free_port():
    """A port free at the time of asking (the glue must be named to ddbd
    before it starts, and ddbd's port to the glue: one of them is chosen up
    front)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def orders_example(glue_cmd, cwd, tmp_path):
    """ddbd delivering the Orders stream to the example's handler, served by
    the example's glue; yields the dynamodb client."""
    port = free_port()
    server = DdbdServer()
    glue = None
    try:
        server.start(["--in-memory", "--lambda-function", f"totals=http://127.0.0.1:{port}",
                      "--lambda-poll-interval", "0.1"])
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x",
                   AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", TOTALS_TABLE="OrderTotals",
                   DYNAMODB_ENDPOINT=server.url)
        glue = start_glue(glue_cmd + [str(port)], cwd, env, tmp_path / "glue.log")
        ddb, lam = clients(server.url)
        ddb.create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        ddb.create_table(TableName="OrderTotals", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}])
        arn = ddb.describe_table(TableName="Orders")["Table"]["LatestStreamArn"]
        lam.create_event_source_mapping(FunctionName="totals", EventSourceArn=arn,
                                        StartingPosition="TRIM_HORIZON", BatchSize=5,
                                        FunctionResponseTypes=["ReportBatchItemFailures"])
        try:
            yield ddb
        except BaseException:
            print("handler output:\n" + read(tmp_path / "glue.log"))
            print("ddbd stderr:\n" + server.stderr())
            raise
    finally:
        if glue:
            stop(glue)
        server.stop()


def totals(ddb):
    items = ddb.scan(TableName="OrderTotals", ConsistentRead=True)["Items"]
    return {i["customer"]["S"]: i["total"]["N"] for i in items}


def exercise(ddb):
    """Writes, changes and deletes orders; waits until the handler's totals
    say what those changes add up to."""
    for n, (customer, amount) in enumerate([("ada", 10), ("ada", 5), ("bob", 7), ("ada", 1), ("bob", 3)]):
        ddb.put_item(TableName="Orders", Item={"id": {"S": f"o{n}"}, "customer": {"S": customer},
                                               "amount": {"N": str(amount)}})
    ddb.update_item(TableName="Orders", Key={"id": {"S": "o1"}}, UpdateExpression="SET amount = :a",
                    ExpressionAttributeValues={":a": {"N": "50"}})       # ada: +45
    ddb.delete_item(TableName="Orders", Key={"id": {"S": "o2"}})         # bob: -7
    want = {"ada": "61", "bob": "3"}
    deadline = time.monotonic() + 30
    while totals(ddb) != want and time.monotonic() < deadline:
        time.sleep(0.2)
    assert totals(ddb) == want
    # Each change was delivered once: nothing more arrives later.
    time.sleep(1)
    assert totals(ddb) == want


def test_python_example(tmp_path):
    with orders_example([sys.executable, "serve.py"], os.path.join(EXAMPLES, "lambda-python"), tmp_path) as ddb:
        exercise(ddb)


def test_node_example(tmp_path):
    cwd = os.path.join(EXAMPLES, "lambda-node")
    if not shutil.which("node"):
        pytest.skip("node not installed")
    if not os.path.isdir(os.path.join(cwd, "node_modules")):
        pytest.skip("examples/lambda-node has no node_modules (make test-js installs them and runs this test)")
    with orders_example(["node", "serve.mjs"], cwd, tmp_path) as ddb:
        exercise(ddb)
