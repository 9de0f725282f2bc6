// Scan
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Scan.html
//
// Reads every item of the table or an index in storage order (the order of
// the partition-key hash, as DynamoDB), one page at a time, with filter,
// projection and Select.  A parallel scan (Segment / TotalSegments) reads
// one of TotalSegments disjoint ranges of the hash space; together they
// cover every item exactly once, and an ExclusiveStartKey must lie in the
// segment read.
#include "api/ops/scan.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"

namespace ddbd::api::ops {

ScanRequest decode_scan(json::object body) {
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
  ScanRequest req;
  if (segment) {
    req.segment = static_cast<uint32_t>(*segment);
    req.total_segments = static_cast<uint32_t>(*total);
  }
  req.page = decode_read_page_params(body, false);
  return req;
}

asio::awaitable<ScanResponse> execute(RequestContext& ctx, const ScanRequest& req) {
  PreparedPage page = prepare_page(ctx, req.page);
  if (req.segment) {
    page.req.spec.segment = *req.segment;
    page.req.spec.total_segments = req.total_segments;
  }
  apply_exclusive_start_key(req.page, page.req);
  co_return ScanResponse{read_page(ctx, page, req.page)};
}

std::string to_json(const ScanRequest& req, const ScanResponse& resp) { return page_to_json(req.page, resp.page); }

Result scan(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_scan(body)); }

}  // namespace ddbd::api::ops
