// DeleteItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteItem.html
//
// Deletes one item by key, optionally under a condition.  Deleting an item
// that does not exist succeeds (and returns no Attributes).
//
// Order of checks (api/write_ops.hh): types and constraints; Key values;
// ReturnValues must be NONE or ALL_OLD; the table exists; the key matches
// the schema; the condition, evaluated on the old item inside the write.
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

Result delete_item(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_single_write(body, ActionKind::del));
}

}  // namespace ddbd::api::ops
