// Global tables' operations: see global_ops.hh.  API references:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html (ReplicaUpdates)
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateGlobalTable.html and the other
// *GlobalTable* pages, API_DescribeTableReplicaAutoScaling, API_UpdateTableReplicaAutoScaling.
//
// Every change to a replica set is one write op that rewrites every
// member's definition (and creates or deletes replica tables) in one
// transaction.  Messages DynamoDB does not document are written in its
// style (README, "Global tables").
#include "api/ops/global_ops.hh"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "api/global_tables.hh"
#include "api/hex.hh"
#include "api/ops/run.hh"
#include "api/table_schema.hh"
#include "storage/digest.hh"
#include "streams/stream_store.hh"

namespace ddbd::api::ops {

namespace {

using global::GlobalInfo;
using global::Replica;

// A write op running a function of the transaction (re-runnable: the
// function captures values only).
class FnOp final : public storage::WriteOp {
 public:
  explicit FnOp(std::function<storage::Status(storage::WriteTxn&)> fn) : fn_(std::move(fn)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult&) const override { return fn_(txn); }

 private:
  std::function<storage::Status(storage::WriteTxn&)> fn_;
};

using TxnFn = std::function<storage::Status(storage::WriteTxn&)>;

// Runs `fn` as one write.  `fn` is a named object of the caller's frame:
// no temporary with a destructor lives in the co_await expression (GCC 12
// destroys some of those twice).
asio::awaitable<void> run_op(RequestContext& ctx, const TxnFn& fn, const std::string& table_name) {
  FnOp op(fn);
  storage::NoResult none;
  const storage::Status st = co_await ctx.write(op, none);
  if (st == storage::Status::not_found || st == storage::Status::aborted)
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " +
                                    table_name);
  check_storage(st);
}

void refuse_shared(const RequestContext& ctx) {
  if (ctx.config.shared_db) throw ApiError::validation(std::string(kSharedDbMessage));
}

void check_region(std::string_view region) {
  if (!global::valid_region(region))
    invalid("Invalid region name: " + std::string(region) + " is not a valid AWS region");
}

std::string new_uuid() {
  unsigned char b[16];
  storage::random_bytes(b, sizeof b);
  return uuid_text(b);
}

std::shared_ptr<const storage::TableDef> table_in(const RequestContext& ctx, std::string_view region,
                                                  std::string_view name) {
  return ctx.engine.find_table(global::namespace_of(ctx.access_key, region), name);
}

bool same_key_schema(const storage::KeySchema& a, const storage::KeySchema& b) {
  if (a.hash.name != b.hash.name || a.hash.type != b.hash.type) return false;
  if (a.range.has_value() != b.range.has_value()) return false;
  return !a.range || (a.range->name == b.range->name && a.range->type == b.range->type);
}

// Rewrites the stored definition of (ns, name) (still table `id`) with
// `mutate`; not_found when it is gone or another table now.
storage::Status rewrite(storage::WriteTxn& txn, const std::string& ns, const std::string& name, uint64_t id,
                        const std::function<void(storage::TableDef&)>& mutate) {
  auto current = txn.find_table(ns, name);
  if (!current || current->table_id != id) return storage::Status::not_found;
  storage::TableDef def = *current;
  mutate(def);
  return txn.update_table(def);
}

// A member of a replica set as the op sees it.
struct Member {
  std::string ns, name;
  uint64_t id = 0;
};

std::vector<Member> members_of(const RequestContext& ctx, const GlobalInfo& info, const std::string& name) {
  std::vector<Member> out;
  for (const Replica& r : info.replicas)
    if (auto t = table_in(ctx, r.region, name)) out.push_back(Member{t->ns, t->name, t->table_id});
  return out;
}

// The effective status of a replica (transient statuses end at ready_time).
std::string_view replica_status(const Replica& r, double now) {
  if (r.status != "ACTIVE" && now >= r.ready_time) return "ACTIVE";
  return r.status;
}

// ---- auto scaling settings ----

void write_scaling(JsonWriter& w, const global::AutoScaling& a) {
  w.begin_object();
  w.key("MinimumUnits");
  w.number(a.min_units);
  w.key("MaximumUnits");
  w.number(a.max_units);
  w.key("AutoScalingDisabled");
  w.boolean(a.disabled);
  if (!a.role_arn.empty()) {
    w.key("AutoScalingRoleArn");
    w.string(a.role_arn);
  }
  if (a.has_policy) {
    w.key("ScalingPolicies");
    w.begin_array();
    w.begin_object();
    w.key("PolicyName");
    w.string(a.policy_name);
    w.key("TargetTrackingScalingPolicyConfiguration");
    w.begin_object();
    w.key("DisableScaleIn");
    w.boolean(a.disable_scale_in);
    w.key("ScaleInCooldown");
    w.number(a.scale_in_cooldown);
    w.key("ScaleOutCooldown");
    w.number(a.scale_out_cooldown);
    w.key("TargetValue");
    w.number_double(a.target_value);
    w.end_object();
    w.end_object();
    w.end_array();
  }
  w.end_object();
}

FieldSpec scaling_update_spec(std::string_view name) {
  return FieldSpec{
      .name = name,
      .type = FieldType::Struct,
      .members = {FieldSpec{.name = "MinimumUnits", .type = FieldType::Long, .min_value = 1},
                  FieldSpec{.name = "MaximumUnits", .type = FieldType::Long, .min_value = 1},
                  FieldSpec{.name = "AutoScalingDisabled", .type = FieldType::Boolean},
                  FieldSpec{.name = "AutoScalingRoleArn", .min_length = 1, .max_length = 1600},
                  FieldSpec{.name = "ScalingPolicyUpdate",
                            .type = FieldType::Struct,
                            .members = {FieldSpec{.name = "PolicyName", .min_length = 1, .max_length = 256},
                                        FieldSpec{.name = "TargetTrackingScalingPolicyConfiguration",
                                                  .type = FieldType::Struct,
                                                  .not_null = true,
                                                  .members = {FieldSpec{.name = "DisableScaleIn", .type = FieldType::Boolean},
                                                              FieldSpec{.name = "ScaleInCooldown", .type = FieldType::Integer},
                                                              FieldSpec{.name = "ScaleOutCooldown", .type = FieldType::Integer}}}}}}};
}

// Applies an AutoScalingSettingsUpdate to `a`.
void apply_scaling(json::object u, global::AutoScaling& a) {
  a.set = true;
  if (auto v = get_long(u, "MinimumUnits")) a.min_units = *v;
  if (auto v = get_long(u, "MaximumUnits")) a.max_units = *v;
  if (auto v = get_bool(u, "AutoScalingDisabled")) a.disabled = *v;
  if (auto v = get_string(u, "AutoScalingRoleArn")) a.role_arn = std::string(*v);
  if (auto p = get_object(u, "ScalingPolicyUpdate")) {
    a.has_policy = true;
    a.policy_name = std::string(get_string(*p, "PolicyName").value_or("DynamoDBWriteCapacityUtilization"));
    if (auto c = get_object(*p, "TargetTrackingScalingPolicyConfiguration")) {
      double target = 0;
      // TargetValue is a Double (a JSON number); FieldSpec has no such type.
      if ((*c)["TargetValue"].get_double().get(target) != simdjson::SUCCESS)
        throw ApiError::validation(
            "1 validation error detected: Value null at 'targetTrackingScalingPolicyConfiguration.targetValue' failed to "
            "satisfy constraint: Member must not be null");
      a.target_value = target;
      if (auto v = get_bool(*c, "DisableScaleIn")) a.disable_scale_in = *v;
      if (auto v = get_long(*c, "ScaleInCooldown")) a.scale_in_cooldown = *v;
      if (auto v = get_long(*c, "ScaleOutCooldown")) a.scale_out_cooldown = *v;
    }
  }
  if (a.min_units > a.max_units)
    invalid("MinimumUnits (" + std::to_string(a.min_units) + ") cannot be greater than MaximumUnits (" +
            std::to_string(a.max_units) + ")");
}

// ---- 2019.11.21: DescribeTable's members ----

void write_replica(JsonWriter& w, const Replica& r, double now) {
  w.begin_object();
  w.key("RegionName");
  w.string(r.region);
  const std::string_view status = replica_status(r, now);
  w.key("ReplicaStatus");
  w.string(status);
  if (status != "ACTIVE") {
    w.key("ReplicaStatusDescription");
    w.string(status == "CREATING" ? "Replica is being created and backfilled" : "Replica is being updated");
  }
  if (!r.kms_key.empty()) {
    w.key("KMSMasterKeyId");
    w.string(r.kms_key);
  }
  if (r.read_capacity_override > 0) {
    w.key("ProvisionedThroughputOverride");
    w.begin_object();
    w.key("ReadCapacityUnits");
    w.number(r.read_capacity_override);
    w.end_object();
  }
  if (!r.gsis.empty()) {
    w.key("GlobalSecondaryIndexes");
    w.begin_array();
    for (const auto& g : r.gsis) {
      w.begin_object();
      w.key("IndexName");
      w.string(g.index_name);
      if (g.read_capacity > 0) {
        w.key("ProvisionedThroughputOverride");
        w.begin_object();
        w.key("ReadCapacityUnits");
        w.number(g.read_capacity);
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
  }
  if (!r.table_class_override.empty()) {
    w.key("ReplicaTableClassSummary");
    w.begin_object();
    w.key("TableClass");
    w.string(r.table_class_override);
    w.end_object();
  }
  w.end_object();
}

}  // namespace

void write_replica_members(JsonWriter& w, const storage::TableDef& table, double now) {
  auto info = global::info_of(table);
  if (!info || info->version != global::kVersion2019) return;
  w.key("GlobalTableVersion");
  w.string(info->version);
  w.key("Replicas");
  w.begin_array();
  for (const Replica& r : info->replicas)
    if (r.region != table.region) write_replica(w, r, now);
  w.end_array();
  if (!info->consistency.empty()) {
    w.key("MultiRegionConsistency");
    w.string(info->consistency);
  }
  if (!info->witness_region.empty()) {
    w.key("GlobalTableWitnesses");
    w.begin_array();
    w.begin_object();
    w.key("RegionName");
    w.string(info->witness_region);
    w.key("WitnessStatus");
    w.string("ACTIVE");
    w.end_object();
    w.end_array();
  }
}

// ---- 2019.11.21: UpdateTable ReplicaUpdates ----

bool is_replica_update(json::object body) {
  // MultiRegionConsistency alone is no change (UpdateTable's "At least one
  // of ... is required", as DynamoDB answers it): it comes with replicas.
  return body["ReplicaUpdates"].error() != simdjson::NO_SUCH_FIELD ||
         body["GlobalTableWitnessUpdates"].error() != simdjson::NO_SUCH_FIELD;
}

namespace {

FieldSpec throughput_override_spec() {
  return FieldSpec{.name = "ProvisionedThroughputOverride",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "ReadCapacityUnits", .type = FieldType::Long, .min_value = 1}}};
}

FieldSpec region_spec() { return FieldSpec{.name = "RegionName", .not_null = true}; }

FieldSpec replica_action_spec(std::string_view name, bool full) {
  FieldSpec s{.name = name, .type = FieldType::Struct, .members = {region_spec()}};
  if (full) {
    s.members.push_back(FieldSpec{.name = "KMSMasterKeyId"});
    s.members.push_back(throughput_override_spec());
    s.members.push_back(FieldSpec{
        .name = "GlobalSecondaryIndexes",
        .type = FieldType::List,
        .min_length = 1,
        .element = {FieldSpec{.type = FieldType::Struct,
                              .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3,
                                                    .max_length = limits::kMaxTableNameLength, .name_pattern = true},
                                          throughput_override_spec()}}}});
    s.members.push_back(FieldSpec{.name = "TableClassOverride", .enum_values = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}});
  }
  return s;
}

