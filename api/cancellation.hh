// TransactionCanceledException as DynamoDB sends it: one CancellationReason
// per action of the transaction, in request order ("None" for an action that
// did not fail), and the message "Transaction cancelled, please refer
// cancellation reasons for specific reasons [<codes>]".
//
// TransactWriteItems, TransactGetItems (and ExecuteTransaction through them)
// build their cancellations here.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "api/errors.hh"
#include "storage/attribute_value.hh"

namespace ddbd::api {

struct CancellationReason {
  std::string code = "None";
  std::string message;         // empty: no "Message" member
  const Item* item = nullptr;  // ConditionalCheckFailed with ReturnValuesOnConditionCheckFailure=ALL_OLD
};

// The TransactionCanceledException for `reasons` (CancellationReasons in the
// body, the codes in the message).
ApiError transaction_cancelled(const std::vector<CancellationReason>& reasons);

// The cancellation of a transaction of `count` actions whose action `index`
// failed an item-level validation (code "ValidationError" with `message`);
// DynamoDB checks no other action then, so they all read "None".
ApiError validation_cancelled(std::size_t count, std::size_t index, std::string message);

}  // namespace ddbd::api
