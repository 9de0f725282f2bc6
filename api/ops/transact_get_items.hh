// TransactGetItems as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/deferred_error.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct TransactGet {
  std::string table_name;
  AttrMap key;
  ReadProjection projection;
  // The Key's values failed to decode: reported after the table check.
  DeferredError key_error;
};

struct TransactGetItemsRequest {
  std::vector<TransactGet> gets;  // in request order
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::NONE;
  // The element after the last of `gets` failed to decode (Get, TableName
  // or Key null, its projection): reported once the gets before it passed
  // their table checks.
  DeferredError element_error;
};

struct TransactGetItemsResponse {
  std::vector<std::optional<Item>> responses;  // one per get: the projected item, or none
  std::vector<ConsumedCapacity> consumed_capacity;  // per table, in first-use order
};

// Types and constraints (1..100 TransactItems).  Throws ApiError.
TransactGetItemsRequest decode_transact_get_items(json::object body);
// Per get: the table exists; then the keys match (else a cancellation with
// a ValidationError reason), no item twice; then reads
// every item from one snapshot.
asio::awaitable<TransactGetItemsResponse> execute(RequestContext& ctx, const TransactGetItemsRequest& req);
std::string to_json(const TransactGetItemsRequest& req, const TransactGetItemsResponse& resp);

}  // namespace ddbd::api::ops
