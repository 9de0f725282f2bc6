"""An idle server's threads (issue 17): the I/O threads, and one thread for
all the background services (TTL, stream trimming, Lambda delivery, backups,
PITR, the ClientRequestToken sweep), which sleeps until a service is due.
The heavy-work pool's thread starts with the first heavy request.  Threads
are told apart by name (/proc/PID/task/*/comm)."""
import os
import time

import boto3
import pytest

from conftest import DEFAULT_AKID, DEFAULT_SECRET, REGION, create_simple_table

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")


def thread_names(pid):
    names = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[int(tid)] = f.read().strip()
        except FileNotFoundError:  # the thread ended meanwhile
            pass
    return names


def named(pid, name):
    return sorted(tid for tid, n in thread_names(pid).items() if n == name)


def voluntary_switches(pid, tid):
    with open(f"/proc/{pid}/task/{tid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches line")


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    return predicate()


def the_service_thread(pid):
    """The services' thread's id once there is exactly one, else None."""
    tids = named(pid, "ddbd-services")
    return tids[0] if len(tids) == 1 else None


def test_idle_server_has_one_service_thread_that_sleeps(server_factory):
    # A long TTL interval: the next service due is then a minute away.  The
    # Lambda poller's first pass comes after its poll interval (0.5 s) and,
    # with no event source mapping, it then sleeps until one is stored.  A
    # run hands the waiting to another thread, and the one that ran leaves a
    # second later (Services::kSpareThreadLinger).
    srv = server_factory(["--threads", "1", "--ttl-interval", "3600"])
    time.sleep(1.0)
    tid = wait_for(lambda: the_service_thread(srv.pid))
    assert tid, thread_names(srv.pid)
    names = thread_names(srv.pid)
    # main (the one I/O thread with --threads 1; named after the binary) and
    # the services' thread; no heavy-work thread yet.
    assert sorted(names.values()) == sorted([names[srv.pid], "ddbd-services"]), names
    before = voluntary_switches(srv.pid, tid)
    time.sleep(1.5)
    # It did not wake: the Lambda poller's thread once woke every 0.5 s.
    assert named(srv.pid, "ddbd-services") == [tid]
    assert voluntary_switches(srv.pid, tid) == before


def test_heavy_pool_thread_starts_with_the_first_heavy_request(server_factory):
    srv = server_factory(["--threads", "1", "--in-memory"])
    client = srv.client()
    assert named(srv.pid, "ddbd-heavy") == []
    create_simple_table(client, "idle_heavy")
    client.put_item(TableName="idle_heavy", Item={"pk": {"S": "small"}})
    assert named(srv.pid, "ddbd-heavy") == [], "a small request runs on the I/O thread"
    # A body of 300 KB (over the router's 256 KiB heavy threshold).
    client.put_item(TableName="idle_heavy", Item={"pk": {"S": "big"}, "v": {"S": "x" * 300_000}})
    assert len(named(srv.pid, "ddbd-heavy")) == 1
    got = client.get_item(TableName="idle_heavy", Key={"pk": {"S": "big"}})["Item"]
    assert len(got["v"]["S"]) == 300_000


def test_a_new_mapping_wakes_the_sleeping_lambda_poller(server_factory):
    """The poller sleeps with no mapping, so a mapping must wake it: a mapping
    created while it sleeps still leaves Creating for Enabled."""
    srv = server_factory(["--threads", "1", "--in-memory", "--ttl-interval", "3600",
                          "--lambda-endpoint", "http://127.0.0.1:9"])
    client = srv.client()
    client.create_table(TableName="idle_lambda", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
                        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = client.describe_table(TableName="idle_lambda")["Table"]["LatestStreamArn"]
    time.sleep(1.0)  # the poller's first pass found no mapping: it sleeps
    lam = boto3.client("lambda", endpoint_url=srv.url, region_name=REGION, aws_access_key_id=DEFAULT_AKID,
                       aws_secret_access_key=DEFAULT_SECRET)
    uuid = lam.create_event_source_mapping(EventSourceArn=arn, FunctionName="f",
                                           StartingPosition="LATEST")["UUID"]
    assert wait_for(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"), \
        lam.get_event_source_mapping(UUID=uuid)["State"]
