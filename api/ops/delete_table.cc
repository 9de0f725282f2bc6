// DeleteTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DeleteTable.html
//
// Removes the table and its items at once and answers with its description
// in status DELETING (as DynamoDB does; DynamoDB then finishes asynchronously),
// with only the members DynamoDB's DeleteTable answer has
// (write_deleted_table_description in api/shapes.hh).
// Checks: TableName constraints; the table must exist; deletion protection
// ("Resource cannot be deleted as it is currently protected against
// deletion. Disable deletion protection first."); no GSI CREATING, UPDATING
// or DELETING ("Cannot delete table while indexes are being created,
// updated, or deleted."); the table ACTIVE ("Table is being created/updated").
#include "api/ops/delete_table.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/table_ops.hh"

namespace ddbd::api::ops {

DeleteTableRequest decode_delete_table(json::object body) { return {decode_table_name_request(body)}; }

asio::awaitable<DeleteTableResponse> execute(RequestContext& ctx, const DeleteTableRequest& req) {
  auto table = require_table(ctx, req.table_name, false);
  if (table->deletion_protection)
    throw ApiError::validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.");
  // An index being created, updated or deleted holds the table, whatever
  // TableStatus says (AWS's answer, as ack-api-quirks' DDB-TABLE-150/-376
  // publish it).
  for (const auto& ix : table->indexes)
    if (ix.global && effective_index_status(*table, ix, ctx.now()) != "ACTIVE")
      throw ApiError::resource_in_use(
          "Attempt to change a resource which is still in use: Cannot delete table while indexes are being created, "
          "updated, or deleted.");
  if (effective_status(*table, ctx.now()) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being " +
                                    std::string(effective_status(*table, ctx.now()) == "CREATING" ? "created" : "updated") +
                                    ": " + table->name);
  storage::TableStats stats = ctx.engine.begin_read().stats(*table);
  DeleteTableOp op(*table, ctx.now());
  storage::NoResult none;
  storage::Status st = co_await ctx.write(op, none);
  if (st == storage::Status::not_found)
    throw ApiError::resource_not_found("Requested resource not found: Table: " + table->name + " not found");
  check_storage(st);
  co_return DeleteTableResponse{DescribedTable{
      .table = std::move(table), .stats = stats, .index_stats = std::nullopt, .now = ctx.now(), .status_override = "DELETING"}};
}

std::string to_json(const DeleteTableRequest&, const DeleteTableResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("TableDescription");
  write_deleted_table_description(w, resp.table);
  w.end_object();
  return w.take();
}

Result delete_table(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_delete_table(body)); }

}  // namespace ddbd::api::ops