const std::vector<FieldSpec>& replica_update_specs() {
  static const std::vector<FieldSpec> s = {
      table_name_spec(false),
      FieldSpec{.name = "ReplicaUpdates",
                .type = FieldType::List,
                .min_length = 1,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {replica_action_spec("Create", true), replica_action_spec("Update", true),
                                                  replica_action_spec("Delete", false)}}}},
      FieldSpec{.name = "MultiRegionConsistency", .enum_values = {"EVENTUAL", "STRONG"}},
      FieldSpec{.name = "GlobalTableWitnessUpdates",
                .type = FieldType::List,
                .min_length = 1,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {replica_action_spec("Create", false), replica_action_spec("Delete", false)}}}},
  };
  return s;
}

struct ReplicaAction {
  enum class Kind { create, update, remove } kind = Kind::create;
  std::string region;
  std::optional<std::string> kms_key;
  std::optional<int64_t> read_capacity;
  std::vector<std::pair<std::string, std::optional<int64_t>>> gsis;
  std::optional<std::string> table_class;
};

ReplicaAction decode_replica_action(json::object o) {
  ReplicaAction a;
  int n = 0;
  json::object x;
  if (auto c = get_object(o, "Create")) a.kind = ReplicaAction::Kind::create, x = *c, ++n;
  if (auto u = get_object(o, "Update")) a.kind = ReplicaAction::Kind::update, x = *u, ++n;
  if (auto d = get_object(o, "Delete")) a.kind = ReplicaAction::Kind::remove, x = *d, ++n;
  if (n != 1) invalid("One and only one of Create, Update or Delete must be specified in a ReplicationGroupUpdate");
  a.region = std::string(*get_string(x, "RegionName"));
  if (auto k = get_string(x, "KMSMasterKeyId")) a.kms_key = std::string(*k);
  if (auto t = get_object(x, "ProvisionedThroughputOverride")) a.read_capacity = get_long(*t, "ReadCapacityUnits");
  if (auto gs = get_array(x, "GlobalSecondaryIndexes"))
    for (json::element e : *gs) {
      json::object g = expect_object(e);
      std::optional<int64_t> rcu;
      if (auto t = get_object(g, "ProvisionedThroughputOverride")) rcu = get_long(*t, "ReadCapacityUnits");
      a.gsis.emplace_back(std::string(*get_string(g, "IndexName")), rcu);
    }
  if (auto c = get_string(x, "TableClassOverride")) a.table_class = std::string(*c);
  return a;
}

