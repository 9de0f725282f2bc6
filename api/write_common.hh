// What the single-item writes (PutItem, UpdateItem, DeleteItem) share: the
// condition (ConditionExpression or the legacy Expected map), its
// ExpressionAttributeNames/Values, and the ConditionalCheckFailedException
// with the old item for ReturnValuesOnConditionCheckFailure=ALL_OLD.
//
// Thread-safety: a WriteCondition is immutable after decoding and may be
// evaluated on the writer's thread.
#pragma once

#include <memory>
#include <optional>

#include "api/json_reader.hh"
#include "storage/engine.hh"

namespace ddbd::api {

// What happened inside a write, reported back to the handler.
struct WriteOutcome {
  bool had_old = false;
  Item old_item;
  bool condition_failed = false;
};

class WriteCondition {
 public:
  WriteCondition();
  ~WriteCondition();
  WriteCondition(WriteCondition&&) noexcept;
  WriteCondition& operator=(WriteCondition&&) noexcept;

  // Table-dependent checks (none yet for conditions); throws ApiError.
  void check_against(const storage::TableDef& table) const;
  // True when there is no condition or it holds for `item` (nullptr: no item).
  bool holds(const Item* item) const;
  // Throws ConditionalCheckFailedException, with the old item when
  // ReturnValuesOnConditionCheckFailure is ALL_OLD.
  [[noreturn]] void throw_failed(const WriteOutcome& out) const;

  struct Impl;
  std::unique_ptr<Impl> impl;
};

// Decodes ConditionExpression / Expected / ConditionalOperator /
// ExpressionAttributeNames / ExpressionAttributeValues /
// ReturnValuesOnConditionCheckFailure from a write request, with DynamoDB's
// validation (unused names and values, mixing legacy and expression
// parameters).
WriteCondition decode_write_condition(json::object body);

}  // namespace ddbd::api
