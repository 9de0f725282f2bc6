// The backup and restore operations, in one file as the Streams operations
// are (they share the record, its JSON, the restore overrides and the
// services, api/backups.hh and api/pitr.hh):
//   CreateBackup            https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateBackup.html
//   DescribeBackup          .../API_DescribeBackup.html
//   ListBackups             .../API_ListBackups.html
//   DeleteBackup            .../API_DeleteBackup.html
//   RestoreTableFromBackup  .../API_RestoreTableFromBackup.html
//   RestoreTableToPointInTime .../API_RestoreTableToPointInTime.html
//
// Backups belong to the caller's namespace, like tables.  CreateBackup
// stores the record CREATING, opens the snapshot and hands both to
// BackupService, then answers: what is written after the answer is never in
// the backup.  A restore creates the new table CREATING with a
// RestoreSummary and the service fills it; it turns ACTIVE at the end.
//
// As DynamoDB restores: key schema, attribute definitions, indexes (or the
// overrides), billing mode and throughput (or the overrides), table class.
// Not restored (DynamoDB asks for them to be set again): the stream, TTL,
// point-in-time recovery, tags, deletion protection.
//
// Thread-safety: per request; the service is shared (api/backups.hh).
#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

#include "api/backups.hh"
#include "api/hex.hh"
#include "api/pitr.hh"
#include "api/table_settings.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/shapes.hh"
#include "api/table_ops.hh"
#include "api/table_schema.hh"
#include "storage/digest.hh"

