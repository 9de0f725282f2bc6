"""Lambda delivery: the event source mapping API (boto3 'lambda' client and
the AWS CLI) and the delivery of stream records to a handler served on the
Invoke API by a small HTTP server in this test."""

import http.server
import json
import os
import subprocess
import threading
import time

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import DEFAULT_AKID, DEFAULT_SECRET, REGION, DdbdServer

from conftest import AWS_CLI as AWS  # noqa: E402


class Handler:
    """An Invoke API endpoint on 127.0.0.1.  Every invocation is recorded as
    (function name, event); `respond(name, event, n)` (n counts from 0) gives
    (status, headers, body) and defaults to success."""

    def __init__(self):
        self.calls = []
        self.lock = threading.Lock()
        self.respond = lambda name, event, n: (200, {}, b"null")
        outer = self

        class _H(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                event = json.loads(self.rfile.read(length))
                parts = self.path.split("/")
                # /2015-03-31/functions/{name}/invocations
                assert parts[1:3] == ["2015-03-31", "functions"] and parts[4] == "invocations", self.path
                with outer.lock:
                    n = len(outer.calls)
                    outer.calls.append((parts[3], event))
                status, headers, body = outer.respond(parts[3], event, n)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def records(self, name=None):
        with self.lock:
            return [r for fn, ev in self.calls if name is None or fn == name for r in ev["Records"]]

    def events(self):
        with self.lock:
            return list(self.calls)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def handler():
    h = Handler()
    yield h
    h.close()


@pytest.fixture
def ddbd(handler, tmp_path):
    srv = DdbdServer()
    data = tmp_path / "data"
    data.mkdir()
    srv.start(["--lambda-endpoint", handler.url, "--lambda-poll-interval", "0.05"], data)
    yield srv
    srv.stop()


def lambda_client(srv):
    return boto3.client("lambda", endpoint_url=srv.url, region_name=REGION, aws_access_key_id=DEFAULT_AKID,
                        aws_secret_access_key=DEFAULT_SECRET, config=Config(retries={"max_attempts": 1}))


def stream_table(ddb, name, view="NEW_AND_OLD_IMAGES"):
    t = ddb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST",
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    return t["TableDescription"]["LatestStreamArn"]


def wait_for(pred, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def code(e):
    return e.value.response["Error"]["Code"]


def put(ddb, table, pk, **attrs):
    item = {"pk": {"S": pk}}
    item.update({k: {"S": v} if isinstance(v, str) else {"N": str(v)} for k, v in attrs.items()})
    ddb.put_item(TableName=table, Item=item)


# ------------------------------------------------------------------ the mapping API

def test_mapping_create_get_list_update_delete(ddbd):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "crud")
    m = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="fn-a", StartingPosition="TRIM_HORIZON",
                                        BatchSize=5)
    assert m["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = m["UUID"]
    assert m["State"] == "Creating"
    assert m["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:fn-a"
    assert m["EventSourceArn"] == arn
    assert m["BatchSize"] == 5 and m["StartingPosition"] == "TRIM_HORIZON"
    assert m["MaximumRetryAttempts"] == -1 and m["MaximumRecordAgeInSeconds"] == -1
    assert m["BisectBatchOnFunctionError"] is False and m["ParallelizationFactor"] == 1
    assert m["LastProcessingResult"] == "No records processed"
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled", what="Enabled")

    m2 = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="arn:aws:lambda:us-east-1:000000000000:function:fn-b",
                                         StartingPosition="LATEST", Enabled=False)
    assert m2["State"] == "Disabled"
    all_ = lam.list_event_source_mappings()["EventSourceMappings"]
    assert sorted(x["UUID"] for x in all_) == sorted([uuid, m2["UUID"]])
    only_a = lam.list_event_source_mappings(FunctionName="fn-a")["EventSourceMappings"]
    assert [x["UUID"] for x in only_a] == [uuid]
    assert len(lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]) == 2
    page = lam.list_event_source_mappings(MaxItems=1)
    assert len(page["EventSourceMappings"]) == 1 and "NextMarker" in page
    rest = lam.list_event_source_mappings(MaxItems=1, Marker=page["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 1 and "NextMarker" not in rest
    paginated = [x["UUID"] for p in lam.get_paginator("list_event_source_mappings").paginate(PaginationConfig={"PageSize": 1})
                 for x in p["EventSourceMappings"]]
    assert sorted(paginated) == sorted([uuid, m2["UUID"]])

    u = lam.update_event_source_mapping(UUID=uuid, BatchSize=7, Enabled=False, MaximumRetryAttempts=3)
    assert u["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert u["BatchSize"] == 7 and u["MaximumRetryAttempts"] == 3 and u["State"] == "Disabling"
    wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Disabled", what="Disabled")
    assert lam.get_event_source_mapping(UUID=uuid)["BatchSize"] == 7

    d = lam.delete_event_source_mapping(UUID=uuid)
    assert d["State"] == "Deleting" and d["ResponseMetadata"]["HTTPStatusCode"] == 202
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID=uuid)
    assert code(e) == "ResourceNotFoundException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert [x["UUID"] for x in lam.list_event_source_mappings()["EventSourceMappings"]] == [m2["UUID"]]


def test_mapping_validation_errors_change_nothing(ddbd):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "val")

    def rejected(expected, **kw):
        args = dict(EventSourceArn=arn, FunctionName="f", StartingPosition="LATEST")
        args.update(kw)
        args = {k: v for k, v in args.items() if v is not None}
        with pytest.raises(ClientError) as e:
            lam.create_event_source_mapping(**args)
        assert code(e) == expected, e.value.response
        return e.value.response["Error"]["Message"]

    msg = rejected("ValidationException", BatchSize=10001)
    assert msg == ("1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
                   "Member must have value less than or equal to 10000")
    rejected("ValidationException", MaximumBatchingWindowInSeconds=301)
    rejected("ValidationException", MaximumRetryAttempts=10001)
    rejected("ValidationException", MaximumRecordAgeInSeconds=604801)
    rejected("InvalidParameterValueException", MaximumRecordAgeInSeconds=30)
    rejected("InvalidParameterValueException", StartingPosition=None)
    rejected("InvalidParameterValueException", EventSourceArn=arn.replace("/val/", "/missing/"))
    rejected("InvalidParameterValueException", FilterCriteria={"Filters": [{"Pattern": "{not json"}]})
    rejected("ValidationException", FunctionName="bad name!")
    assert lam.list_event_source_mappings()["EventSourceMappings"] == []

    m = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f", StartingPosition="LATEST")
    rejected("ResourceConflictException")
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID=m["UUID"], BatchSize=20000)
    assert code(e) == "ValidationException"
    assert lam.get_event_source_mapping(UUID=m["UUID"])["BatchSize"] == 100
    for call in (lam.get_event_source_mapping, lam.delete_event_source_mapping):
        with pytest.raises(ClientError) as e:
            call(UUID="00000000-0000-4000-8000-000000000000")
        assert code(e) == "ResourceNotFoundException"
    # Another account's mapping is not visible.
    other = boto3.client("lambda", endpoint_url=ddbd.url, region_name=REGION, aws_access_key_id="AKIDOTHER",
                         aws_secret_access_key="x", config=Config(retries={"max_attempts": 1}))
    assert other.list_event_source_mappings()["EventSourceMappings"] == []


