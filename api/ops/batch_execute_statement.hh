// BatchExecuteStatement as plain structs: decode, execute, to_json (see
// api/ops/ops.hh).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/deferred_error.hh"
#include "api/partiql.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

struct BatchStatement {
  std::optional<partiql::Statement> statement;  // none: `error` says why
  DeferredError error;                          // the statement did not parse (or is an EXISTS)
  bool consistent_read = false;
  bool return_old_on_failure = false;           // ReturnValuesOnConditionCheckFailure=ALL_OLD
};

struct BatchExecuteStatementRequest {
  std::vector<BatchStatement> statements;  // in request order
  bool reads = false;                      // the statements that parsed are SELECTs (else writes)
  ReturnConsumedCapacity capacity = ReturnConsumedCapacity::NONE;
};

// One BatchStatementResponse: TableName and Item, or Error.
struct BatchStatementResult {
  std::optional<std::string> table_name;
  std::optional<Item> item;  // a read's item, or a write's RETURNING values
  // Error (code empty: none): Code, Message, and the old item's JSON
  // ("Item":{...}) for ConditionalCheckFailed with ALL_OLD.
  std::string code;
  std::string message;
  std::string extra_json;
};

struct BatchExecuteStatementResponse {
  std::vector<BatchStatementResult> responses;  // one per statement, in order
  std::vector<ConsumedCapacity> capacity;      // per table, in first-use order
};

// Types and constraints (1..25 Statements), then parses every statement:
// one that does not parse keeps its error for its own response.  Reads and
// writes together are refused.  Throws ApiError.
BatchExecuteStatementRequest decode_batch_execute_statement(json::object body);
// Plans every statement against its table (two statements on one item are
// refused before any runs), then runs each on its own: a read as GetItem,
// a write through the single-item write path.  A statement's failure is its
// own response's Error; the others still run.
asio::awaitable<BatchExecuteStatementResponse> execute(RequestContext& ctx, const BatchExecuteStatementRequest& req);
std::string to_json(const BatchExecuteStatementRequest& req, const BatchExecuteStatementResponse& resp);

}  // namespace ddbd::api::ops
