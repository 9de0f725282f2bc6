// Query
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
//
// Reads one partition of the table or of an index, in sort-key order
// (ScanIndexForward=false: descending), with an optional sort-key condition,
// filter, projection and Select, one page at a time.
//
// Order of checks: member types and constraints; expressions (mixing legacy
// and expression parameters, KeyConditions or KeyConditionExpression
// present, syntax, names and values, unused names and values); the table
// exists; IndexName, ConsistentRead on a GSI and Select; the key condition
// against the key schema; the filter names no key attribute of that schema;
// ExclusiveStartKey (sort-key predicate, then partition).
#include "api/ops/ops.hh"
#include "api/read_pages.hh"
#include "api/shapes.hh"
#include "expressions/error.hh"
#include "expressions/key_condition.hh"

namespace ddbd::api::ops {

Result query(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "IndexName", .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      FieldSpec{.name = "Select",
                .enum_values = {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"}},
      FieldSpec{.name = "AttributesToGet", .type = FieldType::List, .min_length = 1},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1},
      FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean},
      FieldSpec{.name = "KeyConditions", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.Condition"},
      FieldSpec{.name = "QueryFilter", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.Condition"},
      FieldSpec{.name = "ConditionalOperator", .enum_values = {"AND", "OR"}},
      FieldSpec{.name = "ScanIndexForward", .type = FieldType::Boolean},
      FieldSpec{.name = "ExclusiveStartKey", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "ProjectionExpression", .type = FieldType::String},
      FieldSpec{.name = "FilterExpression", .type = FieldType::String},
      FieldSpec{.name = "KeyConditionExpression", .type = FieldType::String},
      FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"},
      FieldSpec{.name = "ExpressionAttributeValues", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  const bool consistent = get_bool(body, "ConsistentRead").value_or(false);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  auto exprs = decode_read_expressions(body, true);

  auto table = require_table(ctx, *get_string(body, "TableName"), true);
  PageRequest req;
  resolve_index_and_select(*table, get_string(body, "IndexName"), *exprs, consistent, ctx.now(), req);
  req.limit = get_int(body, "Limit");
  req.spec.forward = get_bool(body, "ScanIndexForward").value_or(true);

  const storage::KeySchema& ks = req.index ? req.index->key : table->key;
  expr::KeyNames names{ks.hash.name, ks.hash.type, std::nullopt, AttrType::S};
  if (ks.range) {
    names.range = ks.range->name;
    names.range_type = ks.range->type;
  }
  expr::KeyRange range;
  try {
    range = expr::extract_key_range(*exprs->key_condition, names, exprs->key_condition_legacy);
  } catch (const expr::ExpressionError& e) {
    throw ApiError::validation(e.what());
  }
  check_filter_not_on_keys(*exprs, ks);
  req.spec.hash = *range.hash;
  if (range.sort_op) {
    const AttributeValue& v = *range.sort1;
    switch (*range.sort_op) {
      case expr::SortOp::EQ:
        req.spec.lower = v;
        req.spec.upper = v;
        break;
      case expr::SortOp::LT:
        req.spec.upper = v;
        req.spec.upper_inclusive = false;
        break;
      case expr::SortOp::LE: req.spec.upper = v; break;
      case expr::SortOp::GT:
        req.spec.lower = v;
        req.spec.lower_inclusive = false;
        break;
      case expr::SortOp::GE: req.spec.lower = v; break;
      case expr::SortOp::BETWEEN:
        req.spec.lower = v;
        req.spec.upper = *range.sort2;
        break;
      case expr::SortOp::BEGINS_WITH: req.spec.prefix = v.str; break;
    }
  }
  if (auto esk = get_object(body, "ExclusiveStartKey")) decode_exclusive_start_key(*esk, req);

  JsonWriter w;
  w.begin_object();
  std::size_t bytes;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    bytes = run_page(txn, req, w);
  }
  write_consumed_capacity(w, rcc, ConsumedCapacity{table->name, read_units(bytes, consistent)});
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
