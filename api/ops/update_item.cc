// UpdateItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
//
// Edits an item's attributes, or creates the item (with its key attributes)
// when it does not exist, optionally under a condition.
//
// Order of checks (api/write_ops.hh): member types and constraints; Key
// values; ReturnValues; mixing of legacy and expression parameters; names
// and values; the UpdateExpression and ConditionExpression (syntax, then
// names, values, functions, overlapping paths), unused names and values; the
// table exists; the key matches the schema; no action on a key attribute.
// Inside the write: the condition on the old item, then the update (runtime
// errors: missing operand, wrong operand type, invalid path), then the new
// item's size.
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

Result update_item(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_single_write(body, ActionKind::update));
}

}  // namespace ddbd::api::ops
