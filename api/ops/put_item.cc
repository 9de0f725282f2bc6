// PutItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
//
// Creates or replaces an item, optionally under a condition.
//
// Order of checks:
//   1. member types (SerializationException) and Coral constraints
//      (TableName, Item not null, enums), aggregated;
//   2. attribute values (empty sets, numbers, duplicates, nesting);
//   3. ReturnValues must be NONE or ALL_OLD;
//   4. the table exists (ResourceNotFoundException);
//   5. key attributes and item size;
//   6. the condition, evaluated on the old item inside the write.
#include "api/ops/ops.hh"
#include "api/shapes.hh"
#include "api/write_common.hh"

namespace ddbd::api::ops {

Result put_item(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "Item", .type = FieldType::Map, .not_null = true, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "Expected", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.ExpectedAttributeValue"},
      FieldSpec{.name = "ReturnValues", .enum_values = {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"}},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ReturnItemCollectionMetrics", .enum_values = {"SIZE", "NONE"}},
      FieldSpec{.name = "ConditionalOperator", .enum_values = {"AND", "OR"}},
      FieldSpec{.name = "ConditionExpression", .type = FieldType::String},
      FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"},
      FieldSpec{.name = "ExpressionAttributeValues", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "ReturnValuesOnConditionCheckFailure", .enum_values = {"ALL_OLD", "NONE"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  Item item = decode_attribute_map(*get_object(body, "Item"));
  auto return_values = get_string(body, "ReturnValues").value_or("NONE");
  if (return_values != "NONE" && return_values != "ALL_OLD")
    throw ApiError::validation("ReturnValues can only be ALL_OLD or NONE");
  const bool want_old = return_values == "ALL_OLD";
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  WriteCondition cond = decode_write_condition(body);

  auto table = require_table(ctx, *get_string(body, "TableName"), true);
  validate_item_for_write(*table, item);
  cond.check_against(*table);
  storage::PrimaryKey key;
  storage::extract_key(table->key, item, key);

  // ---- execute ----
  WriteOutcome out;
  storage::Status st = co_await ctx.write([&](storage::WriteTxn& txn) {
    out.had_old = txn.get(*table, key, &out.old_item);
    if (!cond.check(out)) return storage::Status::aborted;
    return txn.put(*table, item);
  });
  cond.finish(out);
  check_storage(st);

  JsonWriter w;
  w.begin_object();
  if (want_old && out.had_old) {
    w.key("Attributes");
    w.item(out.old_item);
  }
  if (wants_item_collection_metrics(body, *table)) write_item_collection_metrics(w, ctx, *table, key.hash);
  write_consumed_capacity(w, rcc, ConsumedCapacity{table->name, write_units(std::max(item_size(item), out.had_old ? item_size(out.old_item) : 0))});
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
