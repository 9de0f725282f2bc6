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
#include "api/table_ops.hh"
#include "api/shapes.hh"
#include "api/table_schema.hh"

#include <map>
#include <set>

namespace ddbd::api::ops {

Result update_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "BillingMode", .enum_values = {"PROVISIONED", "PAY_PER_REQUEST"}},
      FieldSpec{.name = "ProvisionedThroughput",
                .type = FieldType::Struct,
                .members = {FieldSpec{.name = "ReadCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1},
                            FieldSpec{.name = "WriteCapacityUnits", .type = FieldType::Long, .not_null = true, .min_value = 1}}},
      FieldSpec{.name = "GlobalSecondaryIndexUpdates",
                .type = FieldType::List,
                .element = {FieldSpec{
                    .type = FieldType::Struct,
                    .members = {FieldSpec{.name = "Create",
                                          .type = FieldType::Struct,
                                          .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3,
                                                                .max_length = limits::kMaxTableNameLength, .name_pattern = true},
                                                      key_schema_spec(), projection_spec(), throughput_spec()}},
                                FieldSpec{.name = "Update",
                                          .type = FieldType::Struct,
                                          .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3,
                                                                .max_length = limits::kMaxTableNameLength, .name_pattern = true},
                                                      throughput_spec()}},
                                FieldSpec{.name = "Delete",
                                          .type = FieldType::Struct,
                                          .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3,
                                                                .max_length = limits::kMaxTableNameLength, .name_pattern = true}}}}}}},
      FieldSpec{.name = "AttributeDefinitions",
                .type = FieldType::List,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "AttributeName", .not_null = true, .min_length = 1, .max_length = limits::kMaxKeyAttributeNameLength},
                                                  FieldSpec{.name = "AttributeType", .not_null = true, .enum_values = {"B", "N", "S"}}}}}},
      stream_specification_spec(),
      sse_specification_spec(),
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
  auto gsi_updates = get_array(body, "GlobalSecondaryIndexUpdates");
  if (get_object(body, "StreamSpecification") || get_array(body, "ReplicaUpdates"))
    throw ApiError(ErrorCode::UnsupportedOperationException,
                   "ddbd does not support StreamSpecification or ReplicaUpdates in UpdateTable yet");
  if (!billing && !throughput && !protection && !table_class && !gsi_updates && !get_object(body, "SSESpecification"))
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

  // ---- GlobalSecondaryIndexUpdates ----
  std::vector<uint32_t> created, dropped;
  if (gsi_updates) {
    std::map<std::string, AttrType> types;
    std::vector<std::string> defined;
    for (const auto& [n, t] : def.attribute_definitions) {
      types[n] = t;
      defined.push_back(n);
    }
    if (auto defs = get_array(body, "AttributeDefinitions")) {
      for (json::element e : *defs) {
        json::object o = expect_object(e);
        std::string n(*get_string(o, "AttributeName"));
        AttrType t;
        attr_type_from_name(*get_string(o, "AttributeType"), t);
        auto it = types.find(n);
        if (it != types.end() && it->second != t)
          invalid("Cannot change the type of attribute " + n + " in AttributeDefinitions");
        if (it == types.end()) defined.push_back(n);
        types[n] = t;
      }
    }
    uint32_t next_id = 1;
    for (const auto& ix : def.indexes) next_id = std::max(next_id, ix.index_id + 1);
    int online = 0;
    for (json::element e : *gsi_updates) {
      json::object u = expect_object(e);
      auto create = get_object(u, "Create");
      auto update = get_object(u, "Update");
      auto remove = get_object(u, "Delete");
      if ((create ? 1 : 0) + (update ? 1 : 0) + (remove ? 1 : 0) != 1)
        invalid("One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update, or "
                "GlobalSecondaryIndexUpdate.Delete must be specified");
      auto find = [&](std::string_view name) -> storage::IndexDef* {
        for (auto& ix : def.indexes)
          if (ix.global && ix.name == name) return &ix;
        return nullptr;
      };
      if (create) {
        ++online;
        storage::IndexDef ix;
        ix.global = true;
        ix.name = std::string(*get_string(*create, "IndexName"));
        for (const auto& x : def.indexes)
          if (x.name == ix.name) invalid("Index with name " + ix.name + " already exists");
        auto keys = read_key_schema(*get_array(*create, "KeySchema"));
        check_key_schema(keys, defined);
        ix.key = to_key_schema(keys, types);
        read_projection(*get_object(*create, "Projection"), ix);
        auto ipt = get_object(*create, "ProvisionedThroughput");
        if (def.billing_mode == "PAY_PER_REQUEST" && ipt)
          invalid("ProvisionedThroughput should not be specified for index: " + ix.name +
                  " when BillingMode is PAY_PER_REQUEST");
        if (def.billing_mode != "PAY_PER_REQUEST") {
          if (!ipt) invalid("ProvisionedThroughput must be specified for index: " + ix.name);
          ix.read_capacity = *get_long(*ipt, "ReadCapacityUnits");
          ix.write_capacity = *get_long(*ipt, "WriteCapacityUnits");
        }
        ix.index_id = next_id++;
        ix.status = "CREATING";
        created.push_back(ix.index_id);
        def.indexes.push_back(std::move(ix));
        std::size_t gsis = 0;
        for (const auto& x : def.indexes) gsis += x.global ? 1 : 0;
        if (gsis > limits::kMaxGlobalSecondaryIndexes) invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
      } else if (update) {
        std::string name(*get_string(*update, "IndexName"));
        storage::IndexDef* ix = find(name);
        if (!ix) throw ApiError::resource_not_found("Requested resource not found: Index: " + name + " not found");
        auto ipt = get_object(*update, "ProvisionedThroughput");
        if (def.billing_mode == "PAY_PER_REQUEST")
          invalid("ProvisionedThroughput should not be specified for index: " + name + " when BillingMode is PAY_PER_REQUEST");
        ix->read_capacity = *get_long(*ipt, "ReadCapacityUnits");
        ix->write_capacity = *get_long(*ipt, "WriteCapacityUnits");
      } else {
        ++online;
        std::string name(*get_string(*remove, "IndexName"));
        storage::IndexDef* ix = find(name);
        if (!ix) throw ApiError::resource_not_found("Requested resource not found: Index: " + name + " not found");
        dropped.push_back(ix->index_id);
        def.indexes.erase(def.indexes.begin() + (ix - def.indexes.data()));
      }
    }
    if (online > 1)
      throw ApiError(ErrorCode::LimitExceededException,
                     "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
    // Attribute definitions: exactly the attributes the keys use.
    std::set<std::string> used{def.key.hash.name};
    if (def.key.range) used.insert(def.key.range->name);
    for (const auto& ix : def.indexes) {
      used.insert(ix.key.hash.name);
      if (ix.key.range) used.insert(ix.key.range->name);
    }
    def.attribute_definitions.clear();
    for (const auto& n : defined)
      if (used.count(n)) def.attribute_definitions.emplace_back(n, types[n]);
  }
  if (protection) def.deletion_protection = *protection;
  if (table_class) def.table_class = std::string(*table_class);
  if (ctx.config.transient_status_seconds > 0) {
    def.status = "UPDATING";
    def.status_ready_time = now + ctx.config.transient_status_seconds;
  }

  // A new index is backfilled in the same transaction; it reads ACTIVE once
  // the transient status delay (if any) is over.
  storage::TableDef stored = def;
  for (auto& ix : stored.indexes)
    if (ix.status == "CREATING" && ctx.config.transient_status_seconds <= 0) ix.status = "ACTIVE";
  if (!created.empty() && ctx.config.transient_status_seconds > 0) {
    stored.status = def.status = "UPDATING";
    stored.status_ready_time = def.status_ready_time = now + ctx.config.transient_status_seconds;
  }
  UpdateTableOp op(stored, created, dropped);
  storage::NoResult none;
  storage::Status st = co_await ctx.write(op, none);
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