namespace ddbd::api::ops {

namespace {

BackupService& service(const RequestContext& ctx) {
  if (!ctx.config.backups) throw ApiError::internal("backups are not available in this server");
  return *ctx.config.backups;
}

FieldSpec backup_arn_spec() {
  return FieldSpec{.name = "BackupArn", .not_null = true, .min_length = 37, .max_length = 1024};
}

// The time members of ListBackups (epoch seconds; boto3 sends numbers).
std::optional<double> get_time(json::object o, std::string_view key) {
  json::element e;
  if (o[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  double d;
  if (e.get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (e.get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  uint64_t u;
  if (e.get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  throw ApiError::serialization("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Date");
}

std::string new_backup_id(double now) {
  unsigned char b[4];
  storage::random_bytes(b, sizeof b);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%014llu-", static_cast<unsigned long long>(now * 1000));
  std::string id = buf;
  for (unsigned char c : b) append_hex_byte(id, c);
  return id;
}

// The backup a BackupArn names in the caller's namespace, or
// BackupNotFoundException.
BackupRecord require_backup(const RequestContext& ctx, const std::string& arn) {
  std::optional<BackupRecord> r;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    r = load_backup(txn, ctx.ns, backup_id_of_arn(arn));
  }
  if (!r || r->arn != arn) throw ApiError(ErrorCode::BackupNotFoundException, "Backup not found: " + arn);
  return std::move(*r);
}

void write_backup_details(JsonWriter& w, const BackupRecord& r) {
  w.begin_object();
  w.key("BackupArn");
  w.string(r.arn);
  w.key("BackupName");
  w.string(r.name);
  if (r.status == "AVAILABLE") {
    w.key("BackupSizeBytes");
    w.number(r.size_bytes);
  }
  w.key("BackupStatus");
  w.string(r.status);
  w.key("BackupType");
  w.string("USER");
  w.key("BackupCreationDateTime");
  w.number_double(r.creation_time);
  w.end_object();
}

void write_projection_of(JsonWriter& w, const storage::IndexDef& ix) {
  w.begin_object();
  w.key("ProjectionType");
  w.string(ix.projection == storage::ProjectionType::ALL ? "ALL"
           : ix.projection == storage::ProjectionType::KEYS_ONLY ? "KEYS_ONLY"
                                                                  : "INCLUDE");
  if (ix.projection == storage::ProjectionType::INCLUDE) {
    w.key("NonKeyAttributes");
    w.begin_array();
    std::vector<std::string_view> names(ix.non_key_attributes.begin(), ix.non_key_attributes.end());
    std::sort(names.begin(), names.end());  // by name, as DescribeTable (api/shapes.cc)
    for (std::string_view a : names) w.string(a);
    w.end_array();
  }
  w.end_object();
}

void write_throughput_of(JsonWriter& w, int64_t rcu, int64_t wcu) {
  w.begin_object();
  w.key("ReadCapacityUnits");
  w.number(rcu);
  w.key("WriteCapacityUnits");
  w.number(wcu);
  w.end_object();
}

void write_backup_description(JsonWriter& w, const BackupRecord& r) {
  storage::TableDef def;
  storage::decode_definition(r.definition, def);
  w.begin_object();
  w.key("BackupDetails");
  write_backup_details(w, r);
  w.key("SourceTableDetails");
  w.begin_object();
  w.key("TableName");
  w.string(r.table_name);
  w.key("TableId");
  w.string(r.table_id);
  w.key("TableArn");
  w.string(r.table_arn);
  w.key("TableSizeBytes");
  w.number(r.size_bytes);
  w.key("KeySchema");
  write_key_schema(w, def.key);
  w.key("TableCreationDateTime");
  w.number_double(r.table_creation_time);
  w.key("ProvisionedThroughput");
  write_throughput_of(w, r.read_capacity, r.write_capacity);
  w.key("ItemCount");
  w.number(r.item_count);
  w.key("BillingMode");
  w.string(r.billing_mode);
  w.end_object();
  w.key("SourceTableFeatureDetails");
  w.begin_object();
  for (int pass = 0; pass < 2; ++pass) {
    const bool global = pass == 1;
    bool any = false;
    for (const auto& ix : def.indexes) any |= ix.global == global;
    if (!any) continue;
    w.key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w.begin_array();
    for (const auto& ix : def.indexes) {
      if (ix.global != global) continue;
      w.begin_object();
      w.key("IndexName");
      w.string(ix.name);
      w.key("KeySchema");
      write_key_schema(w, ix.key);
      w.key("Projection");
      write_projection_of(w, ix);
      if (global) {
        w.key("ProvisionedThroughput");
        write_throughput_of(w, ix.read_capacity, ix.write_capacity);
      }
      w.end_object();
    }
    w.end_array();
  }
  if (def.stream_enabled) {
    w.key("StreamDescription");
    w.begin_object();
    w.key("StreamEnabled");
    w.boolean(true);
    w.key("StreamViewType");
    w.string(def.stream_view_type);
    w.end_object();
  }
  if (def.ttl_enabled) {
    w.key("TimeToLiveDescription");
    w.begin_object();
    w.key("TimeToLiveStatus");
    w.string("ENABLED");
    w.key("AttributeName");
    w.string(def.ttl_attribute);
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

}  // namespace

// ---------------------------------------------------------------- CreateBackup

struct CreateBackupRequest {
  std::string table_name, backup_name;
};
struct CreateBackupResponse {
  BackupRecord record;
};

CreateBackupRequest decode_create_backup(json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "BackupName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true}};
  ValidationErrors errors;
  check_request(body, specs, errors);
  return {std::string(*get_string(body, "TableName")), std::string(*get_string(body, "BackupName"))};
}

asio::awaitable<CreateBackupResponse> execute(RequestContext& ctx, const CreateBackupRequest& req) {
  BackupService& svc = service(ctx);
  const auto resolved = resolve_table_name(ctx, req.table_name);
  auto table = resolved ? ctx.engine.find_table(ctx.ns, *resolved) : nullptr;
  if (!table) throw ApiError(ErrorCode::TableNotFoundException, "Table not found: " + req.table_name);
  const double now = ctx.now();
  if (effective_status(*table, now) != "ACTIVE")
    throw ApiError(ErrorCode::TableInUseException, "Table is being " +
                                                       std::string(effective_status(*table, now) == "CREATING" ? "created" : "updated") +
                                                       ": " + req.table_name);
  CreateBackupResponse resp;
  BackupRecord& r = resp.record;
  r.ns = ctx.ns;
  r.id = new_backup_id(now);
  r.name = req.backup_name;
  r.arn = table_arn(*table) + "/backup/" + r.id;
  r.status = "CREATING";
  r.creation_time = now;
  r.definition = storage::encode_definition(*table);
  r.table_name = table->name;
  r.table_id = table->table_uuid;
  r.table_arn = table_arn(*table);
  r.billing_mode = table->billing_mode;
  r.read_capacity = table->read_capacity;
  r.write_capacity = table->write_capacity;
  r.table_creation_time = table->creation_time;
  AuxPutOp op(backup_meta_key(r.ns, r.id), encode_backup(r), storage::Origin::user);
  storage::NoResult none;
  check_storage(co_await ctx.write(op, none));
  // The snapshot: one read transaction, opened before the answer, so a write
  // the client makes after it is never in the backup.  The table as the
  // snapshot sees it (a concurrent DeleteTable: the backup is empty).
  storage::ReadTxn snapshot = ctx.engine.begin_read();
  svc.enqueue_backup(r, table, std::move(snapshot));
  co_return resp;
}

std::string to_json(const CreateBackupRequest&, const CreateBackupResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("BackupDetails");
  write_backup_details(w, resp.record);
  w.end_object();
  return w.take();
}

Result create_backup(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_create_backup(body)); }

// -------------------------------------------------------------- DescribeBackup

struct DescribeBackupRequest {
  std::string arn;
};
struct DescribeBackupResponse {
  BackupRecord record;
};

DescribeBackupRequest decode_describe_backup(json::object body) {
  static const std::vector<FieldSpec> specs = {backup_arn_spec()};
  ValidationErrors errors;
  check_request(body, specs, errors);
  return {std::string(*get_string(body, "BackupArn"))};
}

asio::awaitable<DescribeBackupResponse> execute(RequestContext& ctx, const DescribeBackupRequest& req) {
  co_return DescribeBackupResponse{require_backup(ctx, req.arn)};
}

std::string to_json(const DescribeBackupRequest&, const DescribeBackupResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("BackupDescription");
  write_backup_description(w, resp.record);
  w.end_object();
  return w.take();
}

Result describe_backup(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_describe_backup(body)); }

// ---------------------------------------------------------------- DeleteBackup

struct DeleteBackupRequest {
  std::string arn;
};
struct DeleteBackupResponse {
  BackupRecord record;
};

DeleteBackupRequest decode_delete_backup(json::object body) {
  static const std::vector<FieldSpec> specs = {backup_arn_spec()};
  ValidationErrors errors;
  check_request(body, specs, errors);
  return {std::string(*get_string(body, "BackupArn"))};
}

asio::awaitable<DeleteBackupResponse> execute(RequestContext& ctx, const DeleteBackupRequest& req) {
  BackupService& svc = service(ctx);
  DeleteBackupResponse resp{require_backup(ctx, req.arn)};
  if (resp.record.status != "AVAILABLE" || svc.in_use(resp.record.id))
    throw ApiError(ErrorCode::BackupInUseException,
                   "Backup is in use: " + req.arn + " (it is being created, or a table is being restored from it)");
  EraseBackupOp op(std::string(ctx.ns), resp.record.id, &svc);
  storage::NoResult none;
  storage::Status st = co_await ctx.write(op, none);
  if (st == storage::Status::aborted)
    throw ApiError(ErrorCode::BackupInUseException,
                   "Backup is in use: " + req.arn + " (it is being created, or a table is being restored from it)");
  if (st == storage::Status::not_found) throw ApiError(ErrorCode::BackupNotFoundException, "Backup not found: " + req.arn);
  check_storage(st);
  resp.record.status = "DELETED";
  co_return resp;
}

std::string to_json(const DeleteBackupRequest&, const DeleteBackupResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("BackupDescription");
  write_backup_description(w, resp.record);
  w.end_object();
  return w.take();
}

Result delete_backup(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_delete_backup(body)); }

// ----------------------------------------------------------------- ListBackups

struct ListBackupsRequest {
  std::optional<std::string> table_name;
  std::optional<double> lower, upper;
  std::string backup_type = "USER";
  int64_t limit = 100;
  std::optional<std::string> start_arn;
};
struct ListBackupsResponse {
  std::vector<BackupRecord> records;
  std::string last_arn;
};

ListBackupsRequest decode_list_backups(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TableName", .min_length = 3, .max_length = 255, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = 100},
      FieldSpec{.name = "ExclusiveStartBackupArn", .min_length = 37, .max_length = 1024},
      FieldSpec{.name = "BackupType", .enum_values = {"USER", "SYSTEM", "AWS_BACKUP", "ALL"}}};
  ValidationErrors errors;
  check_request(body, specs, errors);
  ListBackupsRequest req;
  if (auto t = get_string(body, "TableName")) req.table_name = std::string(*t);
  if (auto l = get_int(body, "Limit")) req.limit = *l;
  if (auto s = get_string(body, "ExclusiveStartBackupArn")) req.start_arn = std::string(*s);
  if (auto b = get_string(body, "BackupType")) req.backup_type = std::string(*b);
  req.lower = get_time(body, "TimeRangeLowerBound");
  req.upper = get_time(body, "TimeRangeUpperBound");
  if (req.lower && req.upper && *req.lower > *req.upper)
    throw ApiError::validation("TimeRangeUpperBound must be greater than or equal to TimeRangeLowerBound");
  return req;
}

asio::awaitable<ListBackupsResponse> execute(RequestContext& ctx, const ListBackupsRequest& req) {
  ListBackupsResponse resp;
  // Only USER backups exist (ALL includes them; SYSTEM and AWS_BACKUP: none).
  if (req.backup_type != "USER" && req.backup_type != "ALL") co_return resp;
  const std::string prefix = backup_meta_prefix(ctx.ns);
  std::string from = prefix;
  if (req.start_arn) {
    const std::string id = backup_id_of_arn(*req.start_arn);
    if (id.empty()) throw ApiError::validation("Invalid ExclusiveStartBackupArn: " + *req.start_arn);
    from = prefix + id;
    from.push_back('\0');  // strictly after it
  }
  storage::ReadTxn txn = ctx.engine.begin_read();
  auto cur = txn.aux_scan(prefix, from);
  std::string_view k, v;
  while (cur->next(k, v)) {
    BackupRecord r;
    if (!decode_backup(v, r)) continue;
    if (req.table_name && r.table_name != *req.table_name) continue;
    // TimeRangeLowerBound inclusive, TimeRangeUpperBound exclusive (DynamoDB's).
    if (req.lower && r.creation_time < *req.lower) continue;
    if (req.upper && r.creation_time >= *req.upper) continue;
    if (static_cast<int64_t>(resp.records.size()) == req.limit) {
      resp.last_arn = resp.records.back().arn;
      break;
    }
    r.definition.clear();
    resp.records.push_back(std::move(r));
  }
  co_return resp;
}

std::string to_json(const ListBackupsRequest&, const ListBackupsResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("BackupSummaries");
  w.begin_array();
  for (const auto& r : resp.records) {
    w.begin_object();
    w.key("TableName");
    w.string(r.table_name);
    w.key("TableId");
    w.string(r.table_id);
    w.key("TableArn");
    w.string(r.table_arn);
    w.key("BackupArn");
    w.string(r.arn);
    w.key("BackupName");
    w.string(r.name);
    w.key("BackupCreationDateTime");
    w.number_double(r.creation_time);
    w.key("BackupStatus");
    w.string(r.status);
    w.key("BackupType");
    w.string("USER");
    if (r.status == "AVAILABLE") {
      w.key("BackupSizeBytes");
      w.number(r.size_bytes);
    }
    w.end_object();
  }
  w.end_array();
  if (!resp.last_arn.empty()) {
    w.key("LastEvaluatedBackupArn");
    w.string(resp.last_arn);
  }
  w.end_object();
  return w.take();
}

Result list_backups(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_list_backups(body)); }

// ------------------------------------------------------ RestoreTableFromBackup

struct IndexOverride {
  storage::IndexDef index;
  std::vector<RawKey> keys;
};

// The overrides RestoreTableFromBackup and RestoreTableToPointInTime share.
struct RestoreOverrides {
  std::optional<std::string> billing;
  std::optional<std::pair<int64_t, int64_t>> throughput;
  std::optional<std::vector<IndexOverride>> gsis, lsis;
  std::optional<SseRequest> sse;  // SSESpecificationOverride
  std::optional<TableSettingsRequest> on_demand;  // OnDemandThroughputOverride
};

struct RestoreTableFromBackupRequest {
  std::string target, arn;
  RestoreOverrides ov;
};

struct RestoreTableFromBackupResponse {
  DescribedTable table;
};

namespace {

FieldSpec index_override_spec(std::string_view name, bool global) {
  std::vector<FieldSpec> members = {
      FieldSpec{.name = "IndexName", .not_null = true, .min_length = 3, .max_length = 255, .name_pattern = true},
      global ? gsi_key_schema_spec() : key_schema_spec(), projection_spec()};
  if (global) members.push_back(throughput_spec());
  return FieldSpec{.name = name,
                   .type = FieldType::List,
                   .element = {FieldSpec{.type = FieldType::Struct, .members = std::move(members)}}};
}

std::vector<IndexOverride> decode_index_overrides(json::array a, bool global) {
  std::vector<IndexOverride> out;
  for (json::element e : a) {
    json::object o = expect_object(e);
    IndexOverride ov;
    ov.index.global = global;
    ov.index.name = std::string(*get_string(o, "IndexName"));
    ov.keys = read_key_schema(*get_array(o, "KeySchema"));
    read_projection(*get_object(o, "Projection"), ov.index);
    if (global)
      if (auto pt = get_object(o, "ProvisionedThroughput")) {
        ov.index.read_capacity = *get_long(*pt, "ReadCapacityUnits");
        ov.index.write_capacity = *get_long(*pt, "WriteCapacityUnits");
      }
    out.push_back(std::move(ov));
  }
  return out;
}

// The restored table's definition: the source's (the backup's, or the
// table's as it is now for a point-in-time restore), with the overrides.
storage::TableDef restored_definition(const std::string& target, const RestoreOverrides& req, const storage::TableDef& src) {
  storage::TableDef def;
  def.name = target;
  def.key = src.key;
  def.table_class = src.table_class;
  def.billing_mode = req.billing.value_or(src.billing_mode);
  if (def.billing_mode == "PAY_PER_REQUEST") {
    if (req.throughput)
      invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  } else if (req.throughput) {
    def.read_capacity = req.throughput->first;
    def.write_capacity = req.throughput->second;
  } else if (src.billing_mode == "PROVISIONED") {
    def.read_capacity = src.read_capacity;
    def.write_capacity = src.write_capacity;
  } else {
    invalid("ProvisionedThroughputOverride must be specified when BillingModeOverride is PROVISIONED");
  }
  if (def.billing_mode == "PAY_PER_REQUEST" && src.billing_mode == "PAY_PER_REQUEST") {
    def.on_demand_max_read = src.on_demand_max_read;
    def.on_demand_max_write = src.on_demand_max_write;
  }
  std::map<std::string, AttrType> types(src.attribute_definitions.begin(), src.attribute_definitions.end());
  std::vector<std::string> defined;
  for (const auto& [n, t] : src.attribute_definitions) defined.push_back(n);
  std::set<std::string> names;
  auto add_overrides = [&](const std::vector<IndexOverride>& ovs, bool global) {
    for (const auto& ov : ovs) {
      for (const auto& k : ov.keys)
        if (!types.count(k.name))
          invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + k.name +
                  "], AttributeDefinitions: [" + join_names(defined) + "]");
      if (global)
        check_gsi_key_schema(ov.keys, defined);
      else
        check_key_schema(ov.keys, defined);
      storage::IndexDef ix = ov.index;
      ix.key = to_key_schema(ov.keys, types);
      if (!global) {
        if (!ix.key.range) invalid("Index KeySchema does not have a range key for index: " + ix.name);
        if (ix.key.hash.name != src.key.hash.name)
          invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: " + ix.name);
      }
      def.indexes.push_back(std::move(ix));
    }
  };
  for (int pass = 0; pass < 2; ++pass) {
    const bool global = pass == 1;
    const auto& ovs = global ? req.gsis : req.lsis;
    if (ovs) {
      add_overrides(*ovs, global);
    } else {
      for (const auto& ix : src.indexes)
        if (ix.global == global) def.indexes.push_back(ix);
    }
  }
  for (std::size_t i = 0; i < def.indexes.size(); ++i) {
    auto& ix = def.indexes[i];
    if (!names.insert(ix.name).second) invalid("Duplicate index name: " + ix.name);
    ix.index_id = static_cast<uint32_t>(i + 1);
    if (!ix.global) continue;
    if (def.billing_mode == "PAY_PER_REQUEST") {
      ix.read_capacity = ix.write_capacity = 0;
    } else if (ix.read_capacity == 0) {
      ix.read_capacity = def.read_capacity;
      ix.write_capacity = def.write_capacity;
    }
  }
  // The attribute definitions the keys use, in the backup's order.
  std::set<std::string> used = {def.key.hash.name};
  if (def.key.range) used.insert(def.key.range->name);
  for (const auto& ix : def.indexes) {
    ix.key.for_each([&](const storage::KeyAttr& k, bool) { used.insert(k.name); });
  }
  for (const auto& ad : src.attribute_definitions)
    if (used.count(ad.first)) def.attribute_definitions.push_back(ad);
  return def;
}

struct RestoreCreateOutcome {
  storage::TableDef def;
  bool exists = false;
  bool backup_gone = false;
};

// Creates the restored table if backup record `meta_key` still exists (no
// such check with an empty `meta_key`: a point-in-time restore).
class RestoreCreateOp final : public storage::WriteOpOf<RestoreCreateOutcome> {
 public:
  RestoreCreateOp(const storage::TableDef& def, std::string meta_key) : def_(def), meta_key_(std::move(meta_key)) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, RestoreCreateOutcome& out) const override {
    std::string record;
    if (!meta_key_.empty() && !txn.aux_get(meta_key_, record)) {
      out.backup_gone = true;
      return storage::Status::aborted;
    }
    out.def = def_;
    const storage::Status s = txn.find_table(def_.ns, def_.name) ? storage::Status::already_exists : txn.create_table(out.def);
    out.exists = s == storage::Status::already_exists;
    return out.exists ? storage::Status::aborted : s;
  }

