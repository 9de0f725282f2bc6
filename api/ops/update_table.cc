// UpdateTable
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTable.html
//
// Changes the billing mode and provisioned throughput (and, later, index
// definitions: GlobalSecondaryIndexUpdates are issue #5).
//
// Order of checks (dynalite validations/updateTable.js and actions/updateTable.js):
//   1. types and constraints (TableName, throughput >= 1, BillingMode enum);
//   2. at least one change requested; an empty GlobalSecondaryIndexUpdates
//      with another change; one concern per request (check_one_concern);
//   3. the table exists; it is ACTIVE;
//   4. billing mode / throughput combination; a throughput equal to the
//      current one is rejected;
//      A decrease beyond DynamoDB's daily budget is LimitExceededException;
//   5. TableClass, SSESpecification, OnDemandThroughput (PAY_PER_REQUEST
//      only), WarmThroughput (api/table_settings.hh).
#include "api/ops/update_table.hh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "api/ops/global_ops.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/table_ops.hh"
#include "api/table_schema.hh"
#include "streams/stream_store.hh"

namespace ddbd::api::ops {

namespace {

const std::vector<FieldSpec>& specs() {
  static const std::vector<FieldSpec> s = {
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
                                                      gsi_key_schema_spec(), projection_spec(), throughput_spec()}},
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
      FieldSpec{.name = "ReplicaUpdates", .type = FieldType::List, .min_length = 1},
      FieldSpec{.name = "DeletionProtectionEnabled", .type = FieldType::Boolean},
      FieldSpec{.name = "TableClass", .enum_values = {"STANDARD", "STANDARD_INFREQUENT_ACCESS"}},
      on_demand_throughput_spec(),
      warm_throughput_spec(),
  };
  return s;
}

std::optional<ThroughputRequest> decode_throughput(json::object o) {
  auto t = get_object(o, "ProvisionedThroughput");
  if (!t) return std::nullopt;
  return ThroughputRequest{*get_long(*t, "ReadCapacityUnits"), *get_long(*t, "WriteCapacityUnits")};
}

GsiUpdateAction decode_gsi_update(json::object u) {
  GsiUpdateAction a;
  if (auto create = get_object(u, "Create")) {
    a.create = GsiCreateRequest{.index_name = std::string(*get_string(*create, "IndexName")),
                                .key_schema = read_key_schema(*get_array(*create, "KeySchema")),
                                .projection = decode_projection(*get_object(*create, "Projection")),
                                .provisioned_throughput = decode_throughput(*create)};
  }
  if (auto update = get_object(u, "Update"))
    a.update = GsiUpdateRequest{std::string(*get_string(*update, "IndexName")), decode_throughput(*update)};
  if (auto remove = get_object(u, "Delete")) a.delete_index_name = std::string(*get_string(*remove, "IndexName"));
  return a;
}

// An Update or Delete of an index the table does not have: an LSI is a
// ValidationException, an unknown name ResourceNotFoundException.
[[noreturn]] void index_not_found(const storage::TableDef& def, const std::string& name, const char* verb) {
  for (const auto& x : def.indexes)
    if (!x.global && x.name == name)
      throw ApiError::validation(std::string("Cannot ") + verb + " an index that is not a GlobalSecondaryIndex: " + name);
  throw ApiError::resource_not_found("Requested resource not found: Index " + name + " for table " + def.name);
}

// A time as DynamoDB's LimitExceededException messages show it: "Friday,
// October 9, 2026 at 1:21:34 AM Coordinated Universal Time".
std::string limit_time_text(double t) {
  static constexpr const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  static constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                            "July",    "August",   "September", "October", "November", "December"};
  const auto secs = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  const int hour = tm.tm_hour % 12 == 0 ? 12 : tm.tm_hour % 12;
  char buf[128];
  std::snprintf(buf, sizeof buf, "%s, %s %d, %d at %d:%02d:%02d %s Coordinated Universal Time", kDays[tm.tm_wday],
                kMonths[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, hour, tm.tm_min, tm.tm_sec,
                tm.tm_hour < 12 ? "AM" : "PM");
  return buf;
}

