// GetItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html
//
// Reads one item by key, with an optional projection.  Every read here is
// strongly consistent (a single node); ConsistentRead only changes the
// capacity units reported.
//
// Order of checks: types and constraints (TableName, Key not null,
// AttributesToGet 1..255 unique); Key values; projection parameters
// (expression and legacy form not both); the table exists; the key matches
// the schema.
#include "api/ops/get_item.hh"

#include "api/capacity.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

GetItemRequest decode_get_item(json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "Key", .type = FieldType::Map, .not_null = true, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "AttributesToGet", .type = FieldType::List, .min_length = 1, .max_length = 255},
      FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ProjectionExpression", .type = FieldType::String},
      FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  GetItemRequest req;
  req.key = decode_attribute_map(*get_object(body, "Key"));
  req.consistent_read = get_bool(body, "ConsistentRead").value_or(false);
  req.return_consumed_capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  req.projection = decode_read_projection(body);
  req.table_name = std::string(*get_string(body, "TableName"));
  return req;
}

GetItemResponse execute_now(RequestContext& ctx, const GetItemRequest& req) {
  auto table = require_table(ctx, req.table_name, true);
  storage::PrimaryKey key = key_from_map(*table, req.key);
  GetItemResponse resp;
  Item item;
  bool found;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    found = txn.get(*table, key, &item);
  }
  resp.consumed_capacity = ConsumedCapacity{
      .table_name = table->name, .table = CapacityUnits::reading(read_units(found ? item_size(item) : 0, req.consistent_read))};
  show_requested_name(resp.consumed_capacity, req.table_name);
  if (found) resp.item = req.projection.active() ? req.projection.apply(item) : std::move(item);
  return resp;
}

asio::awaitable<GetItemResponse> execute(RequestContext& ctx, const GetItemRequest& req) { co_return execute_now(ctx, req); }

std::string to_json(const GetItemRequest& req, const GetItemResponse& resp) {
  JsonWriter w;
  w.begin_object();
  if (resp.item) {
    w.key("Item");
    w.item(*resp.item);
  }
  write_consumed_capacity(w, req.return_consumed_capacity, resp.consumed_capacity);
  w.end_object();
  return w.take();
}

Result get_item(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_get_item(body)); }

std::string get_item_now(RequestContext& ctx, json::object body) {
  const GetItemRequest req = decode_get_item(body);
  if (req.projection.active()) return execute_now_to_json(ctx, req);
  // Without a projection the answer is the stored item as it is: written to
  // JSON straight from its encoding, which the read transaction keeps valid
  // until the answer is written, and sized by its stored item_size(); the
  // item is never decoded.  The same checks, capacity and JSON as
  // execute_now() and to_json().
  auto table = require_table(ctx, req.table_name, true);
  const storage::PrimaryKey key = key_from_map(*table, req.key);
  const storage::ReadTxn txn = ctx.engine.begin_read();
  std::string_view encoded;
  uint32_t size = 0;
  const bool found = txn.get_encoded(*table, key, encoded, size);
  GetItemResponse resp;
  resp.consumed_capacity =
      ConsumedCapacity{.table_name = table->name, .table = CapacityUnits::reading(read_units(found ? size : 0, req.consistent_read))};
  show_requested_name(resp.consumed_capacity, req.table_name);
  meter_response(ctx, resp);
  // The JSON of an item is its encoding plus ~12 bytes per attribute.
  JsonWriter w(encoded.size() + encoded.size() / 4 + 192);
  w.begin_object();
  if (found) {
    w.key("Item");
    if (!w.encoded_item(encoded)) throw storage::StorageError("corrupt item");
  }
  write_consumed_capacity(w, req.return_consumed_capacity, resp.consumed_capacity);
  w.end_object();
  return w.take();
}

}  // namespace ddbd::api::ops