 private:
  const storage::TableDef& def_;
  std::string meta_key_;
};

// The members of the overrides (with the target's name).
std::vector<FieldSpec> restore_override_specs() {
  FieldSpec target = table_name_spec(true);
  target.name = "TargetTableName";
  FieldSpec throughput = throughput_spec();
  throughput.name = "ProvisionedThroughputOverride";
  FieldSpec sse = sse_specification_spec();
  sse.name = "SSESpecificationOverride";
  FieldSpec on_demand = on_demand_throughput_spec();
  on_demand.name = "OnDemandThroughputOverride";
  return {target,
          FieldSpec{.name = "BillingModeOverride", .enum_values = {"PROVISIONED", "PAY_PER_REQUEST"}},
          index_override_spec("GlobalSecondaryIndexOverride", true),
          index_override_spec("LocalSecondaryIndexOverride", false),
          throughput,
          sse,
          on_demand};
}

// The overrides of a request checked by check_request.
RestoreOverrides decode_restore_overrides(json::object body) {
  RestoreOverrides req;
  if (auto b = get_string(body, "BillingModeOverride")) req.billing = std::string(*b);
  if (auto pt = get_object(body, "ProvisionedThroughputOverride"))
    req.throughput.emplace(*get_long(*pt, "ReadCapacityUnits"), *get_long(*pt, "WriteCapacityUnits"));
  if (auto g = get_array(body, "GlobalSecondaryIndexOverride")) req.gsis = decode_index_overrides(*g, true);
  if (auto l = get_array(body, "LocalSecondaryIndexOverride")) req.lsis = decode_index_overrides(*l, false);
  req.sse = decode_sse(body, "SSESpecificationOverride");
  if (auto od = get_object(body, "OnDemandThroughputOverride")) {
    TableSettingsRequest s;
    s.has_on_demand = true;
    s.on_demand_max_read = get_long(*od, "MaxReadRequestUnits");
    s.on_demand_max_write = get_long(*od, "MaxWriteRequestUnits");
    req.on_demand = s;
  }
  if (req.gsis && req.gsis->size() > limits::kMaxGlobalSecondaryIndexes)
    invalid("GlobalSecondaryIndex count exceeds the per-table limit of 20");
  if (req.lsis && req.lsis->size() > limits::kMaxLocalSecondaryIndexes)
    invalid("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  return req;
}

// The new table of a restore, CREATING with RestoreInProgress (the caller
// sets the RestoreSummary's sources and time).
std::shared_ptr<storage::TableDef> new_restored_table(const RequestContext& ctx, const std::string& target,
                                                      const RestoreOverrides& req, const storage::TableDef& src,
                                                      double now) {
  auto def = std::make_shared<storage::TableDef>(restored_definition(target, req, src));
  def->ns = ctx.ns;
  def->region = ctx.region;
  def->account_id = ctx.config.account_id;
  // The source's encryption unless SSESpecificationOverride says otherwise.
  def->sse_kms = src.sse_kms;
  def->kms_master_key_arn = src.kms_master_key_arn;
  if (req.sse) apply_sse(*req.sse, *def, def->region, def->account_id);
  if (req.on_demand) apply_table_settings(*req.on_demand, *def, def->region, def->account_id);
  {
    unsigned char b[16];
    storage::random_bytes(b, sizeof b);
    def->table_uuid = uuid_text(b);
  }
  def->creation_time = now;
  def->billing_mode_last_update = def->billing_mode == "PAY_PER_REQUEST" ? now : 0;
  // CREATING until the service has filled it (FinishRestoreOp).
  def->status = "CREATING";
  def->status_ready_time = std::numeric_limits<double>::infinity();
  for (auto& ix : def->indexes) ix.status = "CREATING";
  def->restore_in_progress = true;
  def->global_table.clear();  // a restored table is in no replica set
  return def;
}

}  // namespace

RestoreTableFromBackupRequest decode_restore_table_from_backup(json::object body) {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> s = restore_override_specs();
    s.insert(s.begin() + 1, backup_arn_spec());
    return s;
  }();
  ValidationErrors errors;
  check_request(body, specs, errors);
  RestoreTableFromBackupRequest req;
  req.target = std::string(*get_string(body, "TargetTableName"));
  req.arn = std::string(*get_string(body, "BackupArn"));
  req.ov = decode_restore_overrides(body);
  return req;
}

