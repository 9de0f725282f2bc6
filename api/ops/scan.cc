// Scan
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
//
// Reads every item of the table or an index in storage order (the order of
// the partition-key hash, as DynamoDB), one page at a time, with filter,
// projection and Select.  A parallel scan (Segment / TotalSegments) reads
// one of TotalSegments disjoint ranges of the hash space; together they
// cover every item exactly once.
#include "api/ops/ops.hh"
#include "api/read_pages.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result scan(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "IndexName", .min_length = limits::kMinTableNameLength, .max_length = limits::kMaxTableNameLength, .name_pattern = true},
      FieldSpec{.name = "AttributesToGet", .type = FieldType::List, .min_length = 1},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1},
      FieldSpec{.name = "Select",
                .enum_values = {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"}},
      FieldSpec{.name = "ScanFilter", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.Condition"},
      FieldSpec{.name = "ConditionalOperator", .enum_values = {"AND", "OR"}},
      FieldSpec{.name = "ExclusiveStartKey", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "TotalSegments", .type = FieldType::Integer, .min_value = 1, .max_value = 1000000},
      FieldSpec{.name = "Segment", .type = FieldType::Integer, .min_value = 0, .max_value = 999999},
      FieldSpec{.name = "ProjectionExpression", .type = FieldType::String},
      FieldSpec{.name = "FilterExpression", .type = FieldType::String},
      FieldSpec{.name = "ExpressionAttributeNames", .type = FieldType::Map, .java_class = "java.lang.String"},
      FieldSpec{.name = "ExpressionAttributeValues", .type = FieldType::Map, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"},
      FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  auto segment = get_int(body, "Segment");
  auto total = get_int(body, "TotalSegments");
  if (segment && !total)
    throw ApiError::validation(
        "The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (total && !segment)
    throw ApiError::validation(
        "The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (segment && *segment >= *total)
    throw ApiError::validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                               std::to_string(*segment) + " is not less than TotalSegments: " + std::to_string(*total));

  const bool consistent = get_bool(body, "ConsistentRead").value_or(false);
  auto rcc = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  auto exprs = decode_read_expressions(body, false);

  auto table = require_table(ctx, *get_string(body, "TableName"), true);
  PageRequest req;
  resolve_index_and_select(*table, get_string(body, "IndexName"), *exprs, consistent, ctx.now(), req);
  req.limit = get_int(body, "Limit");
  if (segment) {
    req.spec.segment = static_cast<uint32_t>(*segment);
    req.spec.total_segments = static_cast<uint32_t>(*total);
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
