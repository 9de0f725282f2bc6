"""kill -9 under mixed write load, checked against a ledger of acknowledged writes.

Writer threads each own a set of keys (so the expected state of every key is
known) and run PutItem, UpdateItem, DeleteItem, BatchWriteItem and
TransactWriteItems against two tables, one with a GSI.  At a random moment the
server is killed with SIGKILL and restarted on the same data directory; then
every key must hold the state of its last acknowledged write, or, for the op
that was in flight at the kill, the state that op would have written.  The GSI
must list exactly the table's items that carry its key.

DDBD_CRASH_CYCLES sets the number of kill cycles (5 in `make test`, 100 in
`make stress`); every other cycle runs with --sync.
"""

import http.client
import json
import os
import random
import threading
import time
import urllib.parse

from conftest import DdbdServer, sign_headers

CYCLES = int(os.environ.get("DDBD_CRASH_CYCLES", "5"))
THREADS = 4
KEYS_PER_THREAD = 40
SEED = int(os.environ.get("DDBD_CRASH_SEED", "20261201"))

TABLE_A = "crash_a"   # pk (S)
TABLE_B = "crash_b"   # pk (S), sk (N); GSI byg: g (S), sk (N)


def _create_tables(c):
    c.create_table(TableName=TABLE_A, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    c.create_table(TableName=TABLE_B, BillingMode="PAY_PER_REQUEST",
                   AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "N"},
                                         {"AttributeName": "g", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}],
                   GlobalSecondaryIndexes=[{
                       "IndexName": "byg",
                       "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                     {"AttributeName": "sk", "KeyType": "RANGE"}],
                       "Projection": {"ProjectionType": "ALL"}}])


class RawClient:
    """boto3-like calls over one keep-alive connection with signed raw
    requests: several times faster than boto3, so a cycle carries more writes."""

    OPS = {"put_item": "PutItem", "update_item": "UpdateItem", "delete_item": "DeleteItem",
           "batch_write_item": "BatchWriteItem", "transact_write_items": "TransactWriteItems"}

    def __init__(self, url):
        self.url = url
        u = urllib.parse.urlparse(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)

    def __getattr__(self, name):
        op = self.OPS[name]

        def call(**payload):
            body = json.dumps(payload).encode()
            self.conn.request("POST", "/", body=body,
                              headers=sign_headers(self.url, "DynamoDB_20120810." + op, body))
            resp = self.conn.getresponse()
            data = json.loads(resp.read() or b"{}")
            if resp.status != 200:
                raise RuntimeError(f"{op}: {resp.status} {data}")
            return data
        return call


class Key:
    """One item's identity: table A keys have no sort key."""

    def __init__(self, thread, j):
        self.table = TABLE_A if j % 2 == 0 else TABLE_B
        self.pk = f"w{thread}-k{j}"
        self.sk = j

    def key(self):
        k = {"pk": {"S": self.pk}}
        if self.table == TABLE_B:
            k["sk"] = {"N": str(self.sk)}
        return k

    def item(self, state):
        it = dict(self.key())
        it["v"] = {"N": str(state["v"])}
        it["pad"] = {"S": "p" * state["pad"]}
        if state["v"] % 3:  # sparse GSI: only some items carry g
            it["g"] = {"S": f"g{state['v'] % 3}"}
        return it


def _state_of(item):
    if item is None:
        return None
    return {"v": int(item["v"]["N"]), "pad": len(item["pad"]["S"])}


class Writer(threading.Thread):
    """Sequential ops over its own keys; remembers what is acknowledged and
    what was in flight when the server died."""

    def __init__(self, idx, url_client, ledger, rng):
        super().__init__(daemon=True)
        self.idx = idx
        self.c = url_client
        self.ledger = ledger          # Key -> state (None = absent), shared, only this writer's keys
        self.rng = rng
        self.keys = [k for k in ledger if k.pk.startswith(f"w{idx}-")]
        self.in_flight = {}           # Key -> state the in-flight op would leave
        self.acked = 0
        self.stop = False
        self.error = None

    def _new_state(self, old):
        return {"v": self.rng.randrange(1, 10**9), "pad": self.rng.randrange(0, 3000)}

    def _plan(self):
        """Picks an op; returns (callable, {Key: new state})."""
        r = self.rng.random()
        if r < 0.5:
            ks = [self.rng.choice(self.keys)]
        else:
            ks = self.rng.sample(self.keys, self.rng.randrange(2, 6))
        kind = self.rng.choice(["put", "update", "delete"]) if len(ks) == 1 else \
            self.rng.choice(["batch", "transact"])
        changes = {}
        if kind == "put":
            k = ks[0]
            st = self._new_state(self.ledger[k])
            changes[k] = st
            return (lambda: self.c.put_item(TableName=k.table, Item=k.item(st))), changes
        if kind == "update":
            k = ks[0]
            old = self.ledger[k]
            pad = self.rng.randrange(0, 3000)
            st = {"v": (old["v"] if old else 0) + 7, "pad": pad}
            changes[k] = st
            if st["v"] % 3:
                expr, vals = "SET #p = :p, g = :g ADD v :d", {":g": {"S": f"g{st['v'] % 3}"}}
            else:
                expr, vals = "SET #p = :p REMOVE g ADD v :d", {}
            vals.update({":p": {"S": "p" * pad}, ":d": {"N": "7"}})
            return (lambda: self.c.update_item(TableName=k.table, Key=k.key(), UpdateExpression=expr,
                                               ExpressionAttributeNames={"#p": "pad"},
                                               ExpressionAttributeValues=vals)), changes
        if kind == "delete":
            k = ks[0]
            changes[k] = None
            return (lambda: self.c.delete_item(TableName=k.table, Key=k.key())), changes
        reqs = {}
        actions = []
        for k in ks:
            if self.rng.random() < 0.7:
                st = self._new_state(self.ledger[k])
                changes[k] = st
                reqs.setdefault(k.table, []).append({"PutRequest": {"Item": k.item(st)}})
                actions.append({"Put": {"TableName": k.table, "Item": k.item(st)}})
            else:
                changes[k] = None
                reqs.setdefault(k.table, []).append({"DeleteRequest": {"Key": k.key()}})
                actions.append({"Delete": {"TableName": k.table, "Key": k.key()}})
        if kind == "batch":
            def call():
                resp = self.c.batch_write_item(RequestItems=reqs)
                assert not resp.get("UnprocessedItems"), resp
            return call, changes
        return (lambda: self.c.transact_write_items(TransactItems=actions)), changes

    def run(self):
        while not self.stop:
            call, changes = self._plan()
            self.in_flight = changes
            try:
                call()
            except (OSError, http.client.HTTPException):
                return  # the server died under us: the op may or may not have landed
            except Exception as e:  # a refused request: a bug in the test or the server
                self.error = repr(e)
                return
            self.ledger.update(changes)
            self.in_flight = {}
            self.acked += 1