// DynamoDB's decrease budget: four decreases per table per UTC day, then
// one more each 3600 seconds after the last accepted one; the count resets
// at 00:00 UTC.  A refused decrease changes nothing.
constexpr int64_t kFreeDecreasesPerDay = 4;
constexpr double kDecreaseInterval = 3600;

void check_decrease_allowed(const storage::TableDef& def, double now) {
  const int64_t today = decreases_today(def, now);
  if (today < kFreeDecreasesPerDay || now >= def.last_decrease_time + kDecreaseInterval) return;
  const double midnight = (std::floor(now / 86400) + 1) * 86400;
  const double next = std::min(std::floor(def.last_decrease_time) + kDecreaseInterval, midnight);
  throw ApiError(ErrorCode::LimitExceededException,
                 "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. "
                 "After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most "
                 "once every 3600 seconds. Number of decreases today: " +
                     std::to_string(today) + ". Last decrease at " + limit_time_text(def.last_decrease_time) +
                     ". Next decrease can be made at " + limit_time_text(next));
}

// DynamoDB's limit on switching to on-demand: 4 switches from PROVISIONED
// to PAY_PER_REQUEST in a rolling 24 hours (switching back is not limited).
// Records the switch in `def` when allowed.
constexpr std::size_t kOnDemandSwitchesPerDay = 4;
constexpr double kOnDemandSwitchWindow = 86400;

void record_on_demand_switch(storage::TableDef& def, double now) {
  auto& times = def.on_demand_switch_times;
  std::erase_if(times, [&](double t) { return t <= now - kOnDemandSwitchWindow; });
  if (times.size() >= kOnDemandSwitchesPerDay)
    throw ApiError(ErrorCode::LimitExceededException,
                   "Subscriber limit exceeded: Update to PayPerRequest mode are limited to " +
                       std::to_string(kOnDemandSwitchesPerDay) + " times in 1 day(s).");
  times.push_back(now);
}