asio::awaitable<RestoreTableFromBackupResponse> execute(RequestContext& ctx, const RestoreTableFromBackupRequest& req) {
  BackupService& svc = service(ctx);
  BackupRecord backup = require_backup(ctx, req.arn);
  if (backup.status != "AVAILABLE")
    throw ApiError(ErrorCode::BackupInUseException, "Backup is being created: " + req.arn);
  if (ctx.engine.find_table(ctx.ns, req.target))
    throw ApiError(ErrorCode::TableAlreadyExistsException, "Table already exists: " + req.target);
  storage::TableDef src;
  if (!storage::decode_definition(backup.definition, src)) throw ApiError::internal("The backup's table definition is corrupt");
  const double now = ctx.now();
  auto def = new_restored_table(ctx, req.target, req.ov, src, now);
  def->restore_source_backup_arn = backup.arn;
  def->restore_source_table_arn = backup.table_arn;
  def->restore_time = backup.creation_time;

  // The backup is claimed from here until the job holds it; the table is
  // created only if the backup is still there in that transaction (see
  // EraseBackupOp).
  struct Claim {
    BackupService& svc;
    const std::string& id;
    ~Claim() { svc.release(id); }
  } claim{svc, backup.id};
  svc.claim(backup.id);
  RestoreCreateOp op(*def, backup_meta_key(ctx.ns, backup.id));
  RestoreCreateOp::Result created;
  storage::Status st = co_await ctx.write(op, created);
  if (created.out.backup_gone) throw ApiError(ErrorCode::BackupNotFoundException, "Backup not found: " + req.arn);
  if (created.out.exists) throw ApiError(ErrorCode::TableAlreadyExistsException, "Table already exists: " + req.target);
  check_storage(st);
  *def = std::move(created.out.def);
  svc.enqueue_restore(def->ns, def->name, def->table_id, backup.id);
  co_return RestoreTableFromBackupResponse{DescribedTable{.table = std::move(def), .stats = {}, .index_stats = std::nullopt, .now = now, .status_override = {}}};
}