# ------------------------------------------------------------------ delivery

def check_shape(r, arn, view="NEW_AND_OLD_IMAGES"):
    assert set(r) >= {"eventID", "eventName", "eventVersion", "eventSource", "awsRegion", "dynamodb", "eventSourceARN"}
    assert r["eventVersion"] == "1.1" and r["eventSource"] == "aws:dynamodb"
    assert r["awsRegion"] == "us-east-1" and r["eventSourceARN"] == arn
    d = r["dynamodb"]
    assert set(d) >= {"ApproximateCreationDateTime", "Keys", "SequenceNumber", "SizeBytes", "StreamViewType"}
    assert d["StreamViewType"] == view and isinstance(d["SizeBytes"], int) and d["SizeBytes"] > 0
    assert isinstance(d["ApproximateCreationDateTime"], (int, float))
    assert abs(d["ApproximateCreationDateTime"] - time.time()) < 600
    assert ("NewImage" in d) == (r["eventName"] != "REMOVE")
    assert ("OldImage" in d) == (r["eventName"] != "INSERT")


def test_every_change_arrives_once_in_order(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "order")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="orders", StartingPosition="TRIM_HORIZON",
                                    BatchSize=10)
    expected = []
    for i in range(25):
        put(ddb, "order", f"k{i:02d}", n=i)
        expected.append(("INSERT", f"k{i:02d}"))
    for i in range(0, 25, 5):
        put(ddb, "order", f"k{i:02d}", n=i + 100)
        expected.append(("MODIFY", f"k{i:02d}"))
    for i in range(0, 25, 7):
        ddb.delete_item(TableName="order", Key={"pk": {"S": f"k{i:02d}"}})
        expected.append(("REMOVE", f"k{i:02d}"))
    recs = wait_for(lambda: len(handler.records()) >= len(expected) and handler.records(), what="all records")
    time.sleep(0.3)
    recs = handler.records()
    assert [(r["eventName"], r["dynamodb"]["Keys"]["pk"]["S"]) for r in recs] == expected
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert len({r["eventID"] for r in recs}) == len(recs)
    for r in recs:
        check_shape(r, arn)
    assert all(fn == "orders" and 1 <= len(ev["Records"]) <= 10 for fn, ev in handler.events())
    modify = next(r for r in recs if r["eventName"] == "MODIFY")
    assert modify["dynamodb"]["OldImage"]["n"] == {"N": "0"} and modify["dynamodb"]["NewImage"]["n"] == {"N": "100"}
    wait_for(lambda: lam.list_event_source_mappings()["EventSourceMappings"][0]["LastProcessingResult"] == "OK",
             what="LastProcessingResult OK")


