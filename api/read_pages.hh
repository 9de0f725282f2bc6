// What Query and Scan share: their expressions (KeyCondition, Filter,
// Projection, or the legacy KeyConditions / QueryFilter / ScanFilter /
// AttributesToGet), Select, ExclusiveStartKey, the request members common to
// both (ReadPageParams), and the one page loop with DynamoDB's Limit (items
// evaluated, before the filter) and 1 MB page size (bytes of items read,
// counting the item that crosses 1 MB), its result (ReadPage) and its JSON.
//
// Thread-safety: belongs to one request.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "api/context.hh"
#include "api/deferred_error.hh"
#include "api/expression_inputs.hh"
#include "api/json_writer.hh"
#include "api/shapes.hh"
#include "expressions/ast.hh"
#include "expressions/legacy.hh"
#include "storage/engine.hh"
#include "storage/limits.hh"

namespace ddbd::api {

// Query/Scan page size: storage/limits.hh.
using limits::kMaxPageBytes;

enum class Select { all_attributes, all_projected_attributes, specific_attributes, count };

// Legacy KeyConditions with more conditions than the key read has attributes.
inline constexpr std::string_view kConditionsLength = "Conditions can be of length 1 or 2 only";

struct ReadExpressions {
  std::unique_ptr<ExpressionInputs> inputs;
  expr::LegacyHolder legacy;
  std::optional<expr::Condition> key_condition;  // KeyConditionExpression
  bool key_condition_legacy = false;             // KeyConditions instead:
  std::vector<expr::LegacyCondition> legacy_key_conditions;
  std::optional<expr::Condition> filter;
  std::optional<std::vector<expr::Path>> projection;
  std::optional<Select> select;  // as given
  bool filter_legacy = false;  // the filter came from QueryFilter / ScanFilter
};

// Decodes and validates a Query (`query`) or Scan request's expressions.
// Throws ApiError / ExpressionError.
std::unique_ptr<ReadExpressions> decode_read_expressions(json::object body, bool query);

// The members Query and Scan share, decoded.
struct ReadPageParams {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<int64_t> limit;
  bool consistent_read = false;
  ReturnConsumedCapacity return_consumed_capacity = ReturnConsumedCapacity::NONE;
  std::unique_ptr<ReadExpressions> exprs;  // never null once decoded
  std::optional<AttrMap> exclusive_start_key;
  // ExclusiveStartKey's values failed to decode: reported after the
  // table, index and key-condition checks, where DynamoDB reports them.
  DeferredError exclusive_start_key_error;
};

// Decodes ConsistentRead, ReturnConsumedCapacity, the expressions (as
// decode_read_expressions), TableName, IndexName, Limit and
// ExclusiveStartKey of a Query (`query`) or Scan body that check_request
// has passed.  Throws ApiError / ExpressionError.
ReadPageParams decode_read_page_params(json::object body, bool query);

struct PageRequest {
  const storage::TableDef* table = nullptr;
  const storage::IndexDef* index = nullptr;  // nullptr: the table
  storage::ScanSpec spec;
  std::optional<int64_t> limit;
  // The bytes of items a page reads at most (counting the item that
  // crosses it): 1 MB, or what is left of it when one response gathers
  // several reads (PartiQL's decomposed SELECT).
  std::size_t max_bytes = kMaxPageBytes;
  Select select = Select::all_attributes;
  bool consistent = false;
  const ReadExpressions* exprs = nullptr;
  // The filter sees the index entry (its projected attributes), not the
  // table's item, even on a local index that reads the table for the rest
  // (PartiQL's SELECT on an index).
  bool filter_on_entry = false;
};

// A page about to be read: the table (kept alive) and the request into it.
struct PreparedPage {
  std::shared_ptr<const storage::TableDef> table;
  PageRequest req;
};

// The table exists (ResourceNotFoundException, item-operation form), then
// resolve_index_and_select() and Limit.
PreparedPage prepare_page(RequestContext& ctx, const ReadPageParams& params);

// Resolves IndexName (ValidationException "The table does not have the
// specified index: X"), Select and its compatibility with the index and the
// projection, and ConsistentRead on a GSI.
void resolve_index_and_select(const storage::TableDef& table, std::optional<std::string_view> index_name,
                              const ReadExpressions& exprs, bool consistent, double now, PageRequest& req);

// Query: the filter may not name a key attribute of the key schema queried
// ("Filter Expression can only contain non-primary key attributes: Primary
// key attribute: sk"; "QueryFilter ..." for the legacy parameter).
void check_filter_not_on_keys(const ReadExpressions& exprs, const storage::KeySchema& key);

// Validates params' ExclusiveStartKey (if any; rethrowing its decode error)
// against the table (and index) key schema, a Query's key condition and a
// parallel scan's segment, and sets req.spec.start_after (and
// start_after_base).  For a Query, call it after the key range is set; for
// a Scan, after the segment.
void apply_exclusive_start_key(const ReadPageParams& params, PageRequest& req);

// One page of a Query or Scan, as read from storage.
struct ReadPage {
  bool count_only = false;  // Select=COUNT: no Items
  // The items, in order.  When nothing asked to decode them (no filter,
  // projection or base-table read) they are their stored encodings
  // (storage/item_codec.hh) back to back, item i ending at encoded_ends[i]:
  // one copy per item, none decoded.  Otherwise decoded (and projected) in
  // `items`.
  std::string encoded;
  std::vector<std::size_t> encoded_ends;
  std::vector<Item> items;
  int64_t count = 0;
  int64_t scanned_count = 0;
  std::optional<Item> last_evaluated_key;  // present when more items may follow
  std::size_t bytes_read = 0;              // of the items read (for capacity and max_bytes)
  ConsumedCapacity consumed_capacity;
};

// The one page loop of Query and Scan: reads one page from a fresh
// snapshot.
ReadPage read_page(RequestContext& ctx, const PreparedPage& page, const ReadPageParams& params);

// Writes the page's response object: Items (unless COUNT), Count,
// ScannedCount, LastEvaluatedKey, ConsumedCapacity.  Throws
// storage::StorageError for a corrupt stored item.
std::string page_to_json(const ReadPageParams& params, const ReadPage& page);

}  // namespace ddbd::api
