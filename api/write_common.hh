// What the single-item writes (PutItem, UpdateItem, DeleteItem) share: the
// condition (ConditionExpression or the legacy Expected map), its
// ExpressionAttributeNames/Values, and the ConditionalCheckFailedException
// with the old item for ReturnValuesOnConditionCheckFailure=ALL_OLD.
//
// Thread-safety: a WriteCondition is immutable after decoding and may be
// evaluated on the writer's thread.
#pragma once

#include <exception>
#include <memory>
#include <optional>

#include "api/json_reader.hh"
#include "expressions/legacy.hh"
#include "expressions/parser.hh"
#include "storage/engine.hh"

namespace ddbd::api {

// What happened inside a write, reported back to the handler.
struct WriteOutcome {
  bool had_old = false;
  Item old_item;  // empty when the action did not need it (ItemAction::old_item_needed)
  std::size_t old_size = 0;  // item_size() of the old item, when had_old
  // The action writes: a put, an update (new_item is the item written), a
  // delete of an existing item.  False for a check, a delete of a missing
  // item, or an update that only removes from a missing one.
  bool writes = false;
  Item new_item;  // update
  bool too_big = false;  // update: the new item is over 400 KB
  bool condition_failed = false;
  // An error raised inside the write (evaluating the condition or the
  // update); rethrown on the request's thread by WriteCondition::finish.
  std::exception_ptr error;
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
  // True when the request has no condition at all.
  bool unconditional() const;
  // Inside a write: evaluates the condition on out.old_item (when
  // out.had_old).  Returns false, with out.condition_failed or out.error
  // set, when the write must not go on.  Never throws.
  bool check(WriteOutcome& out) const;
  // After the write: rethrows out.error, or throws
  // ConditionalCheckFailedException (with the old item when
  // ReturnValuesOnConditionCheckFailure is ALL_OLD) if the check failed.
  void finish(const WriteOutcome& out) const;
  [[noreturn]] void throw_failed(const WriteOutcome& out) const;
  // ReturnValuesOnConditionCheckFailure=ALL_OLD: a failed check carries the
  // old item (when there was one).
  bool returns_old_item() const;
  // A failed check means the item exists (PartiQL's INSERT): it is
  // DuplicateItemException ("Duplicate primary key exists in table"), and
  // DuplicateItem in a transaction's cancellation reasons.
  bool duplicate_item() const;

  // The request's names and values, for another expression of the request.
  expr::Params& params();
  // Storage for values of translated legacy parameters.
  expr::LegacyHolder& legacy_values();

  struct Impl;
  std::unique_ptr<Impl> impl;
};

// Decodes ConditionExpression / Expected / ConditionalOperator /
// ExpressionAttributeNames / ExpressionAttributeValues /
// ReturnValuesOnConditionCheckFailure from a write request, with DynamoDB's
// validation (unused names and values, mixing legacy and expression
// parameters).
// UpdateItem passes its UpdateExpression (parsed by the caller with params(),
// which then checks that every name and value was used) or tells that it has
// AttributeUpdates, for the mixing rule.
WriteCondition decode_write_condition(json::object body,
                                      std::optional<std::string_view> update_expression = std::nullopt,
                                      bool has_attribute_updates = false);

// A condition given as a tree (PartiQL's statements): its Value operands
// must outlive the WriteCondition.  `duplicate_item`: see duplicate_item().
WriteCondition make_write_condition(std::optional<expr::Condition> condition, bool return_old_on_failure,
                                    bool duplicate_item = false);

}  // namespace ddbd::api