def _read_all(c, keys):
    """Current state of every key (BatchGetItem, consistent)."""
    out = {}
    by_table = {}
    for k in keys:
        by_table.setdefault(k.table, []).append(k)
    for table, ks in by_table.items():
        for i in range(0, len(ks), 100):
            chunk = ks[i:i + 100]
            req = {table: {"Keys": [k.key() for k in chunk], "ConsistentRead": True}}
            found = {}
            while req:
                resp = c.batch_get_item(RequestItems=req)
                for it in resp["Responses"].get(table, []):
                    found[it["pk"]["S"]] = it
                req = resp.get("UnprocessedKeys") or None
            for k in chunk:
                out[k] = _state_of(found.get(k.pk))
    return out


def _check_index(c):
    items = []
    kw = {"TableName": TABLE_B, "ConsistentRead": True}
    while True:
        resp = c.scan(**kw)
        items += resp["Items"]
        if "LastEvaluatedKey" not in resp:
            break
        kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    want = sorted((it["g"]["S"], it["pk"]["S"], it["v"]["N"]) for it in items if "g" in it)
    got = []
    kw = {"TableName": TABLE_B, "IndexName": "byg"}
    while True:
        resp = c.scan(**kw)
        got += [(it["g"]["S"], it["pk"]["S"], it["v"]["N"]) for it in resp["Items"]]
        if "LastEvaluatedKey" not in resp:
            break
        kw["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
    assert sorted(got) == want, "the GSI does not match the table after a crash"


def test_kill9_loop_against_ledger(tmp_path):
    rng = random.Random(SEED)
    data = tmp_path / "data"
    srv = DdbdServer()
    srv.start([], data)
    ledger = {}
    for t in range(THREADS):
        for j in range(KEYS_PER_THREAD):
            ledger[Key(t, j)] = None
    total_acked = 0
    try:
        _create_tables(srv.client())
        for cycle in range(CYCLES):
            args = ["--sync"] if cycle % 2 else []
            if cycle:
                srv.start(args, data)
            writers = [Writer(t, RawClient(srv.url), ledger, random.Random(rng.random())) for t in range(THREADS)]
            for w in writers:
                w.start()
            time.sleep(rng.uniform(0.5, 2.0))
            srv.kill9()
            for w in writers:
                w.stop = True
                w.join(timeout=30)
                assert not w.is_alive()
                assert w.error is None, w.error
            total_acked += sum(w.acked for w in writers)
            uncertain = {}
            for w in writers:
                uncertain.update(w.in_flight)

            srv.start([], data)
            c = srv.client()
            actual = _read_all(c, list(ledger))
            for k, want in ledger.items():
                got = actual[k]
                if got == want:
                    continue
                assert k in uncertain and got == uncertain[k], (
                    f"cycle {cycle}: {k.table} {k.pk}: acknowledged {want}, found {got}")
            # An in-flight transaction or batch lands whole or not at all.
            for w in writers:
                if len(w.in_flight) > 1:
                    applied = all(actual[k] == st for k, st in w.in_flight.items())
                    not_applied = all(actual[k] == ledger[k] for k in w.in_flight)
                    assert applied or not_applied, f"cycle {cycle}: a batch landed in part"
            ledger.update(actual)
            _check_index(c)
            srv.stop()
        print(f"{CYCLES} kill -9 cycles, {total_acked} acknowledged writes, none lost")
        assert total_acked > CYCLES * 10
    finally:
        srv.stop()