def test_handler_failure_is_retried_without_loss_or_reordering(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "retry")

    def respond(name, event, n):
        if n < 2:
            return 200, {"X-Amz-Function-Error": "Unhandled"}, b'{"errorMessage":"boom"}'
        if n == 2:
            return 500, {}, b"oops"
        return 200, {}, b"null"
    handler.respond = respond
    for i in range(6):
        put(ddb, "retry", f"r{i}")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="flaky", StartingPosition="TRIM_HORIZON",
                                    BatchSize=4)
    wait_for(lambda: len(handler.events()) >= 5, what="retries and the rest")
    time.sleep(0.3)
    events = handler.events()
    batches = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in ev["Records"]] for _, ev in events]
    assert batches[0] == batches[1] == batches[2] == batches[3] == ["r0", "r1", "r2", "r3"]
    delivered = [k for b in batches[3:] for k in b]
    assert delivered == [f"r{i}" for i in range(6)]
    log = ddbd.stderr()
    assert log.count("invoking flaky with 4 record(s)") == 3, log
    assert "function error Unhandled" in log and "HTTP status 500" in log


def test_report_batch_item_failures_retries_from_the_failed_record(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "partial")

    def respond(name, event, n):
        if n == 0:
            third = event["Records"][2]["dynamodb"]["SequenceNumber"]
            return 200, {}, json.dumps({"batchItemFailures": [{"itemIdentifier": third}]}).encode()
        return 200, {}, b'{"batchItemFailures":[]}'
    handler.respond = respond
    for i in range(5):
        put(ddb, "partial", f"p{i}")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="partial", StartingPosition="TRIM_HORIZON",
                                    BatchSize=5, FunctionResponseTypes=["ReportBatchItemFailures"])
    wait_for(lambda: len(handler.records()) >= 8, what="redelivery")
    time.sleep(0.3)
    batches = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in ev["Records"]] for _, ev in handler.events()]
    assert batches[0] == ["p0", "p1", "p2", "p3", "p4"]
    assert [k for b in batches[1:] for k in b] == ["p2", "p3", "p4"]


def test_bisect_isolates_records_and_keeps_order(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "bisect")
    # The handler accepts only single-record batches.
    handler.respond = lambda name, ev, n: ((200, {}, b"null") if len(ev["Records"]) == 1
                                           else (200, {"X-Amz-Function-Error": "Unhandled"}, b"{}"))
    for i in range(4):
        put(ddb, "bisect", f"b{i}")
    lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="bisect", StartingPosition="TRIM_HORIZON",
                                    BatchSize=4, BisectBatchOnFunctionError=True)
    wait_for(lambda: sum(1 for _, ev in handler.events() if len(ev["Records"]) == 1) >= 4, what="single deliveries")
    sizes = [len(ev["Records"]) for _, ev in handler.events()]
    assert sizes[:3] == [4, 2, 1]
    ok = [ev["Records"][0]["dynamodb"]["Keys"]["pk"]["S"] for _, ev in handler.events() if len(ev["Records"]) == 1]
    assert ok == ["b0", "b1", "b2", "b3"]


def test_retries_exhausted_logs_the_on_failure_destination_and_moves_on(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "dlq")
    handler.respond = lambda name, ev, n: ((200, {"X-Amz-Function-Error": "Unhandled"}, b"{}") if n < 2
                                           else (200, {}, b"null"))
    put(ddb, "dlq", "d0")
    lam.create_event_source_mapping(
        EventSourceArn=arn, FunctionName="dlq", StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:dead"}})
    wait_for(lambda: len(handler.events()) >= 2, what="two failures")
    put(ddb, "dlq", "d1")
    wait_for(lambda: len(handler.events()) >= 3, what="the next record")
    time.sleep(0.2)
    batches = [[r["dynamodb"]["Keys"]["pk"]["S"] for r in ev["Records"]] for _, ev in handler.events()]
    assert batches == [["d0"], ["d0"], ["d1"]]
    log = ddbd.stderr()
    assert "retries exhausted" in log and "arn:aws:sqs:us-east-1:000000000000:dead" in log, log


def test_filter_criteria_drop_records_that_do_not_match(ddbd, handler):
    ddb, lam = ddbd.client(), lambda_client(ddbd)
    arn = stream_table(ddb, "filt")
    pattern = {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"kind": {"S": [{"prefix": "keep"}]}}}}
    m = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="filt", StartingPosition="TRIM_HORIZON",
                                        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    assert json.loads(m["FilterCriteria"]["Filters"][0]["Pattern"]) == pattern
    put(ddb, "filt", "a", kind="keep-1")
    put(ddb, "filt", "b", kind="drop")
    put(ddb, "filt", "a", kind="keep-2")   # MODIFY: dropped
    put(ddb, "filt", "c", kind="keeper")
    put(ddb, "filt", "last", kind="keep-last")
    wait_for(lambda: any(r["dynamodb"]["Keys"]["pk"]["S"] == "last" for r in handler.records()), what="last")
    time.sleep(0.2)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in handler.records()] == ["a", "c", "last"]


