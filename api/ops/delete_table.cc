// DeleteTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
//
// Removes the table and its items at once and answers with its description
// in status DELETING (as DynamoDB does; DynamoDB then finishes asynchronously).
// Checks: TableName constraints; the table must exist; deletion protection
// ("Resource cannot be deleted as it is currently protected against
// deletion. Disable deletion protection first.").
#include "api/ops/ops.hh"
#include "api/table_ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result delete_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {table_name_spec(false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto table = require_table(ctx, *get_string(body, "TableName"), false);
  if (table->deletion_protection)
    throw ApiError::validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.");
  if (effective_status(*table, ctx.now()) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being " +
                                    std::string(effective_status(*table, ctx.now()) == "CREATING" ? "created" : "updated") +
                                    ": " + table->name);
  storage::TableStats stats = ctx.engine.begin_read().stats(*table);
  DeleteTableOp op(*table);
  storage::NoResult none;
  storage::Status st = co_await ctx.write(op, none);
  if (st == storage::Status::not_found)
    throw ApiError::resource_not_found("Requested resource not found: Table: " + table->name + " not found");
  check_storage(st);
  JsonWriter w;
  w.begin_object();
  w.key("TableDescription");
  write_table_description(w, *table, stats, ctx.now(), "DELETING");
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