// Applies an action's overrides to the replica entry and to the replica
// table's own definition.
void apply_overrides(const ReplicaAction& a, Replica& r, const storage::TableDef& source) {
  if (a.kms_key) r.kms_key = *a.kms_key;
  if (a.read_capacity) {
    if (source.billing_mode == "PAY_PER_REQUEST")
      invalid("ProvisionedThroughputOverride cannot be specified for a replica of a table in PAY_PER_REQUEST billing mode");
    r.read_capacity_override = *a.read_capacity;
  }
  for (const auto& [name, rcu] : a.gsis) {
    const storage::IndexDef* ix = source.find_index(name);
    if (!ix || !ix->global)
      invalid("Global secondary index " + name + " does not exist on table " + source.name);
    auto it = std::find_if(r.gsis.begin(), r.gsis.end(), [&](const auto& g) { return g.index_name == name; });
    if (it == r.gsis.end()) it = r.gsis.insert(r.gsis.end(), global::GsiOverride{name, 0, {}});
    if (rcu) it->read_capacity = *rcu;
  }
  if (a.table_class) r.table_class_override = *a.table_class;
}

void apply_replica_to_def(const Replica& r, storage::TableDef& def, double now) {
  if (!r.kms_key.empty()) {
    def.sse_kms = true;
    def.kms_master_key_arn = r.kms_key.starts_with("arn:")
                                 ? r.kms_key
                                 : "arn:aws:kms:" + def.region + ":" + def.account_id +
                                       (r.kms_key.starts_with("alias/") ? ":" : ":key/") + r.kms_key;
  }
  if (r.read_capacity_override > 0 && def.billing_mode == "PROVISIONED") def.read_capacity = r.read_capacity_override;
  for (const auto& g : r.gsis)
    for (auto& ix : def.indexes)
      if (ix.global && ix.name == g.index_name && g.read_capacity > 0 && def.billing_mode == "PROVISIONED")
        ix.read_capacity = g.read_capacity;
  if (!r.table_class_override.empty() && r.table_class_override != def.table_class) {
    def.table_class = r.table_class_override;
    def.table_class_last_update = now;
  }
}

// The definition of a new replica of `source` in `region`.
storage::TableDef replica_def(const storage::TableDef& source, const Replica& r, const RequestContext& ctx, double now) {
  storage::TableDef t = source;
  t.ns = global::namespace_of(ctx.access_key, r.region);
  t.region = r.region;
  t.table_id = 0;
  t.table_uuid = new_uuid();
  t.creation_time = now;
  const double delay = ctx.config.transient_status_seconds;
  t.status = delay > 0 ? "CREATING" : "ACTIVE";
  t.status_ready_time = now + delay;
  for (auto& ix : t.indexes) ix.status = "ACTIVE";
  t.tags.clear();
  t.deletion_protection = false;
  t.stream_enabled = false;
  t.stream_view_type.clear();
  t.stream_label.clear();
  t.stream_id = 0;
  t.pitr_enabled = false;
  t.pitr_enabled_time = 0;
  t.restore_source_backup_arn.clear();
  t.restore_source_table_arn.clear();
  t.restore_time = 0;
  t.restore_in_progress = false;
  t.restore_source_table_id = 0;
  t.on_demand_switch_times.clear();
  t.last_increase_time = t.last_decrease_time = 0;
  t.decreases_today = 0;
  t.sse_kms = false;
  t.kms_master_key_arn.clear();
  apply_replica_to_def(r, t, now);
  return t;
}

std::string describe_response(const RequestContext& ctx, const std::string& name, std::string_view member) {
  auto t = ctx.engine.find_table(ctx.ns, name);
  if (!t) throw ApiError::resource_not_found("Requested resource not found: Table: " + name + " not found");
  DescribedTable d{.table = t, .stats = ctx.engine.begin_read().stats(*t), .index_stats = std::nullopt, .now = ctx.now(),
                   .status_override = {}};
  return table_description_response(member, d);
}

}  // namespace

