// ExecuteTransaction as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/partiql.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct ExecuteTransactionRequest {
  std::vector<partiql::Statement> statements;  // parsed, parameters bound
  std::vector<bool> return_old_on_failure;     // per statement: ReturnValuesOnConditionCheckFailure=ALL_OLD
  bool reads = false;                          // SELECTs (TransactGetItems), else writes (TransactWriteItems)
  ReturnConsumedCapacity capacity = ReturnConsumedCapacity::NONE;
  std::optional<std::string> client_token;
  std::string digest;  // of the minified request, for the token
};

struct ExecuteTransactionResponse {
  std::vector<std::optional<Item>> items;  // reads: one per statement (nullopt: no such item)
  std::vector<ConsumedCapacity> capacity;  // per table, in first-use order
};

// Types and constraints (1..100 TransactStatements), then parses every
// statement (a syntax error is answered as it is) and refuses reads mixed
// with writes.  Throws ApiError / expr::ExpressionError.
ExecuteTransactionRequest decode_execute_transaction(json::object body);
// Plans each statement against its table (a statement's validation error is
// "Validation failed in TransactStatements[<i>]: <message>") and runs them
// all as one TransactGetItems or one TransactWriteItems: throws
// TransactionCanceledException as TransactWriteItems does.
asio::awaitable<ExecuteTransactionResponse> execute(RequestContext& ctx, const ExecuteTransactionRequest& req);
std::string to_json(const ExecuteTransactionRequest& req, const ExecuteTransactionResponse& resp);

}  // namespace ddbd::api::ops
