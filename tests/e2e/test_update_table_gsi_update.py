"""UpdateTable: a GlobalSecondaryIndexUpdates Update action without
ProvisionedThroughput.

ProvisionedThroughput is optional in UpdateGlobalSecondaryIndexAction
(https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateGlobalSecondaryIndexAction.html:
"Required: No"; OnDemandThroughput and WarmThroughput are the alternatives).
The server used to dereference the missing member and die; it now leaves the
index's capacity as it is.  DynamoDB's exact answer to this request has not
been measured: the test pins only that the server answers and keeps the
index unchanged."""

from conftest import raw_post


def test_gsi_update_without_throughput_keeps_the_server_and_the_index(server, client, table_name):
    name = table_name("GsiUpd")
    throughput = {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
    client.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        ProvisionedThroughput=throughput,
        GlobalSecondaryIndexes=[{"IndexName": "gix", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": throughput}])
    status, _, body = raw_post(server.url, "DynamoDB_20120810.UpdateTable",
                               {"TableName": name, "GlobalSecondaryIndexUpdates": [{"Update": {"IndexName": "gix"}}]})
    assert status == 200, body
    assert server.alive()
    gsi = client.describe_table(TableName=name)["Table"]["GlobalSecondaryIndexes"][0]
    assert gsi["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    assert gsi["ProvisionedThroughput"]["WriteCapacityUnits"] == 5
