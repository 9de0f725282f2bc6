// BatchGetItem as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/context.hh"
#include "api/deferred_error.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

// One entry of RequestItems.
struct BatchGetTable {
  std::string table_name;  // as requested
  std::vector<AttrMap> keys;
  // The request's own text of each key and of the members a client needs
  // to ask again (ProjectionExpression, ExpressionAttributeNames,
  // AttributesToGet, ConsistentRead), echoed verbatim in UnprocessedKeys.
  std::vector<std::string> key_texts;
  std::vector<std::pair<std::string, std::string>> echoed_members;
  ReadProjection projection;
  bool consistent_read = false;
  // A key value that failed to decode: reported after this table's
  // existence and its earlier keys are checked, as DynamoDB orders them.
  DeferredError key_error;
};

struct BatchGetItemRequest {
  std::vector<BatchGetTable> tables;  // in request order
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::NONE;
};

struct BatchGetItemResponse {
  // Per request table: the items found (projected), and the indexes into
  // its keys left for UnprocessedKeys once the response reached 16 MB.
  std::vector<std::vector<Item>> responses;
  std::vector<std::vector<std::size_t>> unprocessed;
  std::vector<ConsumedCapacity> consumed_capacity;  // one per request table
  std::size_t item_bytes = 0;  // size of the items read (not projected)
};

// Types, constraints, RequestItems' table names and Keys counts (at most
// 100 in all), each table's projection.  Throws ApiError / ExpressionError.
BatchGetItemRequest decode_batch_get_item(json::object body);
// Per table: it exists, its keys match the schema without duplicates; then
// reads every key from one snapshot (big answers on the heavy-work pool).
asio::awaitable<BatchGetItemResponse> execute(RequestContext& ctx, const BatchGetItemRequest& req);
std::string to_json(const BatchGetItemRequest& req, const BatchGetItemResponse& resp);

}  // namespace ddbd::api::ops