std::string to_json(const RestoreTableFromBackupRequest&, const RestoreTableFromBackupResponse& resp) {
  return table_description_response("TableDescription", resp.table);
}

Result restore_table_from_backup(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_restore_table_from_backup(body));
}

// --------------------------------------------------- RestoreTableToPointInTime
//
// The source's definition as it is now (DynamoDB: "all these settings come
// from the current settings of the source table at the time of restore"),
// with the overrides; its data as it was at RestoreDateTime (api/pitr.hh).

struct RestoreTableToPointInTimeRequest {
  std::optional<std::string> source_name, source_arn;
  std::string target;
  std::optional<double> time;
  bool use_latest = false;
  RestoreOverrides ov;
};

struct RestoreTableToPointInTimeResponse {
  DescribedTable table;
};

RestoreTableToPointInTimeRequest decode_restore_table_to_point_in_time(json::object body) {
  static const std::vector<FieldSpec> specs = [] {
    std::vector<FieldSpec> s = restore_override_specs();
    s.push_back(FieldSpec{.name = "SourceTableName", .min_length = 3, .max_length = 255, .name_pattern = true});
    s.push_back(FieldSpec{.name = "SourceTableArn", .min_length = 1, .max_length = 1024});
    s.push_back(FieldSpec{.name = "UseLatestRestorableTime", .type = FieldType::Boolean});
    return s;
  }();
  ValidationErrors errors;
  check_request(body, specs, errors);
  RestoreTableToPointInTimeRequest req;
  req.target = std::string(*get_string(body, "TargetTableName"));
  if (auto n = get_string(body, "SourceTableName")) req.source_name = std::string(*n);
  if (auto a = get_string(body, "SourceTableArn")) req.source_arn = std::string(*a);
  req.use_latest = get_bool(body, "UseLatestRestorableTime").value_or(false);
  req.time = get_time(body, "RestoreDateTime");
  if (req.source_name.has_value() == req.source_arn.has_value())
    invalid("Exactly one of SourceTableName or SourceTableArn must be specified");
  if (req.use_latest && req.time)
    invalid("Only one of RestoreDateTime or UseLatestRestorableTime can be specified");
  if (!req.use_latest && !req.time) invalid("Either RestoreDateTime or UseLatestRestorableTime must be specified");
  req.ov = decode_restore_overrides(body);
  return req;
}

