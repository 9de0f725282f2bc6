// GetItem as plain structs: decode, execute, to_json (see api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>

#include "api/context.hh"
#include "api/read_common.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct GetItemRequest {
  std::string table_name;
  AttrMap key;
  bool consistent_read = false;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::NONE;
  ReadProjection projection;
};

struct GetItemResponse {
  std::optional<Item> item;  // projected; nullopt when there is no such item
  ConsumedCapacity consumed_capacity;
};

// Checks types and constraints, the Key values and the projection
// parameters.  Throws ApiError / expr::ExpressionError.
GetItemRequest decode_get_item(json::object body);
// The table exists and the key matches its schema; reads the item.
// execute_now() is the same without a coroutine (it never suspends).
GetItemResponse execute_now(RequestContext& ctx, const GetItemRequest& req);
asio::awaitable<GetItemResponse> execute(RequestContext& ctx, const GetItemRequest& req);
std::string to_json(const GetItemRequest& req, const GetItemResponse& resp);

}  // namespace ddbd::api::ops
