"""Issue 10, item 5: one large request must not stall everyone, and its memory
must stay bounded.

Four clients send legal ~9 MB BatchWriteItem requests (25 items of 7,500
small attributes each, ~230 KB per item as DynamoDB counts it) back to back
while a fifth does GetItem. On commit 7aeaf03, with 2 I/O threads, the big
requests occupied both threads (GetItem p99 ~450 ms) and the server peaked at
~300 MB resident (~8x the four bodies) because every big request was decoded
at once. Now big requests run one at a time on a separate worker.
"""

import http.client
import json
import multiprocessing
import os
import time

from conftest import TARGET_PREFIX, sign_headers

BIG_CLIENTS = 4
ITEMS = 25                 # BatchWriteItem's maximum
ATTRS_PER_ITEM = 7500      # ~370 KB of JSON per item, ~230 KB of item size (< 400 KB)
LOAD_SECONDS = 6.0
MIN_SMALL_REQUESTS = 200
P99_LIMIT_S = 0.050        # the requirement for small requests
MEMORY_FACTOR = 6          # peak RSS growth allowed, in multiples of the concurrent bodies


# The p99 bound is measured again, up to this many times, before the test
# fails: the 7aeaf03 build misses it every time (80-470 ms), while on a machine
# busy with other jobs one round of this build can.
LATENCY_RETRIES = 2
# The median bound holds on any machine: the stall this file guards against put
# every small request behind a big one (7aeaf03: p50 ~27 ms, against ~1 ms).
# The p99 bound is checked only when the machine was not oversubscribed during
# the run (1-minute load average at most the number of CPUs): past that, the
# tail measures other jobs' and our own big requests' share of the CPUs.
P50_LIMIT_S = 0.010


