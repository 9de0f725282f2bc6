"""ItemCollectionMetrics on tables with local secondary indexes, and
concurrent writes to an --in-memory store (batched into shared commits)."""

import concurrent.futures

import pytest


def make_lsi_table(client, name):
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "at", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": "byTime",
                                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                              {"AttributeName": "at", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        BillingMode="PAY_PER_REQUEST")


def test_item_collection_metrics_only_when_asked_and_only_with_lsi(client, table_name):
    name = table_name()
    make_lsi_table(client, name)
    item = {"pk": {"S": "p"}, "sk": {"S": "1"}, "at": {"N": "5"}}
    r = client.put_item(TableName=name, Item=item, ReturnItemCollectionMetrics="SIZE")
    m = r["ItemCollectionMetrics"]
    assert m["ItemCollectionKey"] == {"pk": {"S": "p"}}
    assert m["SizeEstimateRangeGB"] == [0.0, 1.0]
    r = client.put_item(TableName=name, Item=item)
    assert "ItemCollectionMetrics" not in r
    r = client.delete_item(TableName=name, Key={"pk": {"S": "p"}, "sk": {"S": "1"}},
                           ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"]["ItemCollectionKey"] == {"pk": {"S": "p"}}
    # No LSI: no metrics even when asked.
    plain = table_name()
    client.create_table(TableName=plain,
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                        BillingMode="PAY_PER_REQUEST")
    r = client.put_item(TableName=plain, Item={"pk": {"S": "x"}}, ReturnItemCollectionMetrics="SIZE")
    assert "ItemCollectionMetrics" not in r


@pytest.mark.parametrize("mode", ["--in-memory", "disk"])
def test_concurrent_conditional_writes_share_commits(server_factory, mode):
    """Many clients at once: every acknowledged write is there, every failed
    condition wrote nothing, whatever the store."""
    srv = server_factory(["--in-memory"] if mode == "--in-memory" else [])
    c = srv.client()
    c.create_table(TableName="conc", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                   KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST")

    def worker(w):
        cl = srv.client()
        ok = failed = 0
        for i in range(60):
            try:
                # Half the keys collide across workers: exactly one creation wins.
                cl.put_item(TableName="conc", Item={"pk": {"S": f"k{i % 30}"}, "w": {"N": str(w)}},
                            ConditionExpression="attribute_not_exists(pk)")
                ok += 1
            except cl.exceptions.ConditionalCheckFailedException:
                failed += 1
        return ok, failed

    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        results = list(ex.map(worker, range(8)))
    assert sum(r[0] for r in results) == 30
    assert sum(r[1] for r in results) == 8 * 60 - 30
    items = c.scan(TableName="conc")["Items"]
    assert len(items) == 30
    assert c.describe_table(TableName="conc")["Table"]["ItemCount"] == 30


def test_item_collection_metrics_on_update_item(client, table_name):
    name = table_name()
    make_lsi_table(client, name)
    r = client.update_item(TableName=name, Key={"pk": {"S": "q"}, "sk": {"S": "1"}},
                           UpdateExpression="SET #a = :a", ExpressionAttributeNames={"#a": "at"},
                           ExpressionAttributeValues={":a": {"N": "3"}}, ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "q"}}, "SizeEstimateRangeGB": [0.0, 1.0]}


