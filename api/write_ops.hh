// The item writes as const storage::WriteOp values (storage/write_op.hh),
// and what PutItem, UpdateItem and DeleteItem share around them.
//
// An ItemAction is one Put, Update, Delete or ConditionCheck on one item,
// decoded and checked against its table.  prepare() reads the old item,
// evaluates the condition and computes the new item; commit() writes what
// prepare() decided.  Both read only the transaction and the action, and
// write only the WriteOutcome they are given, so the engine may run them
// again (it resets the outcome first).
//
//   SingleWriteOp    PutItem / UpdateItem / DeleteItem: prepare + commit
//   TransactWriteOp  TransactWriteItems: prepare all, then commit all
//   BatchWriteOp     BatchWriteItem: unconditional puts and deletes
//
// The single-item writes also share their request members (TableName,
// ReturnValues, ReturnConsumedCapacity, ReturnItemCollectionMetrics, the
// condition), decoded by decode_single_write(), and their execution and
// response (execute, to_json).
//
// Thread-safety: actions and ops are immutable once built; they point into
// the request they were built from, which outlives the write.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/shapes.hh"
#include "api/write_common.hh"
#include "expressions/ast.hh"
#include "storage/engine.hh"

namespace ddbd::api {

enum class ActionKind { check, put, del, update };

struct ItemAction {
  ActionKind kind = ActionKind::put;
  std::shared_ptr<const storage::TableDef> table;
  std::string_view table_name;  // as the request named it (a name or an ARN; outlives the action)
  storage::PrimaryKey key;
  const Item* item = nullptr;                // put: the item written
  Item start;                                // update: the key attributes a new item starts from
  const WriteCondition* cond = nullptr;      // null: unconditional
  const expr::UpdateExpr* update = nullptr;  // update (may be null: AttributeUpdates absent)
  // False for an unconditional put or delete whose answer shows none of the
  // old item's attributes, on a table without indexes: then only whether
  // the item existed and its size count (capacity: the larger of the old
  // and the new item), which the write itself reports (storage::Replaced),
  // and the old item is neither read first nor decoded.  Streams still get
  // the old image: storage records it from the write.
  bool old_item_needed = true;
};

// Reads the old item, checks the condition and, for an update, computes the
// new item into out.new_item (and out.writes).  Returns false when the
// action must not write: out.condition_failed, out.error (a runtime error
// of the condition or the update) or out.too_big says why.
bool prepare(const ItemAction& a, storage::WriteTxn& txn, WriteOutcome& out);
// Writes what prepare() decided.
storage::Status commit(const ItemAction& a, storage::WriteTxn& txn, const WriteOutcome& out);
// The bytes a write capacity unit counts for the action: the larger of the
// old and the new item.
std::size_t written_size(const ItemAction& a, const WriteOutcome& out);
// The capacity the action consumed, as prepare() (and commit(), when
// out.writes) left `out`, times `factor` (kTransactionFactor in a
// transaction): a ConditionCheck reads the item (strongly consistent);
// the others write written_size() to the table, also when their condition
// failed, and each index entry they changed (api/capacity.hh).
ConsumedCapacity action_capacity(const ItemAction& a, const WriteOutcome& out, double factor = 1);

class SingleWriteOp final : public storage::WriteOpOf<WriteOutcome> {
 public:
  // origin: Origin::service for the server's own writes (TTL deletes).
  explicit SingleWriteOp(const ItemAction& a, storage::Origin origin = storage::Origin::user)
      : WriteOpOf(origin), action_(a) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, WriteOutcome& out) const override;

 private:
  const ItemAction& action_;
};

struct TransactOutcome {
  std::vector<WriteOutcome> actions;  // one per action, in order
  bool cancelled = false;             // a condition or an update failed, or a collection is full
  bool too_large = false;             // the items written exceed 4 MB
  std::size_t collection_full = SIZE_MAX;  // the action whose item collection is full
};

