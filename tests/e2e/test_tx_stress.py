"""Isolation stress: concurrent TransactWriteItems transfers, unrelated single-item
updates and TransactGetItems readers; the money total is invariant at every read."""

import random
import threading
import time

import pytest
from botocore.exceptions import ClientError

from conftest import create_simple_table, make_client

N_ACCOUNTS = 20
START_BALANCE = 1000
TOTAL = N_ACCOUNTS * START_BALANCE
WRITERS = 8
READERS = 3
DURATION = 8.0       # seconds of load; the whole test stays well under ~20 s
HARD_LIMIT = 20.0


def acct(i):
    return {"id": {"S": f"acct-{i:02d}"}}


def test_transfers_are_isolated(server, table_name):
    setup = server.client()
    accounts = table_name("StressAcc")
    counters = table_name("StressCtr")
    create_simple_table(setup, accounts, hash_key="id")
    create_simple_table(setup, counters, hash_key="id")
    for start in range(0, N_ACCOUNTS, 10):
        setup.batch_write_item(RequestItems={accounts: [
            {"PutRequest": {"Item": {**acct(i), "bal": {"N": str(START_BALANCE)}}}}
            for i in range(start, start + 10)]})

    stop = threading.Event()
    lock = threading.Lock()
    stats = {"ok": 0, "cancelled": 0, "conflict": 0, "adds": 0, "reads": 0}
    errors = []

    def record_error(where, e):
        with lock:
            errors.append(f"{where}: {e!r}")
        stop.set()

    def writer(seed):
        rng = random.Random(seed)
        c = make_client(server.url)
        ok = cancelled = conflict = adds = 0
        try:
            while not stop.is_set():
                src, dst = rng.sample(range(N_ACCOUNTS), 2)
                amount = rng.randint(1, 400)
                try:
                    c.transact_write_items(TransactItems=[
                        {"Update": {"TableName": accounts, "Key": acct(src),
                                    "UpdateExpression": "SET bal = bal - :a",
                                    "ConditionExpression": "bal >= :a",
                                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
                        {"Update": {"TableName": accounts, "Key": acct(dst),
                                    "UpdateExpression": "SET bal = bal + :a",
                                    "ExpressionAttributeValues": {":a": {"N": str(amount)}}}},
                    ])
                    ok += 1
                except ClientError as e:
                    code = e.response["Error"]["Code"]
                    reasons = [r.get("Code") for r in e.response.get("CancellationReasons", [])]
                    if code == "TransactionCanceledException" and "TransactionConflict" in reasons:
                        conflict += 1
                    elif code == "TransactionCanceledException" and reasons == ["ConditionalCheckFailed", "None"]:
                        cancelled += 1
                    elif code == "TransactionConflictException":
                        conflict += 1
                    else:
                        raise
                # unrelated single-item write interleaved with the transfers
                c.update_item(TableName=counters, Key={"id": {"S": "hits"}},
                              UpdateExpression="ADD n :one", ExpressionAttributeValues={":one": {"N": "1"}})
                adds += 1
        except Exception as e:  # noqa: BLE001
            record_error(f"writer {seed}", e)
        with lock:
            stats["ok"] += ok
            stats["cancelled"] += cancelled
            stats["conflict"] += conflict
            stats["adds"] += adds

    def reader(seed):
        c = make_client(server.url)
        reads = 0
        try:
            while not stop.is_set():
                r = c.transact_get_items(TransactItems=[
                    {"Get": {"TableName": accounts, "Key": acct(i), "ProjectionExpression": "bal"}}
                    for i in range(N_ACCOUNTS)])
                bals = [int(x["Item"]["bal"]["N"]) for x in r["Responses"]]
                assert len(bals) == N_ACCOUNTS
                assert all(b >= 0 for b in bals), bals
                assert sum(bals) == TOTAL, (sum(bals), bals)
                reads += 1
        except Exception as e:  # noqa: BLE001
            record_error(f"reader {seed}", e)
        with lock:
            stats["reads"] += reads

    threads = [threading.Thread(target=writer, args=(s,), daemon=True) for s in range(WRITERS)]
    threads += [threading.Thread(target=reader, args=(100 + s,), daemon=True) for s in range(READERS)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    stop.wait(DURATION)
    stop.set()
    for t in threads:
        t.join(max(0.1, HARD_LIMIT - (time.monotonic() - t0)))
    assert not any(t.is_alive() for t in threads), "worker threads did not finish in time"
    assert not errors, errors[:5]
    assert server.alive()

    items = setup.scan(TableName=accounts, ConsistentRead=True)["Items"]
    assert len(items) == N_ACCOUNTS
    assert sum(int(it["bal"]["N"]) for it in items) == TOTAL
    assert all(int(it["bal"]["N"]) >= 0 for it in items)
    assert stats["ok"] > 0, stats
    assert stats["reads"] > 0, stats
    hits = setup.get_item(TableName=counters, Key={"id": {"S": "hits"}}, ConsistentRead=True)["Item"]
    assert int(hits["n"]["N"]) == stats["adds"], stats