def status_kb(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def sanitized(pid):
    """True when the server runs with AddressSanitizer (a Debug build whose
    quarantine keeps freed memory resident on purpose) or ThreadSanitizer
    (shadow memory for every byte touched): the load still runs and every
    answer is checked, but the latency and memory bounds are not."""
    with open(f"/proc/{pid}/maps") as f:
        maps = f.read()
    return "libasan" in maps or "libtsan" in maps


def big_body(table, client):
    reqs = []
    for i in range(ITEMS):
        item = {"pk": {"S": f"big-{client}-{i}"}}
        for j in range(ATTRS_PER_ITEM):
            item[f"f{j:05d}"] = {"S": f"value-{i:02d}-{j:05d}-abcdefghijklmnop"}
        reqs.append({"PutRequest": {"Item": item}})
    return json.dumps({"RequestItems": {table: reqs}}, separators=(",", ":")).encode()


def send_big(url, port, op, body, stop_at, results):
    """Child process: send `body` as BatchWriteItem or BatchGetItem until
    stop_at, each answered in full; report (ok, failures)."""
    headers = sign_headers(url, TARGET_PREFIX + op, body)
    # Checked on the raw text: parsing 10 MB answers in Python would take the
    # CPU the small requests' client needs on a 2-core machine.
    complete = b'"UnprocessedItems":{}' if op == "BatchWriteItem" else b'"UnprocessedKeys":{}'
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    ok, failures = 0, []
    while time.time() < stop_at:
        conn.request("POST", "/", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status == 200 and complete in data[-200:]:
            ok += 1
        else:
            failures.append((resp.status, data[:200]))
            break
    conn.close()
    results.put((ok, failures))


def small_gets(srv, table, stop_at):
    """GetItem on one keep-alive connection until stop_at (at least
    MIN_SMALL_REQUESTS); returns the sorted latencies in seconds."""
    body = json.dumps({"TableName": table, "Key": {"pk": {"S": "small"}}}).encode()
    headers = sign_headers(srv.url, TARGET_PREFIX + "GetItem", body)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    latencies = []
    while time.time() < stop_at or len(latencies) < MIN_SMALL_REQUESTS:
        t0 = time.perf_counter()
        conn.request("POST", "/", body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        latencies.append(time.perf_counter() - t0)
        assert resp.status == 200 and json.loads(data)["Item"]["v"] == {"S": "x" * 100}
        time.sleep(0.005)
    conn.close()
    return sorted(latencies)


def create_table_with_small_item(srv, table):
    c = srv.client()
    c.create_table(TableName=table, AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")
    c.put_item(TableName=table, Item={"pk": {"S": "small"}, "v": {"S": "x" * 100}})
    return c


def run_load(srv, table, op, bodies):
    """One child process per body sends it as `op` for LOAD_SECONDS while this
    process does GetItem; returns (sorted GetItem latencies, [(ok, failures)])."""
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    stop_at = time.time() + 0.5 + LOAD_SECONDS
    senders = [ctx.Process(target=send_big, args=(srv.url, srv.port, op, b, stop_at, results)) for b in bodies]
    for p in senders:
        p.start()
    try:
        time.sleep(0.5)  # the big requests are on their way
        latencies = small_gets(srv, table, stop_at)
        outcomes = [results.get(timeout=120) for _ in senders]
    finally:
        for p in senders:
            p.join(timeout=120)
            if p.is_alive():
                p.kill()
    assert all(not failures for _, failures in outcomes), outcomes
    assert all(ok >= 1 for ok, _ in outcomes), outcomes
    assert srv.alive()
    return latencies, outcomes


def percentiles(latencies):
    n = len(latencies)
    return latencies[n // 2], latencies[min(n - 1, int(n * 0.99))]


def measure_with_retries(srv, table, op, bodies):
    """(latencies, outcomes, p50, p99, check_p99): the load of `bodies` is run
    again, up to LATENCY_RETRIES times, while it misses a bound; check_p99 is
    False when the machine was oversubscribed during the last run."""
    for attempt in range(LATENCY_RETRIES + 1):
        latencies, outcomes = run_load(srv, table, op, bodies)
        p50, p99 = percentiles(latencies)
        check_p99 = os.getloadavg()[0] <= (os.cpu_count() or 1)
        if sanitized(srv.pid) or (p50 < P50_LIMIT_S and (p99 < P99_LIMIT_S or not check_p99)):
            break
    return latencies, outcomes, p50, p99, check_p99


def assert_latency(p50, p99, check_p99, summary):
    assert p50 < P50_LIMIT_S, summary
    if check_p99:
        assert p99 < P99_LIMIT_S, summary
    elif p99 >= P99_LIMIT_S:
        print(f"p99 over its bound, not checked: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


def test_big_writes_do_not_stall_small_requests_and_memory_stays_bounded(server_factory, table_name):
    srv = server_factory(["--threads", "2"])
    table = table_name("Big")
    c = create_table_with_small_item(srv, table)
    bodies = [big_body(table, k) for k in range(BIG_CLIENTS)]
    assert all(8_000_000 < len(b) < 16 * 1024 * 1024 for b in bodies)
    idle_kb = status_kb(srv.pid, "VmRSS")

    latencies, outcomes, p50, p99, check_p99 = measure_with_retries(srv, table, "BatchWriteItem", bodies)
    peak_growth_kb = status_kb(srv.pid, "VmHWM") - idle_kb
    bodies_kb = sum(len(b) for b in bodies) / 1024
    summary = (f"{len(latencies)} GetItems p50 {p50 * 1e3:.1f} ms p99 {p99 * 1e3:.1f} ms; big requests served "
               f"{outcomes}; peak RSS growth {peak_growth_kb / 1024:.0f} MB for {bodies_kb / 1024:.0f} MB of bodies")
    print(summary)
    if not sanitized(srv.pid):
        assert_latency(p50, p99, check_p99, summary)
        assert peak_growth_kb <= MEMORY_FACTOR * bodies_kb, summary

    # The big writes really happened.
    got = c.get_item(TableName=table, Key={"pk": {"S": "big-3-24"}})["Item"]
    assert len(got) == ATTRS_PER_ITEM + 1 and got["f07499"] == {"S": "value-24-07499-abcdefghijklmnop"}


def test_big_batch_get_answers_do_not_stall_small_requests(server_factory, table_name):
    """Four clients read 25 items of ~390 KB each (~10 MB answers) with
    BatchGetItem. On 7aeaf03 each answer was built on an I/O thread: GetItem
    p50 ~27 ms, p99 65-85 ms."""
    srv = server_factory(["--threads", "2"])
    table = table_name("BigGet")
    c = create_table_with_small_item(srv, table)
    for i in range(ITEMS):
        c.put_item(TableName=table, Item={"pk": {"S": f"big-{i}"}, "blob": {"S": chr(97 + i) * (390 * 1024)}})
    body = json.dumps({"RequestItems": {table: {"Keys": [{"pk": {"S": f"big-{i}"}} for i in range(ITEMS)]}}}).encode()

    latencies, outcomes, p50, p99, check_p99 = measure_with_retries(srv, table, "BatchGetItem", [body] * BIG_CLIENTS)
    summary = (f"{len(latencies)} GetItems p50 {p50 * 1e3:.1f} ms p99 {p99 * 1e3:.1f} ms; "
               f"big answers {outcomes}")
    print(summary)
    if not sanitized(srv.pid):
        assert_latency(p50, p99, check_p99, summary)
