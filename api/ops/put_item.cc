// PutItem
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html
//
// Creates or replaces an item, optionally under a condition.
//
// Order of checks (api/write_ops.hh does the work it shares with UpdateItem
// and DeleteItem):
//   1. member types (SerializationException) and Coral constraints
//      (TableName, Item not null, enums), aggregated;
//   2. attribute values (empty sets, numbers, duplicates, nesting);
//   3. ReturnValues must be NONE or ALL_OLD;
//   4. the table exists (ResourceNotFoundException);
//   5. key attributes and item size;
//   6. the condition, evaluated on the old item inside the write.
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

Result put_item(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_single_write(body, ActionKind::put));
}

}  // namespace ddbd::api::ops