asio::awaitable<RestoreTableToPointInTimeResponse> execute(RequestContext& ctx, const RestoreTableToPointInTimeRequest& req) {
  if (!ctx.config.pitr) throw ApiError::internal("point-in-time recovery is not available in this server");
  // The source: by name, or by an ARN of this namespace's region and account.
  std::string name;
  if (req.source_name) {
    name = *req.source_name;
  } else {
    const std::string& arn = *req.source_arn;
    const auto pos = arn.find(":table/");
    if (pos != std::string::npos) name = arn.substr(pos + 7);
  }
  auto src = name.empty() ? nullptr : ctx.engine.find_table(ctx.ns, name);
  if (!src || (req.source_arn && table_arn(*src) != *req.source_arn))
    throw ApiError(ErrorCode::TableNotFoundException,
                   "Table not found: " + (req.source_name ? *req.source_name : *req.source_arn));
  if (ctx.engine.find_table(ctx.ns, req.target))
    throw ApiError(ErrorCode::TableAlreadyExistsException, "Table already exists: " + req.target);
  if (!src->pitr_enabled)
    throw ApiError(ErrorCode::PointInTimeRecoveryUnavailableException,
                   "Point in time recovery is not enabled for table '" + src->name + "'");
  const double now = ctx.now();
  const PitrWindow window = restorable_window(*src, now, ctx.config.pitr_lag_seconds);
  const double t = req.use_latest ? window.latest : *req.time;
  if (t < window.earliest || t > window.latest)
    throw ApiError(ErrorCode::InvalidRestoreTimeException,
                   "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime");
  auto def = new_restored_table(ctx, req.target, req.ov, *src, now);
  def->restore_source_table_arn = table_arn(*src);
  def->restore_source_table_id = src->table_id;
  def->restore_time = t;
  RestoreCreateOp op(*def, {});
  RestoreCreateOp::Result created;
  storage::Status st = co_await ctx.write(op, created);
  if (created.out.exists) throw ApiError(ErrorCode::TableAlreadyExistsException, "Table already exists: " + req.target);
  check_storage(st);
  *def = std::move(created.out.def);
  ctx.config.pitr->enqueue_restore(def->ns, def->name, def->table_id);
  co_return RestoreTableToPointInTimeResponse{
      DescribedTable{.table = std::move(def), .stats = {}, .index_stats = std::nullopt, .now = now, .status_override = {}}};
}

std::string to_json(const RestoreTableToPointInTimeRequest&, const RestoreTableToPointInTimeResponse& resp) {
  return table_description_response("TableDescription", resp.table);
}

Result restore_table_to_point_in_time(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_restore_table_to_point_in_time(body));
}

}  // namespace ddbd::api::ops
