// What Query and Scan share: their expressions (KeyCondition, Filter,
// Projection, or the legacy KeyConditions / QueryFilter / ScanFilter /
// AttributesToGet), Select, ExclusiveStartKey, and the page loop with
// DynamoDB's Limit (items evaluated, before the filter) and 1 MB page size
// (bytes of items read, counting the item that crosses 1 MB).
//
// Thread-safety: belongs to one request.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "api/context.hh"
#include "api/expression_inputs.hh"
#include "api/json_writer.hh"
#include "expressions/ast.hh"
#include "expressions/legacy.hh"
#include "storage/engine.hh"
#include "storage/limits.hh"

namespace ddbd::api {

// Query/Scan page size: storage/limits.hh.
using limits::kMaxPageBytes;

enum class Select { all_attributes, all_projected_attributes, specific_attributes, count };

struct ReadExpressions {
  std::unique_ptr<ExpressionInputs> inputs;
  expr::LegacyHolder legacy;
  std::optional<expr::Condition> key_condition;
  bool key_condition_legacy = false;
  std::optional<expr::Condition> filter;
  std::optional<std::vector<expr::Path>> projection;
  std::optional<Select> select;  // as given
  bool filter_legacy = false;  // the filter came from QueryFilter / ScanFilter
};

// Decodes and validates a Query (`query`) or Scan request's expressions.
// Throws ApiError / ExpressionError.
std::unique_ptr<ReadExpressions> decode_read_expressions(json::object body, bool query);

struct PageRequest {
  const storage::TableDef* table = nullptr;
  const storage::IndexDef* index = nullptr;  // nullptr: the table
  storage::ScanSpec spec;
  std::optional<int64_t> limit;
  Select select = Select::all_attributes;
  bool consistent = false;
  const ReadExpressions* exprs = nullptr;
};

// Resolves IndexName (ValidationException "The table does not have the
// specified index: X"), Select and its compatibility with the index and the
// projection, and ConsistentRead on a GSI.
void resolve_index_and_select(const storage::TableDef& table, std::optional<std::string_view> index_name,
                              const ReadExpressions& exprs, bool consistent, double now, PageRequest& req);

// Query: the filter may not name a key attribute of the key schema queried
// ("Filter Expression can only contain non-primary key attributes: Primary
// key attribute: sk"; "QueryFilter ..." for the legacy parameter).
void check_filter_not_on_keys(const ReadExpressions& exprs, const storage::KeySchema& key);

// Validates ExclusiveStartKey against the table (and index) key schema and
// sets req.spec.start_after (and start_after_base).
void decode_exclusive_start_key(json::object esk, PageRequest& req);

// Runs one page and writes Items (unless COUNT), Count, ScannedCount and
// LastEvaluatedKey into `w` (an open object).  Returns the bytes read.
std::size_t run_page(storage::ReadTxn& txn, const PageRequest& req, JsonWriter& w);

}  // namespace ddbd::api
