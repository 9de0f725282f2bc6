// UpdateTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
//
// Changes the billing mode and provisioned throughput (and, later, index
// definitions: GlobalSecondaryIndexUpdates are issue #5).
//
// Order of checks (dynalite validations/updateTable.js and actions/updateTable.js):
//   1. types and constraints (TableName, throughput >= 1, BillingMode enum);
//   2. at least one change requested;
//   3. the table exists; it is ACTIVE;
//   4. billing mode / throughput combination; a throughput equal to the
//      current one is rejected.
#include "api/ops/ops.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

Result update_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "BillingMode", .enum_values = {"PROVISIONED", "PAY_PER_REQUEST"}},
      FieldSpec{.name = "ProvisionedThroughput",
                .type = FieldType::Struct,
                .members = {FieldSpec{.name = "ReadCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1},
                            FieldSpec{.name = "WriteCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1}}},
      FieldSpec{.name = "GlobalSecondaryIndexUpdates", .type = FieldType::List},
      FieldSpec{.name = "AttributeDefinitions", .type = FieldType::List},
      FieldSpec{.name = "StreamSpecification", .type = FieldType::Struct},
      FieldSpec{.name = "SSESpecification", .type = FieldType::Struct},
      FieldSpec{.name = "ReplicaUpdates", .type = FieldType::List},
      FieldSpec{.name = "DeletionProtectionEnabled", .type = FieldType::Boolean},
      FieldSpec{.name = "TableClass", .enum_values = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  auto billing = get_string(body, "BillingMode");
  auto throughput = get_object(body, "ProvisionedThroughput");
  auto protection = get_bool(body, "DeletionProtectionEnabled");
  auto table_class = get_string(body, "TableClass");
  if (get_array(body, "GlobalSecondaryIndexUpdates") || get_object(body, "StreamSpecification") ||
      get_array(body, "ReplicaUpdates"))
    throw ApiError(ErrorCode::UnsupportedOperationException,
                   "ddbd does not support GlobalSecondaryIndexUpdates, StreamSpecification or ReplicaUpdates in UpdateTable yet");
  if (!billing && !throughput && !protection && !table_class && !get_object(body, "SSESpecification"))
    throw ApiError::validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or "
        "SSESpecification or ReplicaUpdates is required");

  auto table = require_table(ctx, *get_string(body, "TableName"), false);
  const double now = ctx.now();
  if (effective_status(*table, now) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " + table->name);

  storage::TableDef def = *table;
  std::string mode = billing ? std::string(*billing) : def.billing_mode;
  if (mode == "PAY_PER_REQUEST") {
    if (throughput)
      throw ApiError::validation(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    if (def.billing_mode != mode) {
      def.billing_mode_last_update = now;
      def.read_capacity = def.write_capacity = 0;
    }
  } else {
    if (def.billing_mode == "PAY_PER_REQUEST" && !throughput)
      throw ApiError::validation(
          "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
    if (throughput) {
      int64_t rcu = *get_long(*throughput, "ReadCapacityUnits");
      int64_t wcu = *get_long(*throughput, "WriteCapacityUnits");
      if (rcu > 1000000000000)
        throw ApiError::validation("Given value " + std::to_string(rcu) + " for ReadCapacityUnits is out of bounds");
      if (wcu > 1000000000000)
        throw ApiError::validation("Given value " + std::to_string(wcu) + " for WriteCapacityUnits is out of bounds");
      if (def.billing_mode == "PROVISIONED" && rcu == def.read_capacity && wcu == def.write_capacity && !protection &&
          !table_class)
        throw ApiError::validation(
            "The provisioned throughput for the table will not change. The requested value equals the current value. "
            "Current ReadCapacityUnits provisioned for the table: " + std::to_string(def.read_capacity) +
            ". Requested ReadCapacityUnits: " + std::to_string(rcu) +
            ". Current WriteCapacityUnits provisioned for the table: " + std::to_string(def.write_capacity) +
            ". Requested WriteCapacityUnits: " + std::to_string(wcu) +
            ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
      if (rcu > def.read_capacity || wcu > def.write_capacity) def.last_increase_time = now;
      if (rcu < def.read_capacity || wcu < def.write_capacity) {
        def.last_decrease_time = now;
        def.decreases_today += 1;
      }
      def.read_capacity = rcu;
      def.write_capacity = wcu;
    }
  }
  def.billing_mode = mode;
  if (protection) def.deletion_protection = *protection;
  if (table_class) def.table_class = std::string(*table_class);
  if (ctx.config.transient_status_seconds > 0) {
    def.status = "UPDATING";
    def.status_ready_time = now + ctx.config.transient_status_seconds;
  }

  storage::Status st = co_await ctx.write([&def](storage::WriteTxn& txn) { return txn.update_table(def); });
  if (st == storage::Status::not_found)
    throw ApiError::resource_not_found("Requested resource not found: Table: " + def.name + " not found");
  check_storage(st);
  storage::TableStats stats = ctx.engine.begin_read().stats(def);
  JsonWriter w;
  w.begin_object();
  w.key("TableDescription");
  write_table_description(w, def, stats, now);
  w.end_object();
  co_return w.take();
}

}  // namespace ddbd::api::ops