// BillingMode and ProvisionedThroughput against the table's current ones.
void apply_billing(const UpdateTableRequest& req, storage::TableDef& def, double now) {
  const std::string mode = req.billing_mode.value_or(def.billing_mode);
  const auto& throughput = req.provisioned_throughput;
  if (mode == "PAY_PER_REQUEST") {
    if (throughput)
      throw ApiError::validation(
          "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    if (def.billing_mode != mode) {
      record_on_demand_switch(def, now);
      def.billing_mode_last_update = now;
      def.read_capacity = def.write_capacity = 0;
    }
  } else {
    if ((def.billing_mode == "PAY_PER_REQUEST" || req.billing_mode) && !throughput)
      throw ApiError::validation(
          "One or more parameter values were invalid: ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
    if (throughput) {
      const int64_t rcu = throughput->read_capacity_units;
      const int64_t wcu = throughput->write_capacity_units;
      if (rcu > 1000000000000)
        throw ApiError::validation("Given value " + std::to_string(rcu) + " for ReadCapacityUnits is out of bounds");
      if (wcu > 1000000000000)
        throw ApiError::validation("Given value " + std::to_string(wcu) + " for WriteCapacityUnits is out of bounds");
      if (def.billing_mode == "PROVISIONED" && rcu == def.read_capacity && wcu == def.write_capacity &&
          !req.deletion_protection_enabled && !req.table_class && req.settings.empty())
        throw ApiError::validation(
            "The provisioned throughput for the table will not change. The requested value equals the current value. "
            "Current ReadCapacityUnits provisioned for the table: " + std::to_string(def.read_capacity) +
            ". Requested ReadCapacityUnits: " + std::to_string(rcu) +
            ". Current WriteCapacityUnits provisioned for the table: " + std::to_string(def.write_capacity) +
            ". Requested WriteCapacityUnits: " + std::to_string(wcu) +
            ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
      if (rcu > def.read_capacity || wcu > def.write_capacity) def.last_increase_time = now;
      if (def.billing_mode == "PROVISIONED" && (rcu < def.read_capacity || wcu < def.write_capacity)) {
        check_decrease_allowed(def, now);
        def.decreases_today = decreases_today(def, now) + 1;
        def.last_decrease_time = now;
      }
      def.read_capacity = rcu;
      def.write_capacity = wcu;
    }
  }
  def.billing_mode = mode;
}

// A switch from PAY_PER_REQUEST to PROVISIONED needs an Update with
// ProvisionedThroughput for every GSI the table has; DynamoDB names the
// others, in the table's order, separated by commas.
void check_gsi_throughput_on_switch(const UpdateTableRequest& req, const storage::TableDef& def) {
  std::string missing;
  for (const auto& ix : def.indexes) {
    if (!ix.global) continue;
    bool given = false;
    if (req.global_secondary_index_updates)
      for (const GsiUpdateAction& a : *req.global_secondary_index_updates)
        given = given || (a.update && a.update->index_name == ix.name && a.update->provisioned_throughput) ||
                (a.delete_index_name && *a.delete_index_name == ix.name);
    if (!given) missing += (missing.empty() ? "" : ",") + ix.name;
  }
  if (!missing.empty()) invalid("ProvisionedThroughput must be specified for index: " + missing);
}

// What applying GlobalSecondaryIndexUpdates to a definition tracks.
struct GsiChanges {
  std::map<std::string, AttrType> types;  // the table's definitions, then the request's new ones
  std::vector<std::string> defined;
  std::vector<std::pair<std::string, AttrType>> requested;  // the request's AttributeDefinitions
  uint32_t next_id = 1;
  int online = 0;  // indexes created or deleted
  std::vector<uint32_t> created, dropped;
};

storage::IndexDef* find_gsi(storage::TableDef& def, std::string_view name) {
  for (auto& ix : def.indexes)
    if (ix.global && ix.name == name) return &ix;
  return nullptr;
}

// "Schema:[SchemaElement: key{a:S:HASH}, SchemaElement: key{b:N:RANGE}]", as
// DynamoDB prints a key schema in "Attributes cannot be redefined".
std::string schema_text(const std::vector<std::pair<std::string, std::string>>& elements,
                        const std::map<std::string, AttrType>& types) {
  std::string s = "Schema:[";
  for (std::size_t i = 0; i < elements.size(); ++i) {
    auto t = types.find(elements[i].first);
    s += (i ? ", " : "") + std::string("SchemaElement: key{") + elements[i].first + ":" +
         std::string(t == types.end() ? "" : attr_type_name(t->second)) + ":" + elements[i].second + "}";
  }
  return s + "]";
}

std::vector<std::pair<std::string, std::string>> schema_elements(const storage::KeySchema& k) {
  std::vector<std::pair<std::string, std::string>> e;
  k.for_each([&](const storage::KeyAttr& a, bool hash) { e.emplace_back(a.name, hash ? "HASH" : "RANGE"); });
  return e;
}

// A new index needs the request's AttributeDefinitions, and they may not give
// an attribute the index uses another type than the table already has for it
// (the request's other definitions are ignored, as DynamoDB ignores them).
void check_new_index_definitions(const GsiCreateRequest& c, const storage::TableDef& def, const GsiChanges& ch) {
  if (ch.requested.empty()) invalid("AttributeDefinitions is not specified for index: " + c.index_name);
  for (const RawKey& k : c.key_schema) {
    auto req = std::find_if(ch.requested.begin(), ch.requested.end(), [&](const auto& d) { return d.first == k.name; });
    auto cur = ch.types.find(k.name);
    if (req == ch.requested.end() || cur == ch.types.end() || cur->second == req->second) continue;
    // The existing schema that uses the attribute: the table's, else an index's.
    storage::KeySchema existing = def.key;
    if (!existing.contains(k.name))
      for (const auto& x : def.indexes)
        if (x.key.contains(k.name)) {
          existing = x.key;
          break;
        }
    std::map<std::string, AttrType> requested_types = ch.types;
    for (const auto& [n, t] : ch.requested) requested_types[n] = t;
    std::vector<std::pair<std::string, std::string>> wanted;
    for (const RawKey& x : c.key_schema) wanted.emplace_back(x.name, x.type);
    invalid("Attributes cannot be redefined. Please check that your attribute has the same type as previously "
            "defined. Existing schema: " + schema_text(schema_elements(existing), ch.types) +
            " New schema: " + schema_text(wanted, requested_types));
  }
}

void create_gsi(const GsiCreateRequest& c, storage::TableDef& def, GsiChanges& ch) {
  ++ch.online;
  storage::IndexDef ix;
  ix.global = true;
  ix.name = c.index_name;
  for (const auto& x : def.indexes)
    if (x.name == ix.name) throw ApiError::validation("Attempting to create an index which already exists");
  check_new_index_definitions(c, def, ch);
  check_gsi_key_schema(c.key_schema, ch.defined);
  ix.key = to_key_schema(c.key_schema, ch.types);
  apply_projection(c.projection, ix);
  const auto& ipt = c.provisioned_throughput;
  if (def.billing_mode == "PAY_PER_REQUEST" && ipt)
    invalid("ProvisionedThroughput should not be specified for index: " + ix.name + " when BillingMode is PAY_PER_REQUEST");
  if (def.billing_mode != "PAY_PER_REQUEST") {
    if (!ipt) invalid("Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: " + ix.name);
    ix.read_capacity = ipt->read_capacity_units;
    ix.write_capacity = ipt->write_capacity_units;
  }
  ix.index_id = ch.next_id++;
  ix.status = "CREATING";
  ch.created.push_back(ix.index_id);
  def.indexes.push_back(std::move(ix));
  std::size_t gsis = 0;
  for (const auto& x : def.indexes) gsis += x.global ? 1 : 0;
  if (gsis > limits::kMaxGlobalSecondaryIndexes)
    throw ApiError(ErrorCode::LimitExceededException,
                   "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20");
}

void update_gsi(const GsiUpdateRequest& u, storage::TableDef& def) {
  storage::IndexDef* ix = find_gsi(def, u.index_name);
  if (!ix) index_not_found(def, u.index_name, "update");
  if (def.billing_mode == "PAY_PER_REQUEST" && u.provisioned_throughput)
    invalid("The only Updates for index: " + u.index_name +
            " when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput");
  // ProvisionedThroughput may be absent here (its spec does not require
  // it); the index's capacity then stays as it is.
  if (!u.provisioned_throughput) return;
  const int64_t rcu = u.provisioned_throughput->read_capacity_units;
  const int64_t wcu = u.provisioned_throughput->write_capacity_units;
  if (rcu == ix->read_capacity && wcu == ix->write_capacity)
    throw ApiError::validation(
        "The provisioned throughput for the index " + u.index_name +
        " will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for "
        "index " + u.index_name + ": " + std::to_string(rcu) + ". Requested ReadCapacityUnits: " + std::to_string(rcu) +
        ". Current WriteCapacityUnits provisioned for index " + u.index_name + ": " + std::to_string(wcu) +
        ". Requested WriteCapacityUnits: " + std::to_string(wcu) +
        ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
  ix->read_capacity = u.provisioned_throughput->read_capacity_units;
  ix->write_capacity = u.provisioned_throughput->write_capacity_units;
}

void delete_gsi(const std::string& name, storage::TableDef& def, GsiChanges& ch) {
  ++ch.online;
  storage::IndexDef* ix = find_gsi(def, name);
  if (!ix) index_not_found(def, name, "delete");
  ch.dropped.push_back(ix->index_id);
  def.indexes.erase(def.indexes.begin() + (ix - def.indexes.data()));
}

// Each GlobalSecondaryIndexUpdates entry names one action, and no index is
// named by two entries (DynamoDB's wording, before any action applies).
void check_gsi_update_actions(const std::vector<GsiUpdateAction>& actions) {
  std::set<std::string> names;
  for (const GsiUpdateAction& a : actions) {
    const int n = (a.create ? 1 : 0) + (a.update ? 1 : 0) + (a.delete_index_name ? 1 : 0);
    if (n == 0)
      invalid("One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
              "GlobalSecondaryIndexUpdate.Delete must not be null");
    if (n > 1) invalid("Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object");
    const std::string& name = a.create ? a.create->index_name : a.update ? a.update->index_name : *a.delete_index_name;
    if (!names.insert(name).second)
      invalid("Only one global secondary index update per index is allowed simultaneously. Index: " + name);
  }
}

// GlobalSecondaryIndexUpdates with the request's AttributeDefinitions; at
// most one index created or deleted; then the attribute definitions become
// exactly the attributes some key uses.
GsiChanges apply_gsi_updates(const UpdateTableRequest& req, storage::TableDef& def) {
  GsiChanges ch;
  for (const auto& [n, t] : def.attribute_definitions) {
    ch.types[n] = t;
    ch.defined.push_back(n);
  }
  // A definition of an attribute the table already has keeps the table's
  // type (a new index that needs another type: check_new_index_definitions).
  ch.requested = req.attribute_definitions;
  for (const auto& [n, t] : req.attribute_definitions)
    if (ch.types.emplace(n, t).second) ch.defined.push_back(n);
  for (const auto& ix : def.indexes) ch.next_id = std::max(ch.next_id, ix.index_id + 1);
  check_gsi_update_actions(*req.global_secondary_index_updates);
  for (const GsiUpdateAction& a : *req.global_secondary_index_updates) {
    if (a.create)
      create_gsi(*a.create, def, ch);
    else if (a.update)
      update_gsi(*a.update, def);
    else
      delete_gsi(*a.delete_index_name, def, ch);
  }
  if (ch.online > 1)
    throw ApiError(ErrorCode::LimitExceededException,
                   "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
  if (!ch.created.empty()) check_projected_attribute_count(def.indexes);
  std::set<std::string> used{def.key.hash.name};
  if (def.key.range) used.insert(def.key.range->name);
  for (const auto& ix : def.indexes) {
    ix.key.for_each([&](const storage::KeyAttr& k, bool) { used.insert(k.name); });
  }
  def.attribute_definitions.clear();
  for (const auto& n : ch.defined)
    if (used.count(n)) def.attribute_definitions.emplace_back(n, ch.types[n]);
  return ch;
}

// StreamSpecification against the table's stream (DynamoDB refuses to
// enable an enabled stream, even with another view type, and to disable a
// stream that is not enabled).  Sets what DescribeTable shows on `def`.
StreamChange apply_stream_change(const UpdateTableRequest& req, storage::TableDef& def, double now) {
  if (!req.stream_enabled) return {};
  if (*req.stream_enabled) {
    if (def.stream_enabled) throw ApiError::validation("Table already has an enabled stream: TableName: " + def.name);
    def.stream_enabled = true;
    def.stream_view_type = req.stream_view_type;
    def.stream_label = streams::stream_label(now);
    return StreamChange{StreamChange::Kind::enable, req.stream_view_type, now};
  }
  if (!def.stream_enabled) throw ApiError::validation("Table has no stream to disable: TableName: " + def.name);
  if (!def.global_table.empty()) invalid("Disabling Stream is not allowed for a Global Table replica.");
  def.stream_enabled = false;
  return StreamChange{StreamChange::Kind::disable, "", now};
}

// "At least one of ... is required", listing the members that would make
// the request an update; DynamoDB leaves out the ones the request has.
std::string nothing_to_update_message(json::object body) {
  static constexpr const char* kMembers[] = {
      "ProvisionedThroughput",     "BillingMode",          "UpdateStreamEnabled",       "GlobalSecondaryIndexUpdates",
      "SSESpecification",          "ReplicaUpdates",       "MultiAccountReplicaReady",  "ReplicaTransitRoleArn",
      "MultiRegionConsistency",    "DeletionProtectionEnabled", "OnDemandThroughput",   "WarmThroughput",
      "TableClass"};
  std::vector<std::string> listed;
  for (const char* m : kMembers) {
    const std::string_view name(m);
    const bool omitted = (name == "MultiAccountReplicaReady" || name == "ReplicaTransitRoleArn" ||
                          name == "MultiRegionConsistency") &&
                         body[name].error() != simdjson::NO_SUCH_FIELD;
    if (!omitted) listed.emplace_back(m);
  }
  std::string s = "At least one of ";
  for (std::size_t i = 0; i < listed.size(); ++i)
    s += (i == 0 ? "" : i + 1 == listed.size() ? " or " : ", ") + listed[i];
  return s + " is required";
}

// DynamoDB changes one thing per UpdateTable: SSESpecification, TableClass,
// DeletionProtectionEnabled and WarmThroughput each must come alone (named
// in that order of precedence), OnDemandThroughput combines only with
// BillingMode, a stream change not with a throughput change, and a GSI
// Create or Delete neither with those nor with a table throughput change.
// BillingMode, table throughput and GSI Updates combine.  An empty
// WarmThroughput or OnDemandThroughput counts as absent.  (Published AWS
// answers to every pair: ack-api-quirks' DDB-TABLE-174, -382, -433.)
void check_one_concern(const UpdateTableRequest& req) {
  const TableSettingsRequest& st = req.settings;
  const bool warm = st.has_warm && (st.warm_read || st.warm_write);
  const bool on_demand = st.has_on_demand && (st.on_demand_max_read || st.on_demand_max_write);
  bool create_or_delete = false, create = false;
  const bool gsi_updates = req.global_secondary_index_updates && !req.global_secondary_index_updates->empty();
  if (gsi_updates)
    for (const GsiUpdateAction& a : *req.global_secondary_index_updates) {
      create = create || a.create.has_value();
      create_or_delete = create_or_delete || a.create || a.delete_index_name;
    }
  const int members = (req.billing_mode ? 1 : 0) + (req.provisioned_throughput ? 1 : 0) +
                      (req.stream_enabled ? 1 : 0) + (gsi_updates ? 1 : 0) + (st.sse ? 1 : 0) +
                      (req.table_class ? 1 : 0) + (req.deletion_protection_enabled ? 1 : 0) + (warm ? 1 : 0) +
                      (on_demand ? 1 : 0);
  if (members < 2) return;
  if (st.sse) invalid("Server-Side Encryption modification must be the only operation in the request");
  if (req.table_class) invalid("TableClass modification must be the only operation in the request");
  if (req.deletion_protection_enabled) invalid("DeletionProtection modification must be the only operation in the request");
  if (on_demand && (req.stream_enabled || warm))
    invalid("OnDemandThroughput can only be combined with BillingMode in an UpdateTable request");
  if (warm && create) invalid("Create global secondary index cannot be specified when updating WarmThroughput");
  if (warm) invalid("WarmThroughput must be the only operation in the request");
  if (create_or_delete && req.provisioned_throughput)
    invalid("You cannot create or delete index while updating table IOPS");
  if (create_or_delete && req.stream_enabled) invalid("You cannot create or delete index while changing stream status");
  if (req.stream_enabled && (req.provisioned_throughput || req.billing_mode == "PROVISIONED"))
    invalid("You cannot modify stream status while updating table IOPS");
}

}  // namespace

UpdateTableRequest decode_update_table(json::object body) {
  ValidationErrors errors;
  check_request(body, specs(), errors);
  UpdateTableRequest req;
  req.table_name = std::string(*get_string(body, "TableName"));
  if (auto billing = get_string(body, "BillingMode")) req.billing_mode = std::string(*billing);
  req.provisioned_throughput = decode_throughput(body);
  req.deletion_protection_enabled = get_bool(body, "DeletionProtectionEnabled");
  if (auto table_class = get_string(body, "TableClass")) req.table_class = std::string(*table_class);
  if (auto gsi_updates = get_array(body, "GlobalSecondaryIndexUpdates")) {
    req.global_secondary_index_updates.emplace();
    for (json::element e : *gsi_updates) req.global_secondary_index_updates->push_back(decode_gsi_update(expect_object(e)));
  }
  if (auto defs = get_array(body, "AttributeDefinitions"))
    for (json::element e : *defs) {
      json::object o = expect_object(e);
      AttrType t;
      attr_type_from_name(*get_string(o, "AttributeType"), t);
      req.attribute_definitions.emplace_back(std::string(*get_string(o, "AttributeName")), t);
    }
  if (auto spec = decode_stream_specification(body)) {
    req.stream_enabled = spec->enabled;
    req.stream_view_type = spec->view_type;
  }
  req.settings = decode_table_settings(body);
  // An empty GlobalSecondaryIndexUpdates counts as absent here; with another
  // change it is refused on its own.
  const bool gsi_updates = req.global_secondary_index_updates && !req.global_secondary_index_updates->empty();
  if (!req.billing_mode && !req.provisioned_throughput && !req.deletion_protection_enabled && !req.table_class &&
      !gsi_updates && req.settings.empty() && !req.stream_enabled)
    throw ApiError::validation(nothing_to_update_message(body));
  if (req.global_secondary_index_updates && !gsi_updates) invalid("List of GlobalSecondaryIndexUpdates is empty");
  check_one_concern(req);
  return req;
}

asio::awaitable<UpdateTableResponse> execute(RequestContext& ctx, const UpdateTableRequest& req) {
  auto table = require_table(ctx, req.table_name, false);
  const double now = ctx.now();
  if (effective_status(*table, now) != "ACTIVE")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " + table->name);
  auto def = std::make_shared<storage::TableDef>(*table);
  apply_billing(req, *def, now);
  if (table->billing_mode == "PAY_PER_REQUEST" && def->billing_mode == "PROVISIONED")
    check_gsi_throughput_on_switch(req, *table);
  GsiChanges ch;
  if (req.global_secondary_index_updates) ch = apply_gsi_updates(req, *def);
  if (req.deletion_protection_enabled) def->deletion_protection = *req.deletion_protection_enabled;
  if (req.table_class) apply_table_class(*req.table_class, *def, now, false);
  apply_table_settings(req.settings, *def, def->region, def->account_id);
  const StreamChange stream = apply_stream_change(req, *def, now);
  const double delay = ctx.config.transient_status_seconds;
  if (delay > 0) {
    def->status = "UPDATING";
    def->status_ready_time = now + delay;
  }
  // A new index is backfilled in the same transaction; it reads ACTIVE once
  // the transient status delay (if any) is over.
  storage::TableDef stored = *def;
  for (auto& ix : stored.indexes)
    if (ix.status == "CREATING" && delay <= 0) ix.status = "ACTIVE";
  UpdateTableOp op(stored, ch.created, ch.dropped, stream);
  storage::NoResult none;
  storage::Status st = co_await ctx.write(op, none);
  if (st == storage::Status::not_found)
    throw ApiError::resource_not_found("Requested resource not found: Table: " + def->name + " not found");
  if (st == storage::Status::aborted)  // a concurrent UpdateTable changed the stream first
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being updated: " + def->name);
  check_storage(st);
  storage::TableStats stats = ctx.engine.begin_read().stats(*def);
  co_return UpdateTableResponse{DescribedTable{.table = std::move(def), .stats = stats, .index_stats = std::nullopt, .now = now, .status_override = {}}};
}

std::string to_json(const UpdateTableRequest&, const UpdateTableResponse& resp) {
  return table_description_response("TableDescription", resp.table);
}

Result update_table(RequestContext& ctx, json::object body) {
  // ReplicaUpdates (global tables, version 2019.11.21): api/ops/global_ops.hh.
  if (is_replica_update(body)) return update_table_replicas(ctx, body);
  return execute_to_json(ctx, decode_update_table(body));
}

}  // namespace ddbd::api::ops