class TransactWriteOp final : public storage::WriteOpOf<TransactOutcome> {
 public:
  explicit TransactWriteOp(const std::vector<ItemAction>& a) : actions_(a) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, TransactOutcome& out) const override;

 private:
  const std::vector<ItemAction>& actions_;
};

// Puts and deletes without conditions, all in the one transaction.  The
// result is each action's action_capacity(), computed from the item it
// replaces or deletes as it is read (one item buffer for the whole batch:
// a batch of big items never holds all their old images at once).
class BatchWriteOp final : public storage::WriteOpOf<std::vector<ConsumedCapacity>> {
 public:
  explicit BatchWriteOp(const std::vector<ItemAction>& a) : actions_(a) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, std::vector<ConsumedCapacity>& out) const override;

 private:
  const std::vector<ItemAction>& actions_;
};

// UpdateItem and a transaction's Update: no action may name a key
// attribute ("Cannot update attribute pk. This attribute is part of the key").
void check_update_spares_key(const expr::UpdateExpr& update, const storage::TableDef& table);

// An error prepare() raises that DynamoDB reports for the whole request even
// inside a transaction (not as a cancellation reason): an update that leaves
// a secondary index key empty ("The update expression attempted to update a
// secondary index key to a value that is not supported...").
class RequestLevelError : public ApiError {
 public:
  using ApiError::ApiError;
};

// ---- PutItem, UpdateItem, DeleteItem ----------------------------------------

enum class ReturnValues { none, all_old, updated_old, all_new, updated_new };

struct SingleWriteRequest {
  ActionKind kind = ActionKind::put;
  std::string table_name;
  ReturnValues return_values = ReturnValues::none;
  ReturnConsumedCapacity capacity = ReturnConsumedCapacity::NONE;
  bool item_collection_metrics = false;  // ReturnItemCollectionMetrics=SIZE
  Item item;                             // put: the item; update and delete: the Key map
  WriteCondition cond;
  std::optional<expr::UpdateExpr> update;  // update
};

// Decodes the members of PutItem (kind put), UpdateItem (update) or
// DeleteItem (del) in DynamoDB's order: member types and constraints, the
// Item or Key values, ReturnValues (ALL_OLD or NONE but for UpdateItem), the
// condition (with UpdateItem's UpdateExpression or AttributeUpdates for the
// mixing rule), then UpdateItem's update.
SingleWriteRequest decode_single_write(json::object body, ActionKind kind);

// ItemCollectionMetrics (ReturnItemCollectionMetrics=SIZE on a table with a
// local secondary index).
struct ItemCollectionMetrics {
  std::string hash_name;
  AttributeValue hash;
  uint64_t bytes = 0;
};

// BatchWriteItem's and TransactWriteItems' "ItemCollectionMetrics"
// (ReturnItemCollectionMetrics=SIZE): for each table with a local
// secondary index, in first-use order, one entry per item collection the
// actions wrote (ConditionChecks write none), sized after the write.
struct TableCollectionMetrics {
  std::string table_name;
  std::vector<ItemCollectionMetrics> collections;
};
std::vector<TableCollectionMetrics> collection_metrics(RequestContext& ctx, const std::vector<ItemAction>& actions);
// Writes "ItemCollectionMetrics":{table:[...]} (nothing when `m` is empty).
void write_collection_metrics(JsonWriter& w, const std::vector<TableCollectionMetrics>& m);

struct SingleWriteResponse {
  std::optional<Item> attributes;  // per ReturnValues
  ConsumedCapacity capacity;
  std::optional<ItemCollectionMetrics> metrics;
};

// Resolves the table and the key, runs the write, and answers: throws
// ConditionalCheckFailedException, ValidationException (the update cannot
// apply; the item grew past 400 KB) or the storage failure.
asio::awaitable<SingleWriteResponse> execute(RequestContext& ctx, const SingleWriteRequest& req);

std::string to_json(const SingleWriteRequest& req, const SingleWriteResponse& resp);

}  // namespace ddbd::api
