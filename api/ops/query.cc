// Query
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html
//
// Reads one partition of the table or of an index, in sort-key order
// (ScanIndexForward=false: descending), with an optional sort-key condition,
// filter, projection and Select, one page at a time.
//
// Order of checks: member types and constraints; expressions (mixing legacy
// and expression parameters, where KeyConditions count only next to
// KeyConditionExpression; ConditionalOperator's conditions; KeyConditions or
// KeyConditionExpression present, syntax, names and values, unused names and
// values; KeyConditions' values, one or two of them); the table exists;
// IndexName, ConsistentRead on a GSI and Select; the key condition against
// the key schema; the filter names no key attribute of that schema;
// ExclusiveStartKey (its attributes, sort-key predicate, then partition).
//
// A GSI with a multi-attribute key (up to 4 HASH and 4 RANGE attributes):
// the key condition gives every HASH attribute and a left prefix of the
// RANGE attributes (expressions/key_condition.hh), read as the partition
// tuple, the leading RANGE equalities and the bounds on the next one
// (storage/key_codec.hh draws the tuples).
#include "api/ops/query.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "expressions/error.hh"
#include "expressions/key_condition.hh"
#include "storage/index.hh"

namespace ddbd::api::ops {

namespace {

// The key condition as the page's partition and sort-key bounds; then the
// filter names no key attribute of the schema queried.
// A GSI with a multi-attribute key: the partition tuple, the leading RANGE
// equalities, then the condition on the next RANGE attribute.
expr::KeyRange multi_key_range(const ReadExpressions& exprs, const storage::KeySchema& ks, PageRequest& req) {
  expr::MultiKeyNames names;
  ks.for_each([&](const storage::KeyAttr& a, bool hash) { (hash ? names.hash : names.range).emplace_back(a.name, a.type); });
  expr::MultiKeyRange m;
  try {
    m = expr::extract_multi_key_range(*exprs.key_condition, names);
  } catch (const expr::ExpressionError& e) {
    throw ApiError::validation(e.what());
  }
  check_filter_not_on_keys(exprs, ks);
  req.spec.hash = storage::key_tuple(m.hash);
  for (const AttributeValue* v : m.sort_equal) req.spec.sort_equal.push_back(*v);
  return expr::KeyRange{.hash = nullptr, .sort_op = m.sort_op, .sort1 = m.sort1, .sort2 = m.sort2};
}

void set_key_range(const ReadExpressions& exprs, PageRequest& req) {
  const storage::KeySchema& ks = req.index ? req.index->key : req.table->key;
  expr::KeyRange range;
  if (ks.multi()) {
    range = multi_key_range(exprs, ks, req);
  } else {
    expr::KeyNames names{ks.hash.name, ks.hash.type, std::nullopt, AttrType::S};
    if (ks.range) {
      names.range = ks.range->name;
      names.range_type = ks.range->type;
    }
    if (exprs.key_condition_legacy && exprs.legacy_key_conditions.size() > 2)
      throw ApiError::validation(std::string(kConditionsLength));
    try {
      range = exprs.key_condition_legacy ? expr::extract_legacy_key_range(exprs.legacy_key_conditions, names)
                                         : expr::extract_key_range(*exprs.key_condition, names);
    } catch (const expr::ExpressionError& e) {
      throw ApiError::validation(e.what());
    }
    check_filter_not_on_keys(exprs, ks);
    // No item can have a partition key over the limit: DynamoDB refuses the
    // value as it refuses it in a GetItem key.
    if (auto e = key_size_violation(*range.hash, true)) throw ApiError::validation(*e);
    req.spec.hash = *range.hash;
  }
  if (!range.sort_op) return;
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

}  // namespace

QueryRequest decode_query(json::object body) {
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
  QueryRequest req;
  req.page = decode_read_page_params(body, true);
  req.scan_index_forward = get_bool(body, "ScanIndexForward").value_or(true);
  return req;
}

QueryResponse execute_now(RequestContext& ctx, const QueryRequest& req) {
  PreparedPage page = prepare_page(ctx, req.page);
  page.req.spec.forward = req.scan_index_forward;
  set_key_range(*req.page.exprs, page.req);
  apply_exclusive_start_key(req.page, page.req);
  return QueryResponse{read_page(ctx, page, req.page)};
}

asio::awaitable<QueryResponse> execute(RequestContext& ctx, const QueryRequest& req) { co_return execute_now(ctx, req); }

std::string to_json(const QueryRequest& req, const QueryResponse& resp) { return page_to_json(req.page, resp.page); }

Result query(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_query(body)); }

std::string query_now(RequestContext& ctx, json::object body) { return execute_now_to_json(ctx, decode_query(body)); }

}  // namespace ddbd::api::ops