Result update_table_replicas(RequestContext& ctx, json::object body) {
  ValidationErrors errors;
  check_request(body, replica_update_specs(), errors);
  for (const char* other : {"BillingMode", "ProvisionedThroughput", "GlobalSecondaryIndexUpdates", "StreamSpecification",
                            "SSESpecification", "TableClass", "DeletionProtectionEnabled", "OnDemandThroughput",
                            "WarmThroughput"})
    if (body[other].error() != simdjson::NO_SUCH_FIELD)
      invalid(std::string("ReplicaUpdates cannot be combined with ") + other + " in one UpdateTable request");
  std::vector<ReplicaAction> actions;
  if (auto list = get_array(body, "ReplicaUpdates"))
    for (json::element e : *list) actions.push_back(decode_replica_action(expect_object(e)));
  std::vector<ReplicaAction> witness;
  if (auto list = get_array(body, "GlobalTableWitnessUpdates"))
    for (json::element e : *list) {
      ReplicaAction a = decode_replica_action(expect_object(e));
      witness.push_back(std::move(a));
    }
  std::optional<std::string> consistency;
  if (auto c = get_string(body, "MultiRegionConsistency")) consistency = std::string(*c);
  refuse_shared(ctx);

  auto table = require_table(ctx, *get_string(body, "TableName"), false);
  const double now = ctx.now();
  if (effective_status(*table, now) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " +
                                    table->name);
  GlobalInfo info;
  if (auto existing = global::info_of(*table)) {
    info = *existing;
    if (info.version == global::kVersion2017)
      invalid("Table " + table->name +
              " is a replica of a global table of version 2017.11.29: use UpdateGlobalTable to change its replicas");
  } else {
    info.version = std::string(global::kVersion2019);
    info.creation_time = now;
    info.replicas.push_back(Replica{.region = table->region});
  }
  if (table->stream_enabled && table->stream_view_type != "NEW_AND_OLD_IMAGES")
    invalid("A replica cannot be created for a table whose stream has StreamViewType " + table->stream_view_type +
            ": global tables need NEW_AND_OLD_IMAGES");
  const double delay = ctx.config.transient_status_seconds;
  std::vector<storage::TableDef> creates;
  std::vector<std::shared_ptr<const storage::TableDef>> removes;
  std::set<std::string> named;
  for (const ReplicaAction& a : actions) {
    check_region(a.region);
    if (a.region == ctx.region)
      throw ApiError::validation(
          "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or "
          "UpdateTable as required.");
    if (!named.insert(a.region).second) invalid("Only one replica update per region is allowed: " + a.region);
    Replica* r = info.find(a.region);
    if (a.kind == ReplicaAction::Kind::create) {
      if (r) invalid("Failed to create a new replica of table " + table->name + " in " + a.region +
                     ": the region already has a replica");
      if (table_in(ctx, a.region, table->name))
        invalid("Failed to create a new replica of table " + table->name + " in " + a.region +
                ": a table with this name already exists in that region");
      Replica nr{.region = a.region, .status = delay > 0 ? "CREATING" : "ACTIVE", .ready_time = now + delay};
      apply_overrides(a, nr, *table);
      info.replicas.push_back(nr);
      creates.push_back(replica_def(*table, nr, ctx, now));
    } else if (!r) {
      invalid("Update or delete of replica in " + a.region + " failed: table " + table->name +
              " has no replica in that region");
    } else if (a.kind == ReplicaAction::Kind::update) {
      apply_overrides(a, *r, *table);
    } else {
      if (auto t = table_in(ctx, a.region, table->name)) {
        if (t->deletion_protection)
          throw ApiError::validation(
              "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection "
              "first.");
        removes.push_back(t);
      }
      info.replicas.erase(info.replicas.begin() + (r - info.replicas.data()));
    }
  }
  for (const ReplicaAction& w : witness) {
    check_region(w.region);
    if (w.kind == ReplicaAction::Kind::create) {
      if (w.region == ctx.region || info.find(w.region))
        invalid("The witness region " + w.region + " cannot be a replica region of the global table");
      info.witness_region = w.region;
    } else {
      if (info.witness_region != w.region) invalid("Region " + w.region + " is not a witness of table " + table->name);
      info.witness_region.clear();
    }
  }
  if (consistency) info.consistency = *consistency;
  if (info.strong() && info.replicas.size() + (info.witness_region.empty() ? 0 : 1) != 3)
    invalid("MultiRegionConsistency STRONG needs exactly three Regions: three replicas, or two replicas and a witness");
  std::sort(info.replicas.begin(), info.replicas.end(), [](const Replica& a, const Replica& b) { return a.region < b.region; });
  const bool still_global = info.replicas.size() > 1 || !info.witness_region.empty();
  const std::string blob = still_global ? global::encode(info) : std::string();

  // The op: every current member gets the new set; new replicas are created
  // (with a stream) and queued for backfill; removed ones deleted.
  std::vector<Member> members;
  for (const Replica& r : info.replicas) {
    bool created = false;
    for (const auto& c : creates) created = created || c.region == r.region;
    if (created) continue;
    if (auto t = table_in(ctx, r.region, table->name)) members.push_back(Member{t->ns, t->name, t->table_id});
  }
  const storage::TableDef source = *table;
  const std::string view = "NEW_AND_OLD_IMAGES";
  // Replicas whose overrides an Update changed: their tables follow.
  std::vector<Replica> updated;
  for (const ReplicaAction& a : actions)
    if (a.kind == ReplicaAction::Kind::update)
      if (const Replica* r = info.find(a.region)) updated.push_back(*r);
  const TxnFn fn = [members, creates, removes, blob, source, view, now, updated](storage::WriteTxn& txn) -> storage::Status {
    for (const auto& t : removes) {
      auto current = txn.find_table(t->ns, t->name);
      if (!current || current->table_id != t->table_id) continue;
      storage::TableDef def = *current;
      if (def.stream_enabled)
        if (auto s = streams::close_stream(txn, def, now); s != storage::Status::ok) return s;
      if (auto s = txn.delete_table(def); s != storage::Status::ok) return s;
      if (auto s = global::erase_stamps(txn, def.table_id); s != storage::Status::ok) return s;
    }
    for (const Member& m : members) {
      auto current = txn.find_table(m.ns, m.name);
      if (!current || current->table_id != m.id) return storage::Status::not_found;
      storage::TableDef def = *current;
      def.global_table = blob;
      if (!blob.empty() && !def.stream_enabled)
        if (auto s = streams::open_stream(txn, def, view, now); s != storage::Status::ok) return s;
      for (const Replica& r : updated)
        if (r.region == def.region) apply_replica_to_def(r, def, now);
      if (auto s = txn.update_table(def); s != storage::Status::ok) return s;
    }
    for (storage::TableDef def : creates) {
      if (txn.find_table(def.ns, def.name)) return storage::Status::aborted;
      def.global_table = blob;
      if (auto s = streams::open_stream(txn, def, view, def.creation_time); s != storage::Status::ok) return s;
      if (auto s = txn.create_table(def); s != storage::Status::ok) return s == storage::Status::already_exists ? storage::Status::aborted : s;
      if (auto s = global::queue_backfill(txn, source, def.region, now); s != storage::Status::ok) return s;
    }
    return storage::Status::ok;
  };
  co_await run_op(ctx, fn, table->name);
  if (!creates.empty()) global::backfill_queued();
  co_return describe_response(ctx, table->name, "TableDescription");
}

// ---- 2019.11.21: replica auto scaling ----

