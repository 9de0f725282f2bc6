// UpdateTimeToLive
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
//
// Order of checks:
//   1. types and constraints (TableName; TimeToLiveSpecification, its
//      AttributeName 1..255 and Enabled, all required: "Value null at
//      'timeToLiveSpecification.attributeName' ... Member must not be null");
//   2. the table exists (ResourceNotFoundException); it is not CREATING
//      (ResourceInUseException; UPDATING is allowed, as in DynamoDB);
//   3. in the write transaction, DynamoDB's rules (table_ops.hh
//      time_to_live_error): a different attribute while enabled, "already
//      enabled", "already disabled", then the once-per-interval rule
//      (ApiConfig::ttl_cooldown_seconds; off by default).
// The change takes effect at once for the sweeper; DescribeTimeToLive shows
// ENABLING / DISABLING for the transient-status delay.
#include "api/ops/update_time_to_live.hh"

#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/table_ops.hh"
#include "storage/limits.hh"

namespace ddbd::api::ops {

namespace {

const std::vector<FieldSpec>& specs() {
  static const std::vector<FieldSpec> s = {
      table_name_spec(false),
      FieldSpec{.name = "TimeToLiveSpecification",
                .type = FieldType::Struct,
                .not_null = true,
                .members = {FieldSpec{.name = "AttributeName", .not_null = true, .min_length = 1, .max_length = 255},
                            FieldSpec{.name = "Enabled", .type = FieldType::Boolean, .not_null = true}}},
  };
  return s;
}

}  // namespace

UpdateTimeToLiveRequest decode_update_time_to_live(json::object body) {
  ValidationErrors errors;
  check_request(body, specs(), errors);
  json::object spec = *get_object(body, "TimeToLiveSpecification");
  return UpdateTimeToLiveRequest{.table_name = std::string(*get_string(body, "TableName")),
                                 .enabled = *get_bool(spec, "Enabled"),
                                 .attribute_name = std::string(*get_string(spec, "AttributeName"))};
}

asio::awaitable<UpdateTimeToLiveResponse> execute(RequestContext& ctx, const UpdateTimeToLiveRequest& req) {
  auto table = require_table(ctx, req.table_name, false);
  const double now = ctx.now();
  const std::string_view status = effective_status(*table, now);
  if (status == "CREATING" || status == "DELETING")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being " +
                                    std::string(status == "CREATING" ? "created" : "deleted") + ": " + table->name);
  const TimeToLiveChange change{.ns = table->ns,
                                .name = table->name,
                                .table_id = table->table_id,
                                .enabled = req.enabled,
                                .attribute = req.attribute_name,
                                .now = now,
                                .cooldown_seconds = ctx.config.ttl_cooldown_seconds};
  TimeToLiveOp op(change);
  TimeToLiveOp::Result result;
  const storage::Status st = co_await ctx.write(op, result);
  if (result.out.missing)
    throw ApiError::resource_not_found("Requested resource not found: Table: " + req.table_name + " not found");
  if (!result.out.error.empty()) throw ApiError::validation(result.out.error);
  check_storage(st);
  co_return UpdateTimeToLiveResponse{};
}

std::string to_json(const UpdateTimeToLiveRequest& req, const UpdateTimeToLiveResponse&) {
  JsonWriter w;
  w.begin_object();
  w.key("TimeToLiveSpecification");
  w.begin_object();
  w.key("Enabled");
  w.boolean(req.enabled);
  w.key("AttributeName");
  w.string(req.attribute_name);
  w.end_object();
  w.end_object();
  return w.take();
}

Result update_time_to_live(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_update_time_to_live(body));
}

}  // namespace ddbd::api::ops