def test_latest_delivers_only_new_records_and_survives_restart(handler, tmp_path):
    srv = DdbdServer()
    data = tmp_path / "data"
    data.mkdir()
    srv.start(["--lambda-endpoint", handler.url, "--lambda-poll-interval", "0.05"], data)
    try:
        ddb, lam = srv.client(), lambda_client(srv)
        arn = stream_table(ddb, "latest")
        put(ddb, "latest", "before")
        uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="late",
                                               StartingPosition="LATEST")["UUID"]
        put(ddb, "latest", "after")
        wait_for(lambda: handler.records(), what="first delivery")
        time.sleep(0.3)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in handler.records()] == ["after"]
        srv.stop()
        srv.start(srv.args, data)
        ddb, lam = srv.client(), lambda_client(srv)
        assert lam.get_event_source_mapping(UUID=uuid)["EventSourceArn"] == arn
        put(ddb, "latest", "restarted")
        wait_for(lambda: len(handler.records()) >= 2, what="delivery after restart")
        time.sleep(0.3)
        assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in handler.records()] == ["after", "restarted"]
    finally:
        srv.stop()


def test_per_function_endpoint_and_missing_endpoint(handler, tmp_path):
    srv = DdbdServer()
    srv.start(["--lambda-function", f"routed={handler.url}", "--lambda-poll-interval", "0.05", "--in-memory"])
    try:
        ddb, lam = srv.client(), lambda_client(srv)
        arn = stream_table(ddb, "route")
        lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="routed", StartingPosition="TRIM_HORIZON")
        nowhere = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="nowhere",
                                                  StartingPosition="TRIM_HORIZON")["UUID"]
        put(ddb, "route", "x")
        wait_for(lambda: handler.records("routed"), what="routed delivery")
        wait_for(lambda: "no Lambda endpoint" in lam.get_event_source_mapping(UUID=nowhere)["LastProcessingResult"],
                 what="LastProcessingResult")
        assert "no Lambda endpoint configured for function nowhere" in srv.stderr()
        assert {fn for fn, _ in handler.events()} == {"routed"}
    finally:
        srv.stop()


@pytest.mark.skipif(AWS is None, reason="AWS CLI not installed, or DDBD_E2E_NO_CLI=1")
def test_aws_cli_create_event_source_mapping(ddbd, handler):
    arn = stream_table(ddbd.client(), "cli")
    env = dict(os.environ, AWS_ACCESS_KEY_ID=DEFAULT_AKID, AWS_SECRET_ACCESS_KEY=DEFAULT_SECRET,
               AWS_DEFAULT_REGION=REGION, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true", AWS_PAGER="")
    env.pop("AWS_PROFILE", None)
    p = subprocess.run([AWS, "lambda", "create-event-source-mapping", "--endpoint-url", ddbd.url,
                        "--function-name", "cli-fn", "--event-source-arn", arn, "--starting-position", "LATEST",
                        "--batch-size", "3", "--output", "json"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["BatchSize"] == 3 and out["FunctionArn"].endswith(":function:cli-fn")
    put(ddbd.client(), "cli", "via-cli")
    wait_for(lambda: handler.records("cli-fn"), what="delivery")


def test_signatures_are_verified_with_the_lambda_service_name(tmp_path_factory):
    from conftest import credentials_server
    with credentials_server(tmp_path_factory, "lambda-creds", {"AKIDGOOD": "good-secret"}) as srv:
        good = boto3.client("lambda", endpoint_url=srv.url, region_name=REGION, aws_access_key_id="AKIDGOOD",
                            aws_secret_access_key="good-secret", config=Config(retries={"max_attempts": 1}))
        assert good.list_event_source_mappings()["EventSourceMappings"] == []
        bad = boto3.client("lambda", endpoint_url=srv.url, region_name=REGION, aws_access_key_id="AKIDGOOD",
                           aws_secret_access_key="wrong", config=Config(retries={"max_attempts": 1}))
        with pytest.raises(ClientError) as e:
            bad.list_event_source_mappings()
        assert code(e) == "InvalidSignatureException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