def test_item_collection_size_limit(server_factory, tmp_path):
    """The 10 GB item-collection limit of tables with an LSI, scaled down with
    --max-item-collection-bytes: writes that would grow a collection past it
    fail with ItemCollectionSizeLimitExceededException and write nothing; the
    sizes are kept in the store, so the limit holds across a restart."""
    from botocore.exceptions import ClientError
    args = ["--max-item-collection-bytes", "20000"]
    data = tmp_path / "icl"
    data.mkdir()
    srv = server_factory(args, data_dir=data)
    c = srv.client()
    make_lsi_table(c, "icl")
    blob = "x" * 4000  # each item ~4,010 bytes plus a ~12-byte LSI entry

    def item(pk, sk, d=blob):
        return {"pk": {"S": pk}, "sk": {"S": sk}, "at": {"N": sk}, "d": {"S": d}}

    def put_error(it):
        with pytest.raises(ClientError) as e:
            c.put_item(TableName="icl", Item=it)
        return e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]

    for i in range(4):
        c.put_item(TableName="icl", Item=item("p", str(i)))
    full = ("ItemCollectionSizeLimitExceededException", "Collection size exceeded")
    assert put_error(item("p", "4")) == full
    assert "Item" not in c.get_item(TableName="icl", Key={"pk": {"S": "p"}, "sk": {"S": "4"}})
    # another partition has its own collection; replacing an item in place is fine
    c.put_item(TableName="icl", Item=item("q", "0"))
    c.put_item(TableName="icl", Item=item("p", "3", "y" * 4000))
    # UpdateItem that grows the collection past the limit
    with pytest.raises(ClientError) as e:
        c.update_item(TableName="icl", Key={"pk": {"S": "p"}, "sk": {"S": "0"}},
                      UpdateExpression="SET e = :e", ExpressionAttributeValues={":e": {"S": "z" * 5000}})
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == full
    # a batch with one write over the limit writes nothing
    with pytest.raises(ClientError) as e:
        c.batch_write_item(RequestItems={"icl": [{"PutRequest": {"Item": item("q", "1")}},
                                                 {"PutRequest": {"Item": item("p", "5")}}]})
    assert e.value.response["Error"]["Code"] == "ItemCollectionSizeLimitExceededException"
    assert "Item" not in c.get_item(TableName="icl", Key={"pk": {"S": "q"}, "sk": {"S": "1"}})
    # a transaction: cancelled, with the reason on the action that overflowed
    with pytest.raises(ClientError) as e:
        c.transact_write_items(TransactItems=[{"Put": {"TableName": "icl", "Item": item("q", "2")}},
                                              {"Put": {"TableName": "icl", "Item": item("p", "6")}}])
    assert e.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["None", "ItemCollectionSizeLimitExceeded"]
    assert e.value.response["CancellationReasons"][1]["Message"] == "Collection size exceeded"
    assert "Item" not in c.get_item(TableName="icl", Key={"pk": {"S": "q"}, "sk": {"S": "2"}})

    # the counts survive a restart (kill -9), then deleting makes room again
    srv.proc.kill()
    srv.proc.wait()
    srv2 = server_factory(args, data_dir=data)
    c = srv2.client()
    assert put_error(item("p", "4")) == full
    r = c.delete_item(TableName="icl", Key={"pk": {"S": "p"}, "sk": {"S": "0"}}, ReturnItemCollectionMetrics="SIZE")
    assert r["ItemCollectionMetrics"]["SizeEstimateRangeGB"] == [0.0, 1.0]
    c.put_item(TableName="icl", Item=item("p", "4"))
    assert c.query(TableName="icl", KeyConditionExpression="pk = :p",
                   ExpressionAttributeValues={":p": {"S": "p"}}, Select="COUNT")["Count"] == 4


def test_request_body_outlives_the_commit_wait(server_factory):
    """Handlers read the request after waiting for their commit (e.g. whether
    ItemCollectionMetrics was asked for). With one I/O thread, other requests
    are parsed meanwhile: each request's body must stay its own."""
    srv = server_factory(["--threads", "1", "--in-memory"])
    c = srv.client()
    make_lsi_table(c, "body")

    def worker(w):
        cl = srv.client()
        bad = []
        for i in range(80):
            pk = f"w{w}-{i}"
            if w % 2:
                r = cl.put_item(TableName="body", Item={"pk": {"S": pk}, "sk": {"S": "s"}, "at": {"N": str(i)}},
                                ReturnItemCollectionMetrics="SIZE")
                if r.get("ItemCollectionMetrics", {}).get("ItemCollectionKey") != {"pk": {"S": pk}}:
                    bad.append(r.get("ItemCollectionMetrics"))
            else:
                # no metrics asked: none may come back
                r = cl.update_item(TableName="body", Key={"pk": {"S": pk}, "sk": {"S": "s"}},
                                   UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": "x" * 200},
                                   ExpressionAttributeValues={":v": {"S": "y" * 500}})
                if "ItemCollectionMetrics" in r:
                    bad.append(r["ItemCollectionMetrics"])
        return bad

    with concurrent.futures.ThreadPoolExecutor(12) as ex:
        results = list(ex.map(worker, range(12)))
    assert all(not b for b in results), [b[:2] for b in results if b]
    assert srv.proc.poll() is None
