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
#include "api/ops/ops.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result get_item(RequestContext& ctx, json::object body) {
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

  AttrMap key_map = decode_attribute_map(*get_object(body, "Key"));
  const bool consistent = get_bool(body, "ConsistentRead").value_or(false);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  ReadProjection projection = decode_read_projection(body);

  auto table = require_table(ctx, *get_string(body, "TableName"), true);
  storage::PrimaryKey key = key_from_map(*table, key_map);

  Item item;
  bool found;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    found = txn.get(*table, key, &item);
  }
  JsonWriter w;
  w.begin_object();
  if (found) {
    w.key("Item");
    if (projection.active())
      w.item(projection.apply(item));
    else
      w.item(item);
  }
  write_consumed_capacity(w, rcc, ConsumedCapacity{table->name, read_units(found ? item_size(item) : 0, consistent)});
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
