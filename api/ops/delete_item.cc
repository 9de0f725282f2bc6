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
#include "api/write_ops.hh"

namespace ddbd::api::ops {

Result delete_item(RequestContext& ctx, json::object body) {
  const SingleWriteRequest req = decode_single_write(body, ActionKind::del);
  co_return single_write_to_json(req, co_await execute_single_write(ctx, req));
}

}  // namespace ddbd::api::ops
