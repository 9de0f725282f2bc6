"""Server-wide behaviour: --shared-db, concurrency, misc operations, CLI flags."""

import concurrent.futures
import subprocess

import pytest

from conftest import DDBD_BIN, create_simple_table, make_client


def test_shared_db(server_factory):
    srv = server_factory(["--in-memory", "--shared-db"])
    a = make_client(srv.url, akid="AKIDONE", region="us-east-1")
    b = make_client(srv.url, akid="AKIDTWO", region="ap-southeast-2")
    create_simple_table(a, "shared")
    a.put_item(TableName="shared", Item={"pk": {"S": "x"}, "v": {"N": "2"}})
    assert "shared" in b.list_tables()["TableNames"]
    assert b.get_item(TableName="shared", Key={"pk": {"S": "x"}})["Item"]["v"] == {"N": "2"}


def test_in_memory_server(server_factory):
    srv = server_factory(["--in-memory"])
    c = srv.client()
    create_simple_table(c, "mem")
    c.put_item(TableName="mem", Item={"pk": {"S": "k"}})
    assert "Item" in c.get_item(TableName="mem", Key={"pk": {"S": "k"}})


def test_concurrent_writers(server, table_name):
    name = table_name()
    c = server.client()
    create_simple_table(c, name)

    def worker(w):
        cl = server.client()
        for i in range(40):
            cl.put_item(TableName=name, Item={"pk": {"S": f"w{w}-{i}"}, "n": {"N": str(i)}})
        return w

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        assert sorted(ex.map(worker, range(8))) == list(range(8))
    for w in range(8):
        for i in (0, 17, 39):
            item = c.get_item(TableName=name, Key={"pk": {"S": f"w{w}-{i}"}})["Item"]
            assert item["n"] == {"N": str(i)}


def test_describe_limits(client):
    r = client.describe_limits()
    for k in ("AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits",
              "TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"):
        assert isinstance(r[k], int) and r[k] > 0, (k, r)


def test_describe_endpoints(client):
    r = client.describe_endpoints()
    assert r["Endpoints"], r
    ep = r["Endpoints"][0]
    assert ep["Address"]
    assert ep["CachePeriodInMinutes"] > 0


def test_help_and_bad_option():
    import os
    if not os.path.exists(DDBD_BIN):
        pytest.skip("no binary")
    p = subprocess.run([DDBD_BIN, "--help"], capture_output=True, text=True, timeout=10)
    assert p.returncode == 0
    assert "--port" in p.stdout + p.stderr
    p = subprocess.run([DDBD_BIN, "--no-such-flag"], capture_output=True, text=True, timeout=10)
    assert p.returncode != 0
    assert "no-such-flag" in p.stderr


def test_port_in_use_fails_cleanly(server):
    p = subprocess.run([DDBD_BIN, "--port", str(server.port), "--host", "127.0.0.1",
                        "--in-memory", "--log-level", "warn"],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode != 0
    assert "listening on" not in p.stdout
    assert server.alive()