namespace {

void write_auto_scaling_description(JsonWriter& w, const storage::TableDef& t, const GlobalInfo& info, double now) {
  w.begin_object();
  w.key("TableAutoScalingDescription");
  w.begin_object();
  w.key("TableName");
  w.string(t.name);
  w.key("TableStatus");
  w.string(effective_status(t, now));
  w.key("Replicas");
  w.begin_array();
  for (const Replica& r : info.replicas) {
    w.begin_object();
    w.key("RegionName");
    w.string(r.region);
    bool any_gsi = false;
    for (const auto& ix : t.indexes) any_gsi = any_gsi || ix.global;
    if (any_gsi) {
      w.key("GlobalSecondaryIndexes");
      w.begin_array();
      for (const auto& ix : t.indexes) {
        if (!ix.global) continue;
        w.begin_object();
        w.key("IndexName");
        w.string(ix.name);
        w.key("IndexStatus");
        w.string(effective_index_status(t, ix, now));
        for (const auto& g : r.gsis)
          if (g.index_name == ix.name && g.read_scaling.set) {
            w.key("ProvisionedReadCapacityAutoScalingSettings");
            write_scaling(w, g.read_scaling);
          }
        for (const auto& [name, a] : info.gsi_write_scaling)
          if (name == ix.name && a.set) {
            w.key("ProvisionedWriteCapacityAutoScalingSettings");
            write_scaling(w, a);
          }
        w.end_object();
      }
      w.end_array();
    }
    if (r.read_scaling.set) {
      w.key("ReplicaProvisionedReadCapacityAutoScalingSettings");
      write_scaling(w, r.read_scaling);
    }
    if (info.write_scaling.set) {
      w.key("ReplicaProvisionedWriteCapacityAutoScalingSettings");
      write_scaling(w, info.write_scaling);
    }
    w.key("ReplicaStatus");
    w.string(replica_status(r, now));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  w.end_object();
}

GlobalInfo require_2019(const storage::TableDef& t) {
  auto info = global::info_of(t);
  if (!info || info->version != global::kVersion2019)
    invalid("Table " + t.name + " is not a replica of a global table of version 2019.11.21");
  return *info;
}

}  // namespace

Result describe_table_replica_auto_scaling(RequestContext& ctx, json::object body) {
  const std::string name = decode_table_name_request(body);
  refuse_shared(ctx);
  auto t = require_table(ctx, name, false);
  const GlobalInfo info = require_2019(*t);
  JsonWriter w;
  write_auto_scaling_description(w, *t, info, ctx.now());
  co_return w.take();
}

Result update_table_replica_auto_scaling(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      scaling_update_spec("ProvisionedWriteCapacityAutoScalingUpdate"),
      FieldSpec{.name = "GlobalSecondaryIndexUpdates",
                .type = FieldType::List,
                .min_length = 1,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "IndexName", .min_length = 3, .max_length = 255, .name_pattern = true},
                                                  scaling_update_spec("ProvisionedWriteCapacityAutoScalingUpdate")}}}},
      FieldSpec{.name = "ReplicaUpdates",
                .type = FieldType::List,
                .min_length = 1,
                .element = {FieldSpec{
                    .type = FieldType::Struct,
                    .members = {region_spec(), scaling_update_spec("ReplicaProvisionedReadCapacityAutoScalingUpdate"),
                                FieldSpec{.name = "ReplicaGlobalSecondaryIndexUpdates",
                                          .type = FieldType::List,
                                          .min_length = 1,
                                          .element = {FieldSpec{.type = FieldType::Struct,
                                                                .members = {FieldSpec{.name = "IndexName", .min_length = 3, .max_length = 255, .name_pattern = true},
                                                                            scaling_update_spec("ProvisionedReadCapacityAutoScalingUpdate")}}}}}}}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  auto t = require_table(ctx, *get_string(body, "TableName"), false);
  GlobalInfo info = require_2019(*t);
  if (effective_status(*t, ctx.now()) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " + t->name);
  if (t->billing_mode == "PAY_PER_REQUEST")
    invalid("Auto scaling cannot be configured for table " + t->name + " in PAY_PER_REQUEST billing mode");
  auto index_named = [&](std::string_view n) {
    const storage::IndexDef* ix = t->find_index(n);
    if (!ix || !ix->global) invalid("Global secondary index " + std::string(n) + " does not exist on table " + t->name);
  };
  if (auto u = get_object(body, "ProvisionedWriteCapacityAutoScalingUpdate")) apply_scaling(*u, info.write_scaling);
  if (auto list = get_array(body, "GlobalSecondaryIndexUpdates"))
    for (json::element e : *list) {
      json::object g = expect_object(e);
      const std::string n(get_string(g, "IndexName").value_or(""));
      index_named(n);
      auto it = std::find_if(info.gsi_write_scaling.begin(), info.gsi_write_scaling.end(), [&](auto& p) { return p.first == n; });
      if (it == info.gsi_write_scaling.end()) it = info.gsi_write_scaling.insert(it, {n, {}});
      if (auto u = get_object(g, "ProvisionedWriteCapacityAutoScalingUpdate")) apply_scaling(*u, it->second);
    }
  if (auto list = get_array(body, "ReplicaUpdates"))
    for (json::element e : *list) {
      json::object ru = expect_object(e);
      const std::string region(*get_string(ru, "RegionName"));
      check_region(region);
      Replica* r = info.find(region);
      if (!r) invalid("Table " + t->name + " has no replica in region " + region);
      if (auto u = get_object(ru, "ReplicaProvisionedReadCapacityAutoScalingUpdate")) apply_scaling(*u, r->read_scaling);
      if (auto gl = get_array(ru, "ReplicaGlobalSecondaryIndexUpdates"))
        for (json::element ge : *gl) {
          json::object g = expect_object(ge);
          const std::string n(get_string(g, "IndexName").value_or(""));
          index_named(n);
          auto it = std::find_if(r->gsis.begin(), r->gsis.end(), [&](auto& x) { return x.index_name == n; });
          if (it == r->gsis.end()) it = r->gsis.insert(r->gsis.end(), global::GsiOverride{n, 0, {}});
          if (auto u = get_object(g, "ProvisionedReadCapacityAutoScalingUpdate")) apply_scaling(*u, it->read_scaling);
        }
    }
  const std::string blob = global::encode(info);
  const std::vector<Member> members = members_of(ctx, info, t->name);
  const TxnFn op_fn = [members, blob](storage::WriteTxn& txn) {
        for (const Member& m : members)
          if (auto s = rewrite(txn, m.ns, m.name, m.id, [&](storage::TableDef& d) { d.global_table = blob; });
              s != storage::Status::ok)
            return s;
        return storage::Status::ok;
};
  co_await run_op(ctx, op_fn, t->name);
  auto now_t = ctx.engine.find_table(ctx.ns, t->name);
  JsonWriter w;
  write_auto_scaling_description(w, now_t ? *now_t : *t, info, ctx.now());
  co_return w.take();
}

// ---- 2017.11.29: the legacy API ----

namespace {

FieldSpec global_table_name_spec() {
  return FieldSpec{.name = "GlobalTableName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true};
}

std::string global_table_arn(const RequestContext& ctx, std::string_view name) {
  return "arn:aws:dynamodb::" + ctx.config.account_id + ":global-table/" + std::string(name);
}

// The 2017 global table `name` of the caller's access key: a member's
// definition (they all hold the same replica set), or null.
std::shared_ptr<const storage::TableDef> find_2017(const RequestContext& ctx, std::string_view name) {
  const std::string prefix = std::string(ctx.access_key) + "/";
  for (const auto& t : ctx.engine.all_tables()) {
    if (t->name != name || !t->ns.starts_with(prefix) || t->global_table.empty()) continue;
    auto info = global::info_of(*t);
    if (info && info->version == global::kVersion2017) return t;
  }
  return nullptr;
}

std::pair<std::shared_ptr<const storage::TableDef>, GlobalInfo> require_2017(const RequestContext& ctx,
                                                                             std::string_view name) {
  auto t = find_2017(ctx, name);
  if (!t)
    throw ApiError(ErrorCode::GlobalTableNotFoundException, "Global table not found: " + std::string(name));
  return {t, *global::info_of(*t)};
}

void write_global_table_description(JsonWriter& w, const RequestContext& ctx, std::string_view name,
                                    const GlobalInfo& info) {
  w.begin_object();
  w.key("ReplicationGroup");
  w.begin_array();
  for (const Replica& r : info.replicas) {
    w.begin_object();
    w.key("RegionName");
    w.string(r.region);
    w.end_object();
  }
  w.end_array();
  w.key("GlobalTableArn");
  w.string(global_table_arn(ctx, name));
  w.key("CreationDateTime");
  w.number_double(info.creation_time);
  w.key("GlobalTableStatus");
  w.string("ACTIVE");
  w.key("GlobalTableName");
  w.string(name);
  w.end_object();
}

std::string global_table_response(const RequestContext& ctx, std::string_view name, const GlobalInfo& info) {
  JsonWriter w;
  w.begin_object();
  w.key("GlobalTableDescription");
  write_global_table_description(w, ctx, name, info);
  w.end_object();
  return w.take();
}

// The 2017 version's conditions on a table joining a global table: it
// exists, is empty, has a NEW_AND_OLD_IMAGES stream, the same key schema as
// `reference` (when given) and is in no global table yet.
std::shared_ptr<const storage::TableDef> check_joining(const RequestContext& ctx, std::string_view region,
                                                       std::string_view name, const storage::TableDef* reference) {
  check_region(region);
  auto t = table_in(ctx, region, name);
  if (!t)
    throw ApiError(ErrorCode::TableNotFoundException,
                   "Table not found: " + std::string(name) + " does not exist in region " + std::string(region));
  if (!t->stream_enabled || t->stream_view_type != "NEW_AND_OLD_IMAGES")
    invalid("Table " + std::string(name) + " in region " + std::string(region) +
            " must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to be part of a global table");
  if (ctx.engine.begin_read().stats(*t).item_count != 0)
    invalid("Table " + std::string(name) + " in region " + std::string(region) +
            " is not empty: only empty tables can join a global table");
  if (reference && !same_key_schema(reference->key, t->key))
    invalid("The key schema of table " + std::string(name) + " in region " + std::string(region) +
            " differs from the key schema of the global table's other replicas");
  if (!t->global_table.empty())
    invalid("Table " + std::string(name) + " in region " + std::string(region) + " is already a replica of a global table");
  return t;
}

storage::Status set_blob_all(storage::WriteTxn& txn, const std::vector<Member>& members, const std::string& blob) {
  for (const Member& m : members)
    if (auto s = rewrite(txn, m.ns, m.name, m.id, [&](storage::TableDef& d) { d.global_table = blob; });
        s != storage::Status::ok)
      return s;
  return storage::Status::ok;
}

}  // namespace

Result create_global_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      global_table_name_spec(),
      FieldSpec{.name = "ReplicationGroup",
                .type = FieldType::List,
                .not_null = true,
                .element = {FieldSpec{.type = FieldType::Struct, .members = {region_spec()}}}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  const std::string name(*get_string(body, "GlobalTableName"));
  std::vector<std::string> regions;
  const json::array group = *get_array(body, "ReplicationGroup");
  for (json::element e : group) {
    std::string r(*get_string(expect_object(e), "RegionName"));
    if (std::find(regions.begin(), regions.end(), r) != regions.end())
      invalid("Duplicate region in ReplicationGroup: " + r);
    regions.push_back(std::move(r));
  }
  if (regions.empty()) invalid("ReplicationGroup must contain at least one region");
  for (const auto& r : regions) check_region(r);
  if (find_2017(ctx, name))
    throw ApiError(ErrorCode::GlobalTableAlreadyExistsException, "Global table with this name already exists");
  std::vector<Member> members;
  std::shared_ptr<const storage::TableDef> first;
  for (const auto& r : regions) {
    auto t = check_joining(ctx, r, name, first.get());
    if (!first) first = t;
    members.push_back(Member{t->ns, t->name, t->table_id});
  }
  GlobalInfo info;
  info.version = std::string(global::kVersion2017);
  info.creation_time = ctx.now();
  for (const auto& r : regions) info.replicas.push_back(Replica{.region = r});
  std::sort(info.replicas.begin(), info.replicas.end(), [](const Replica& a, const Replica& b) { return a.region < b.region; });
  const std::string blob = global::encode(info);
  const TxnFn op_fn = [members, blob](storage::WriteTxn& txn) { return set_blob_all(txn, members, blob); };
  co_await run_op(ctx, op_fn, name);
  co_return global_table_response(ctx, name, info);
}

Result describe_global_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {global_table_name_spec()};
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  const std::string name(*get_string(body, "GlobalTableName"));
  auto found = require_2017(ctx, name);
  const std::shared_ptr<const storage::TableDef> t = found.first;
  GlobalInfo info = std::move(found.second);
  co_return global_table_response(ctx, name, info);
}

Result list_global_tables(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "ExclusiveStartGlobalTableName", .min_length = 3, .max_length = 255, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1},
      FieldSpec{.name = "RegionName"},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  const std::string start(get_string(body, "ExclusiveStartGlobalTableName").value_or(""));
  const int64_t limit = std::min<int64_t>(get_long(body, "Limit").value_or(100), 100);
  const std::optional<std::string_view> region = get_string(body, "RegionName");
  std::map<std::string, GlobalInfo> groups;
  const std::string prefix = std::string(ctx.access_key) + "/";
  for (const auto& t : ctx.engine.all_tables()) {
    if (!t->ns.starts_with(prefix) || t->global_table.empty() || t->name <= start) continue;
    auto info = global::info_of(*t);
    if (!info || info->version != global::kVersion2017) continue;
    if (region && !info->find(*region)) continue;
    groups.emplace(t->name, *info);
  }
  JsonWriter w;
  w.begin_object();
  w.key("GlobalTables");
  w.begin_array();
  int64_t n = 0;
  std::string last;
  for (const auto& [name, info] : groups) {
    if (n == limit) break;
    ++n;
    last = name;
    w.begin_object();
    w.key("GlobalTableName");
    w.string(name);
    w.key("ReplicationGroup");
    w.begin_array();
    for (const Replica& r : info.replicas) {
      w.begin_object();
      w.key("RegionName");
      w.string(r.region);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  if (n == limit && static_cast<int64_t>(groups.size()) > limit) {
    w.key("LastEvaluatedGlobalTableName");
    w.string(last);
  }
  w.end_object();
  co_return w.take();
}

Result update_global_table(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      global_table_name_spec(),
      FieldSpec{.name = "ReplicaUpdates",
                .type = FieldType::List,
                .not_null = true,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {replica_action_spec("Create", false), replica_action_spec("Delete", false)}}}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  const std::string name(*get_string(body, "GlobalTableName"));
  std::vector<ReplicaAction> actions;
  const json::array updates = *get_array(body, "ReplicaUpdates");
  for (json::element e : updates) actions.push_back(decode_replica_action(expect_object(e)));
  auto found = require_2017(ctx, name);
  const std::shared_ptr<const storage::TableDef> t = found.first;
  GlobalInfo info = std::move(found.second);
  std::vector<Member> leaving;
  for (const ReplicaAction& a : actions) {
    check_region(a.region);
    if (a.kind == ReplicaAction::Kind::create) {
      if (info.find(a.region))
        throw ApiError(ErrorCode::ReplicaAlreadyExistsException, "Replica already exists in region " + a.region);
      check_joining(ctx, a.region, name, t.get());
      info.replicas.push_back(Replica{.region = a.region});
    } else {
      const Replica* r = info.find(a.region);
      if (!r) throw ApiError(ErrorCode::ReplicaNotFoundException, "Replica not found in region " + a.region);
      if (auto lt = table_in(ctx, a.region, name)) leaving.push_back(Member{lt->ns, lt->name, lt->table_id});
      info.replicas.erase(info.replicas.begin() + (r - info.replicas.data()));
    }
  }
  if (info.replicas.empty())
    invalid("Cannot remove the last replica of global table " + name + ": a global table needs at least one replica");
  std::sort(info.replicas.begin(), info.replicas.end(), [](const Replica& a, const Replica& b) { return a.region < b.region; });
  const std::string blob = global::encode(info);
  const std::vector<Member> members = members_of(ctx, info, name);
  const TxnFn op_fn = [members, leaving, blob](storage::WriteTxn& txn) {
        if (auto s = set_blob_all(txn, members, blob); s != storage::Status::ok) return s;
        for (const Member& m : leaving) {
          if (auto s = rewrite(txn, m.ns, m.name, m.id, [](storage::TableDef& d) { d.global_table.clear(); });
              s != storage::Status::ok)
            return s;
          if (auto s = global::erase_stamps(txn, m.id); s != storage::Status::ok) return s;
        }
        return storage::Status::ok;
};
  co_await run_op(ctx, op_fn, name);
  co_return global_table_response(ctx, name, info);
}

namespace {

std::string global_settings_response(const RequestContext& ctx, const std::string& name) {
  auto found = require_2017(ctx, name);
  const std::shared_ptr<const storage::TableDef> t = found.first;
  GlobalInfo info = std::move(found.second);
  const double now = ctx.now();
  JsonWriter w;
  w.begin_object();
  w.key("GlobalTableName");
  w.string(name);
  w.key("ReplicaSettings");
  w.begin_array();
  for (const Replica& r : info.replicas) {
    auto rt = table_in(ctx, r.region, name);
    w.begin_object();
    w.key("RegionName");
    w.string(r.region);
    w.key("ReplicaStatus");
    w.string(rt ? effective_status(*rt, now) : "DELETING");
    if (rt) {
      w.key("ReplicaBillingModeSummary");
      w.begin_object();
      w.key("BillingMode");
      w.string(rt->billing_mode);
      if (rt->billing_mode_last_update > 0) {
        w.key("LastUpdateToPayPerRequestDateTime");
        w.number_double(rt->billing_mode_last_update);
      }
      w.end_object();
      w.key("ReplicaProvisionedReadCapacityUnits");
      w.number(rt->read_capacity);
      if (r.read_scaling.set) {
        w.key("ReplicaProvisionedReadCapacityAutoScalingSettings");
        write_scaling(w, r.read_scaling);
      }
      w.key("ReplicaProvisionedWriteCapacityUnits");
      w.number(rt->write_capacity);
      if (info.write_scaling.set) {
        w.key("ReplicaProvisionedWriteCapacityAutoScalingSettings");
        write_scaling(w, info.write_scaling);
      }
      bool any_gsi = false;
      for (const auto& ix : rt->indexes) any_gsi = any_gsi || ix.global;
      if (any_gsi) {
        w.key("ReplicaGlobalSecondaryIndexSettings");
        w.begin_array();
        for (const auto& ix : rt->indexes) {
          if (!ix.global) continue;
          w.begin_object();
          w.key("IndexName");
          w.string(ix.name);
          w.key("IndexStatus");
          w.string(effective_index_status(*rt, ix, now));
          w.key("ProvisionedReadCapacityUnits");
          w.number(ix.read_capacity);
          w.key("ProvisionedWriteCapacityUnits");
          w.number(ix.write_capacity);
          w.end_object();
        }
        w.end_array();
      }
      w.key("ReplicaTableClassSummary");
      w.begin_object();
      w.key("TableClass");
      w.string(rt->table_class);
      w.end_object();
    }
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace

Result describe_global_table_settings(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {global_table_name_spec()};
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  co_return global_settings_response(ctx, std::string(*get_string(body, "GlobalTableName")));
}

Result update_global_table_settings(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      global_table_name_spec(),
      FieldSpec{.name = "GlobalTableBillingMode", .enum_values = {"PROVISIONED", "PAY_PER_REQUEST"}},
      FieldSpec{.name = "GlobalTableProvisionedWriteCapacityUnits", .type = FieldType::Long, .min_value = 1},
      scaling_update_spec("GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate"),
      FieldSpec{.name = "GlobalTableGlobalSecondaryIndexSettingsUpdate",
                .type = FieldType::List,
                .min_length = 1,
                .max_length = 20,
                .element = {FieldSpec{.type = FieldType::Struct,
                                      .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true},
                                                  FieldSpec{.name = "ProvisionedWriteCapacityUnits", .type = FieldType::Long, .min_value = 1},
                                                  scaling_update_spec("ProvisionedWriteCapacityAutoScalingSettingsUpdate")}}}},
      FieldSpec{.name = "ReplicaSettingsUpdate",
                .type = FieldType::List,
                .min_length = 1,
                .max_length = 50,
                .element = {FieldSpec{
                    .type = FieldType::Struct,
                    .members = {region_spec(),
                                FieldSpec{.name = "ReplicaProvisionedReadCapacityUnits", .type = FieldType::Long, .min_value = 1},
                                scaling_update_spec("ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate"),
                                FieldSpec{.name = "ReplicaGlobalSecondaryIndexSettingsUpdate",
                                          .type = FieldType::List,
                                          .min_length = 1,
                                          .max_length = 20,
                                          .element = {FieldSpec{.type = FieldType::Struct,
                                                                .members = {FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true},
                                                                            FieldSpec{.name = "ProvisionedReadCapacityUnits", .type = FieldType::Long, .min_value = 1},
                                                                            scaling_update_spec("ProvisionedReadCapacityAutoScalingSettingsUpdate")}}}},
                                FieldSpec{.name = "ReplicaTableClass", .enum_values = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}}}}}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  refuse_shared(ctx);
  const std::string name(*get_string(body, "GlobalTableName"));
  auto found = require_2017(ctx, name);
  const std::shared_ptr<const storage::TableDef> t = found.first;
  GlobalInfo info = std::move(found.second);
  const std::optional<std::string> mode =
      get_string(body, "GlobalTableBillingMode") ? std::optional<std::string>(*get_string(body, "GlobalTableBillingMode")) : std::nullopt;
  const std::optional<int64_t> wcu = get_long(body, "GlobalTableProvisionedWriteCapacityUnits");
  const std::string effective_mode = mode.value_or(t->billing_mode);
  if (effective_mode == "PAY_PER_REQUEST" && (wcu || get_object(body, "GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate")))
    invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  if (auto u = get_object(body, "GlobalTableProvisionedWriteCapacityAutoScalingSettingsUpdate")) apply_scaling(*u, info.write_scaling);
  // Per-replica read settings, by region.
  struct ReplicaSetting {
    std::optional<int64_t> rcu;
    std::optional<std::string> table_class;
    std::vector<std::pair<std::string, int64_t>> gsi_rcu;
  };
  std::map<std::string, ReplicaSetting> per_region;
  std::vector<std::pair<std::string, int64_t>> gsi_wcu;
  if (auto list = get_array(body, "GlobalTableGlobalSecondaryIndexSettingsUpdate"))
    for (json::element e : *list) {
      json::object g = expect_object(e);
      const std::string n(*get_string(g, "IndexName"));
      const storage::IndexDef* ix = t->find_index(n);
      if (!ix || !ix->global) invalid("Global secondary index " + n + " does not exist on global table " + name);
      if (auto v = get_long(g, "ProvisionedWriteCapacityUnits")) {
        if (effective_mode == "PAY_PER_REQUEST")
          invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
        gsi_wcu.emplace_back(n, *v);
      }
    }
  if (auto list = get_array(body, "ReplicaSettingsUpdate"))
    for (json::element e : *list) {
      json::object ru = expect_object(e);
      const std::string region(*get_string(ru, "RegionName"));
      check_region(region);
      Replica* r = info.find(region);
      if (!r) throw ApiError(ErrorCode::ReplicaNotFoundException, "Replica not found in region " + region);
      ReplicaSetting& s = per_region[region];
      s.rcu = get_long(ru, "ReplicaProvisionedReadCapacityUnits");
      if (s.rcu && effective_mode == "PAY_PER_REQUEST")
        invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
      if (auto c = get_string(ru, "ReplicaTableClass")) s.table_class = std::string(*c);
      if (auto u = get_object(ru, "ReplicaProvisionedReadCapacityAutoScalingSettingsUpdate")) apply_scaling(*u, r->read_scaling);
      if (auto gl = get_array(ru, "ReplicaGlobalSecondaryIndexSettingsUpdate"))
        for (json::element ge : *gl) {
          json::object g = expect_object(ge);
          const std::string n(*get_string(g, "IndexName"));
          const storage::IndexDef* ix = t->find_index(n);
          if (!ix || !ix->global) invalid("Global secondary index " + n + " does not exist on global table " + name);
          if (auto v = get_long(g, "ProvisionedReadCapacityUnits")) s.gsi_rcu.emplace_back(n, *v);
        }
    }
  if (mode == "PROVISIONED" && t->billing_mode == "PAY_PER_REQUEST" && !wcu)
    invalid("GlobalTableProvisionedWriteCapacityUnits must be specified when switching to PROVISIONED billing mode");
  const std::string blob = global::encode(info);
  const std::vector<Member> members = members_of(ctx, info, name);
  const double now = ctx.now();
  const TxnFn op_fn = [members, blob, mode, wcu, per_region, gsi_wcu, now](storage::WriteTxn& txn) {
        for (const Member& m : members) {
          auto s = rewrite(txn, m.ns, m.name, m.id, [&](storage::TableDef& d) {
            d.global_table = blob;
            if (mode && *mode != d.billing_mode) {
              if (*mode == "PAY_PER_REQUEST") {
                d.billing_mode_last_update = now;
                d.read_capacity = d.write_capacity = 0;
                for (auto& ix : d.indexes) ix.read_capacity = ix.write_capacity = 0;
              } else if (d.read_capacity == 0) {
                d.read_capacity = *wcu;
                for (auto& ix : d.indexes)
                  if (ix.global) ix.read_capacity = ix.write_capacity = *wcu;
              }
              d.billing_mode = *mode;
            }
            if (wcu) d.write_capacity = *wcu;
            for (const auto& [n, v] : gsi_wcu)
              for (auto& ix : d.indexes)
                if (ix.global && ix.name == n) ix.write_capacity = v;
            auto it = per_region.find(d.region);
            if (it != per_region.end()) {
              if (it->second.rcu) d.read_capacity = *it->second.rcu;
              if (it->second.table_class && *it->second.table_class != d.table_class) {
                d.table_class = *it->second.table_class;
                d.table_class_last_update = now;
              }
              for (const auto& [n, v] : it->second.gsi_rcu)
                for (auto& ix : d.indexes)
                  if (ix.global && ix.name == n) ix.read_capacity = v;
            }
          });
          if (s != storage::Status::ok) return s;
        }
        return storage::Status::ok;
};
  co_await run_op(ctx, op_fn, name);
  co_return global_settings_response(ctx, name);
}

}  // namespace ddbd::api::ops
