"""The examples/ Lambda handlers, tested end to end against ddbd as the README
shows them: the example's own glue serves the handler on the Invoke API, ddbd
delivers the Orders table's stream to it through an event source mapping, and
the handler writes running totals back into ddbd.  Nothing is mocked: the
handler, its glue, the server and the clients are the real ones."""

import os
import select
import shutil
import subprocess
import time

import boto3
import pytest
from botocore.config import Config

from conftest import REPO, DdbdServer

EXAMPLES = os.path.join(REPO, "examples")


def start_glue(cmd, cwd, env):
    """Starts an example's Invoke-API glue on a free port; returns (proc, url)."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    line = b""
    while not line.endswith(b"\n"):
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{cmd} did not start: {line!r}")
        r, _, _ = select.select([proc.stdout], [], [], 0.5)
        if r:
            chunk = os.read(proc.stdout.fileno(), 1)
            if not chunk:
                raise RuntimeError(f"{cmd} exited: {line!r}")
            line += chunk
    text = line.decode().strip()
    assert text.startswith("invoke API on 127.0.0.1:"), text
    return proc, "http://" + text.rsplit(" ", 1)[1]


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


def run_orders_example(glue_cmd, cwd):
    """Starts ddbd and the example, writes orders, waits for the totals."""
    # The glue needs a port before ddbd starts (ddbd is told where functions
    # run); ddbd's port is known only after it starts, so the handler learns
    # it from DYNAMODB_ENDPOINT after a restart-free two-step: glue first on a
    # port of its own choosing, pointed at a ddbd port chosen up front.
    server = DdbdServer()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x",
               AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1", TOTALS_TABLE="OrderTotals")
    glue = None
    try:
        server.start(["--in-memory", "--lambda-endpoint", "http://127.0.0.1:1", "--lambda-poll-interval", "0.1"])
        env["DYNAMODB_ENDPOINT"] = server.url
        glue, glue_url = start_glue(glue_cmd + ["0"], cwd, env)
        ddb, lam = clients(server.url)
        ddb.create_table(TableName="Orders", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        ddb.create_table(TableName="OrderTotals", BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "customer", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"}])
        arn = ddb.describe_table(TableName="Orders")["Table"]["LatestStreamArn"]
        # The README's per-function override points this function at the glue.
        lam.create_event_source_mapping(FunctionName="totals", EventSourceArn=arn,
                                        StartingPosition="TRIM_HORIZON", BatchSize=5,
                                        FunctionResponseTypes=["ReportBatchItemFailures"])
        yield ddb, lam, glue_url
    finally:
        if glue:
            stop(glue)
        server.stop()
