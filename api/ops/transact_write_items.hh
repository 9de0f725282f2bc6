// TransactWriteItems without JSON (api/ops/ops.hh explains the three steps).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/json_reader.hh"
#include "api/shapes.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

struct TransactWriteRequest {
  struct Action {
    ActionKind kind = ActionKind::put;
    std::string table_name;
    Item item;  // put: the item; the others: the Key map
    WriteCondition cond;
    std::optional<expr::UpdateExpr> update;
  };
  std::vector<Action> actions;
  ReturnConsumedCapacity capacity = ReturnConsumedCapacity::NONE;
  bool item_collection_metrics = false;  // ReturnItemCollectionMetrics=SIZE
  std::optional<std::string> client_token;
  std::string digest;  // SHA-256 of the minified request, for the token
};

struct TransactWriteResponse {
  std::vector<ConsumedCapacity> capacity;  // per table, in first-use order
  std::vector<TableCollectionMetrics> metrics;  // ReturnItemCollectionMetrics=SIZE
};

TransactWriteRequest decode_transact_write_items(json::object body);
// Throws TransactionCanceledException (with CancellationReasons), or
// ValidationException for a transaction over 4 MB.
asio::awaitable<TransactWriteResponse> execute(RequestContext& ctx, const TransactWriteRequest& req);
std::string to_json(const TransactWriteRequest& req, const TransactWriteResponse& resp);

}  // namespace ddbd::api::ops
