#include "api/shapes.hh"

#include "api/dispatch.hh"
#include "api/meter.hh"
#include "api/ops/global_ops.hh"

#include "api/table_settings.hh"
#include "streams/stream_store.hh"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace ddbd::api {

FieldSpec table_name_spec(bool create) {
  FieldSpec s{.name = "TableName", .type = FieldType::String, .not_null = true};
  if (create) {
    s.min_length = limits::kMinTableNameLength;
    s.max_length = limits::kMaxTableNameLength;
    s.name_pattern = true;
  } else {
    s.table_name_or_arn = true;
  }
  return s;
}

void check_request_items_table_name(std::string_view name) {
  // A table ARN (resolved at the table lookup) is a valid key too.
  if (name.starts_with("arn:") && name.size() <= kMaxTableArnLength) return;
  if (name.size() >= limits::kMinTableNameLength && name.size() <= limits::kMaxTableNameLength &&
      matches_name_pattern(name))
    return;
  ValidationErrors::throw_one(std::string(name), "requestItems",
                              "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
                              "Member must have length greater than or equal to 3, Member must satisfy regular "
                              "expression pattern: [a-zA-Z0-9_.-]+]");
}

std::string decode_table_name_request(json::object body) {
  static const std::vector<FieldSpec> specs = {table_name_spec(false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  return std::string(*get_string(body, "TableName"));
}

std::optional<TableArn> parse_table_arn(std::string_view arn) {
  constexpr std::string_view prefix = "arn:aws:dynamodb:";
  constexpr std::string_view table = ":table";
  if (!arn.starts_with(prefix)) return std::nullopt;
  const std::size_t slash = arn.rfind('/');
  if (slash == std::string_view::npos || slash < prefix.size()) return std::nullopt;
  TableArn out;
  out.name = arn.substr(slash + 1);
  std::string_view mid = arn.substr(prefix.size(), slash - prefix.size());  // <region>:<account>:table
  if (out.name.size() < 3 || !mid.ends_with(table)) return std::nullopt;
  mid.remove_suffix(table.size());
  const std::size_t colon = mid.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  out.region = mid.substr(0, colon);
  out.account = mid.substr(colon + 1);
  if (out.account.empty()) return std::nullopt;
  for (char c : out.account)
    if (c < '0' || c > '9') return std::nullopt;
  return out;
}

std::optional<std::string_view> resolve_table_name(const RequestContext& ctx, std::string_view name_or_arn) {
  if (!name_or_arn.starts_with("arn:")) return name_or_arn;
  auto arn = parse_table_arn(name_or_arn);
  if (!arn || arn->name.size() > limits::kMaxTableNameLength || !matches_name_pattern(arn->name))
    throw ApiError::validation("Invalid TableArn: Invalid ResourceArn provided as input " + std::string(name_or_arn));
  if (arn->account != ctx.config.account_id)
    throw ApiError(ErrorCode::AccessDeniedException,
                   "User: arn:aws:iam::" + ctx.config.account_id + ":root is not authorized to perform: dynamodb:" +
                       std::string(operation_name_at(ctx.metering.op)) + " on resource: " + std::string(name_or_arn));
  if (arn->region != ctx.region) return std::nullopt;
  return arn->name;
}

std::shared_ptr<const storage::TableDef> require_table(const RequestContext& ctx, std::string_view name,
                                                        bool for_item_op) {
  const auto resolved = resolve_table_name(ctx, name);
  auto t = resolved ? ctx.engine.find_table(ctx.ns, *resolved) : nullptr;
  if (!t) {
    if (for_item_op) throw ApiError::resource_not_found();
    throw ApiError::resource_not_found("Requested resource not found: Table: " + std::string(name) + " not found");
  }
  // Items of a table still CREATING are not there yet ("The resource might
  // not be specified correctly, or its status might not be ACTIVE").
  if (for_item_op && effective_status(*t, ctx.now()) == "CREATING") throw ApiError::resource_not_found();
  // The meter learns the request's table and, with --enforce-throughput,
  // admits it (or throws ProvisionedThroughputExceededException).
  if (ctx.config.meter) ctx.config.meter->on_table(ctx, *t, for_item_op);
  return t;
}

namespace {

void check_key_value_not_empty(const AttributeValue& v, std::string_view name) {
  if ((v.type == AttrType::S || v.type == AttrType::B) && v.str.empty())
    throw ApiError::validation(std::string("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ") +
                               (v.type == AttrType::S ? "string" : "binary") + " value. Key: " + std::string(name));
}

// An index key attribute of the item (of the declared type) that is empty.
void check_index_key_value_not_empty(const AttributeValue& v, const storage::IndexDef& index, const storage::KeyAttr& k) {
  if (v.type != k.type || !v.str.empty() || v.type == AttrType::N) return;
  throw ApiError::validation(
      std::string("One or more parameter values are not valid. A value specified for a secondary index key is "
                  "not supported. The AttributeValue for a key attribute cannot contain an empty ") +
      (v.type == AttrType::B ? "binary" : "string") + " value. IndexName: " + index.name + ", IndexKey: " + k.name);
}

}  // namespace

std::optional<std::string> key_size_violation(const AttributeValue& v, bool hash) {
  // Numbers have no byte limit of their own (38 digits); strings count their
  // UTF-8 bytes, binaries their decoded bytes (str holds them decoded).
  if (v.type != AttrType::S && v.type != AttrType::B) return std::nullopt;
  if (hash && v.str.size() > kMaxHashKeyBytes)
    return "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of" +
           std::to_string(kMaxHashKeyBytes) + " bytes";
  if (!hash && v.str.size() > kMaxRangeKeyBytes)
    return "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of " +
           std::to_string(kMaxRangeKeyBytes) + " bytes";
  return std::nullopt;
}

storage::PrimaryKey key_from_map(const storage::TableDef& table, const AttrMap& key) {
  const std::size_t want = table.key.range ? 2 : 1;
  const AttributeValue* h = map_find(key, table.key.hash.name);
  const AttributeValue* r = table.key.range ? map_find(key, table.key.range->name) : nullptr;
  if (key.size() != want || !h || (table.key.range && !r) || h->type != table.key.hash.type ||
      (r && r->type != table.key.range->type))
    throw ApiError::validation("The provided key element does not match the schema");
  check_key_value_not_empty(*h, table.key.hash.name);
  if (r) check_key_value_not_empty(*r, table.key.range->name);
  if (auto e = key_size_violation(*h, true)) throw ApiError::validation(*e);
  if (r)
    if (auto e = key_size_violation(*r, false)) throw ApiError::validation(*e);
  storage::PrimaryKey pk;
  pk.hash = *h;
  if (r) pk.range = *r;
  return pk;
}

void validate_item_for_write(const storage::TableDef& table, const Item& item) {
  auto check = [&](const storage::KeyAttr& k, bool hash) {
    const AttributeValue* v = map_find(item, k.name);
    if (!v) throw ApiError::validation("One or more parameter values were invalid: Missing the key " + k.name + " in the item");
    if (v->type != k.type)
      throw ApiError::validation("One or more parameter values were invalid: Type mismatch for key " + k.name +
                                 " expected: " + std::string(attr_type_name(k.type)) +
                                 " actual: " + std::string(attr_type_name(v->type)));
    check_key_value_not_empty(*v, k.name);
    if (auto e = key_size_violation(*v, hash)) throw ApiError::validation(*e);
  };
  check(table.key.hash, true);
  if (table.key.range) check(*table.key.range, false);
  for (const auto& [name, value] : item) {
    (void)value;
    if (name.empty())
      throw ApiError::validation("One or more parameter values are not valid. The attribute name can not be empty.");
  }
  // Index key attributes, when present, must have the declared type and no empty value.
  for (const auto& index : table.indexes) {
    auto check_index = [&](const storage::KeyAttr& k, bool hash) {
      const AttributeValue* v = map_find(item, k.name);
      if (!v) return;
      if (v->type != k.type)
        throw ApiError::validation("One or more parameter values were invalid: Type mismatch for Index Key " + k.name +
                                   " Expected: " + std::string(attr_type_name(k.type)) +
                                   " Actual: " + std::string(attr_type_name(v->type)) + " IndexName: " + index.name);
      check_index_key_value_not_empty(*v, index, k);
      const std::size_t max = hash ? kMaxHashKeyBytes : kMaxRangeKeyBytes;
      if (v->type != AttrType::N && v->str.size() > max)
        throw ApiError::validation("One or more parameter values were invalid: Size limit exceeded for Index Key " +
                                   k.name + " Actual Size: " + std::to_string(v->str.size()) +
                                   " bytes Max Size: " + std::to_string(max) + " bytes IndexName: " + index.name);
    };
    index.key.for_each(check_index);
  }
  if (item_size(item) > kMaxItemBytes) throw ApiError::validation("Item size has exceeded the maximum allowed size");
}

Item key_attributes(const storage::TableDef& table, const Item& item) {
  Item k;
  if (auto* h = map_find(item, table.key.hash.name)) k.emplace_back(table.key.hash.name, *h);
  if (table.key.range)
    if (auto* r = map_find(item, table.key.range->name)) map_set(k, table.key.range->name, *r);
  return k;
}

void check_key_values_not_empty(const storage::TableDef& table, const Item& item, bool with_index_keys) {
  auto table_key = [&](const storage::KeyAttr& k) {
    const AttributeValue* v = map_find(item, k.name);
    if (v && v->type == k.type) check_key_value_not_empty(*v, k.name);
  };
  table_key(table.key.hash);
  if (table.key.range) table_key(*table.key.range);
  if (!with_index_keys) return;
  for (const auto& index : table.indexes) {
    auto index_key = [&](const storage::KeyAttr& k) {
      if (const AttributeValue* v = map_find(item, k.name)) check_index_key_value_not_empty(*v, index, k);
    };
    index.key.for_each([&](const storage::KeyAttr& k, bool) { index_key(k); });
  }
}

std::string table_arn(const storage::TableDef& t) {
  return "arn:aws:dynamodb:" + t.region + ":" + t.account_id + ":table/" + t.name;
}

std::string_view effective_status(const storage::TableDef& t, double now) {
  if (t.status != "ACTIVE" && now >= t.status_ready_time) return "ACTIVE";
  return t.status;
}

std::string_view effective_index_status(const storage::TableDef& t, const storage::IndexDef& ix, double now) {
  if (ix.status != "ACTIVE" && now >= t.status_ready_time) return "ACTIVE";
  return ix.status;
}

void write_key_schema(JsonWriter& w, const storage::KeySchema& k) {
  w.begin_array();
  k.for_each([&](const storage::KeyAttr& a, bool hash) {
    w.begin_object();
    w.key("AttributeName");
    w.string(a.name);
    w.key("KeyType");
    w.string(hash ? "HASH" : "RANGE");
    w.end_object();
  });
  w.end_array();
}

namespace {

// BillingModeSummary: the mode and when the table last switched to
// PAY_PER_REQUEST.
void write_billing_mode_summary(JsonWriter& w, const storage::TableDef& t) {
  w.key("BillingModeSummary");
  w.begin_object();
  w.key("BillingMode");
  w.string(t.billing_mode);
  w.key("LastUpdateToPayPerRequestDateTime");
  w.number_double(t.billing_mode_last_update);
  w.end_object();
}

// StreamSpecification, LatestStreamLabel and LatestStreamArn of a table that
// has (or had) a stream.  After a disable DynamoDB keeps showing the latest
// stream's label and ARN, with StreamSpecification {"StreamEnabled": false}.
void write_stream_members(JsonWriter& w, const storage::TableDef& t) {
  if (t.stream_label.empty()) return;
  w.key("StreamSpecification");
  w.begin_object();
  w.key("StreamEnabled");
  w.boolean(t.stream_enabled);
  if (t.stream_enabled) {
    w.key("StreamViewType");
    w.string(t.stream_view_type);
  }
  w.end_object();
  w.key("LatestStreamLabel");
  w.string(t.stream_label);
  w.key("LatestStreamArn");
  w.string(streams::stream_arn(t));
}

void write_projection(JsonWriter& w, const storage::IndexDef& ix) {
  w.begin_object();
  w.key("ProjectionType");
  switch (ix.projection) {
    case storage::ProjectionType::ALL: w.string("ALL"); break;
    case storage::ProjectionType::KEYS_ONLY: w.string("KEYS_ONLY"); break;
    case storage::ProjectionType::INCLUDE: w.string("INCLUDE"); break;
  }
  if (ix.projection == storage::ProjectionType::INCLUDE) {
    w.key("NonKeyAttributes");
    w.begin_array();
    // DynamoDB answers NonKeyAttributes (and AttributeDefinitions) sorted by
    // name, whatever the order they were given in (AWS answers published by
    // ack-api-quirks, DDB-TABLE-125, and by provider issues).
    std::vector<const std::string*> names;
    names.reserve(ix.non_key_attributes.size());
    for (const auto& a : ix.non_key_attributes) names.push_back(&a);
    std::sort(names.begin(), names.end(), [](const std::string* a, const std::string* b) { return *a < *b; });
    for (const std::string* a : names) w.string(*a);
    w.end_array();
  }
  w.end_object();
}

void write_throughput(JsonWriter& w, const storage::TableDef& t, double now, int64_t rcu, int64_t wcu) {
  w.begin_object();
  if (t.last_increase_time > 0) {
    w.key("LastIncreaseDateTime");
    w.number_double(t.last_increase_time);
  }
  if (t.last_decrease_time > 0) {
    w.key("LastDecreaseDateTime");
    w.number_double(t.last_decrease_time);
  }
  w.key("NumberOfDecreasesToday");
  w.number(decreases_today(t, now));
  w.key("ReadCapacityUnits");
  w.number(rcu);
  w.key("WriteCapacityUnits");
  w.number(wcu);
  w.end_object();
}

}  // namespace

void write_table_description(JsonWriter& w, const storage::TableDef& t, const storage::TableStats& stats, double now,
                             std::string_view status_override, const std::vector<storage::TableStats>* index_stats) {
  w.begin_object();
  w.key("AttributeDefinitions");
  w.begin_array();
  std::vector<const std::pair<std::string, AttrType>*> defs;  // sorted by name, as DynamoDB answers
  defs.reserve(t.attribute_definitions.size());
  for (const auto& d : t.attribute_definitions) defs.push_back(&d);
  std::sort(defs.begin(), defs.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* d : defs) {
    w.begin_object();
    w.key("AttributeName");
    w.string(d->first);
    w.key("AttributeType");
    w.string(attr_type_name(d->second));
    w.end_object();
  }
  w.end_array();
  w.key("TableName");
  w.string(t.name);
  w.key("KeySchema");
  write_key_schema(w, t.key);
  w.key("TableStatus");
  w.string(status_override.empty() ? effective_status(t, now) : status_override);
  w.key("CreationDateTime");
  w.number_double(t.creation_time);
  w.key("ProvisionedThroughput");
  write_throughput(w, t, now, t.read_capacity, t.write_capacity);
  w.key("TableSizeBytes");
  w.number(stats.size_bytes);
  w.key("ItemCount");
  w.number(stats.item_count);
  w.key("TableArn");
  w.string(table_arn(t));
  w.key("TableId");
  w.string(t.table_uuid);
  write_billing_mode_summary(w, t);
  bool any_lsi = false, any_gsi = false;
  for (const auto& ix : t.indexes) (ix.global ? any_gsi : any_lsi) = true;
  for (int pass = 0; pass < 2; ++pass) {
    bool global = pass == 1;
    if (global ? !any_gsi : !any_lsi) continue;
    w.key(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    w.begin_array();
    for (const auto& ix : t.indexes) {
      if (ix.global != global) continue;
      w.begin_object();
      w.key("IndexName");
      w.string(ix.name);
      w.key("KeySchema");
      write_key_schema(w, ix.key);
      w.key("Projection");
      write_projection(w, ix);
      if (global) {
        const std::string_view status = effective_index_status(t, ix, now);
        w.key("IndexStatus");
        w.string(status);
        if (status == "CREATING") {
          w.key("Backfilling");
          w.boolean(true);
        }
        w.key("ProvisionedThroughput");
        write_throughput(w, t, now, ix.read_capacity, ix.write_capacity);
      }
      // Index sizes are maintained with the index data (issue #5).
      const std::size_t ix_pos = static_cast<std::size_t>(&ix - t.indexes.data());
      const storage::TableStats ist =
          index_stats && ix_pos < index_stats->size() ? (*index_stats)[ix_pos] : storage::TableStats{};
      w.key("IndexSizeBytes");
      w.number(ist.size_bytes);
      w.key("ItemCount");
      w.number(ist.item_count);
      w.key("IndexArn");
      w.string(table_arn(t) + "/index/" + ix.name);
      w.end_object();
    }
    w.end_array();
  }
  write_stream_members(w, t);
  write_table_settings(w, t, status_override.empty() ? effective_status(t, now) : status_override);
  w.key("DeletionProtectionEnabled");
  w.boolean(t.deletion_protection);
  if (!t.global_table.empty()) ops::write_replica_members(w, t, now);  // global tables
  if (!t.restore_source_table_arn.empty()) {
    w.key("RestoreSummary");
    w.begin_object();
    if (!t.restore_source_backup_arn.empty()) {  // a point-in-time restore has none
      w.key("SourceBackupArn");
      w.string(t.restore_source_backup_arn);
    }
    w.key("SourceTableArn");
    w.string(t.restore_source_table_arn);
    w.key("RestoreDateTime");
    w.number_double(t.restore_time);
    w.key("RestoreInProgress");
    w.boolean(t.restore_in_progress);
    w.end_object();
  }
  w.end_object();
}

int64_t decreases_today(const storage::TableDef& t, double now) {
  constexpr double kDay = 86400;
  return std::floor(t.last_decrease_time / kDay) == std::floor(now / kDay) ? t.decreases_today : 0;
}

FieldSpec return_consumed_capacity_spec() {
  return FieldSpec{.name = "ReturnConsumedCapacity", .enum_values = {"INDEXES", "TOTAL", "NONE"}};
}

void write_table_description(JsonWriter& w, const DescribedTable& d) {
  write_table_description(w, *d.table, d.stats, d.now, d.status_override, d.index_stats ? &*d.index_stats : nullptr);
}

void write_deleted_table_description(JsonWriter& w, const DescribedTable& d) {
  const storage::TableDef& t = *d.table;
  w.begin_object();
  w.key("TableName");
  w.string(t.name);
  w.key("TableStatus");
  w.string("DELETING");
  w.key("ProvisionedThroughput");
  write_throughput(w, t, d.now, t.read_capacity, t.write_capacity);
  w.key("TableSizeBytes");
  w.number(d.stats.size_bytes);
  w.key("ItemCount");
  w.number(d.stats.item_count);
  w.key("TableArn");
  w.string(table_arn(t));
  w.key("TableId");
  w.string(t.table_uuid);
  if (t.billing_mode == "PAY_PER_REQUEST") {
    write_billing_mode_summary(w, t);
  }
  write_table_class_summary(w, t);
  w.key("DeletionProtectionEnabled");
  w.boolean(t.deletion_protection);
  w.end_object();
}

std::string table_description_response(std::string_view member, const DescribedTable& d) {
  JsonWriter w;
  w.begin_object();
  w.key(member);
  write_table_description(w, d);
  w.end_object();
  return w.take();
}

ReturnConsumedCapacity parse_return_consumed_capacity(std::optional<std::string_view> v) {
  if (!v || *v == "NONE") return ReturnConsumedCapacity::NONE;
  if (*v == "TOTAL") return ReturnConsumedCapacity::TOTAL;
  return ReturnConsumedCapacity::INDEXES;
}

namespace {

// The members of a Capacity object (and of ConsumedCapacity's top level):
// CapacityUnits, then for a transaction the non-zero kinds.
void write_units_members(JsonWriter& w, CapacityUnits u, bool transactional) {
  w.key("CapacityUnits");
  w.number_double(u.total());
  if (!transactional) return;
  if (u.read > 0) {
    w.key("ReadCapacityUnits");
    w.number_double(u.read);
  }
  if (u.write > 0) {
    w.key("WriteCapacityUnits");
    w.number_double(u.write);
  }
}

// "LocalSecondaryIndexes" / "GlobalSecondaryIndexes": {name: Capacity},
// absent when no index of the kind was charged.
void write_index_map(JsonWriter& w, std::string_view member, const std::vector<IndexCapacity>& list,
                     bool transactional) {
  if (list.empty()) return;
  w.key(member);
  w.begin_object();
  for (const auto& i : list) {
    w.key(i.index_name);
    w.begin_object();
    write_units_members(w, i.units, transactional);
    w.end_object();
  }
  w.end_object();
}

// One ConsumedCapacity object (the value, no key): TOTAL gives the table
// name and the total; INDEXES adds the table's own units and each index's.
void write_capacity_entry(JsonWriter& w, ReturnConsumedCapacity mode, const ConsumedCapacity& c) {
  w.begin_object();
  w.key("TableName");
  w.string(c.shown_name.empty() ? c.table_name : c.shown_name);
  write_units_members(w, c.units(), c.transactional);
  if (mode == ReturnConsumedCapacity::INDEXES) {
    w.key("Table");
    w.begin_object();
    write_units_members(w, c.table, c.transactional);
    w.end_object();
    write_index_map(w, "LocalSecondaryIndexes", c.local_indexes, c.transactional);
    write_index_map(w, "GlobalSecondaryIndexes", c.global_indexes, c.transactional);
  }
  w.end_object();
}

}  // namespace

CapacityUnits ConsumedCapacity::units() const {
  CapacityUnits u = table;
  for (const auto& i : global_indexes) u += i.units;
  for (const auto& i : local_indexes) u += i.units;
  return u;
}

double ConsumedCapacity::total() const { return units().total(); }

void add_capacity(std::vector<ConsumedCapacity>& per_table, std::string_view table_name, CapacityUnits units) {
  for (auto& c : per_table)
    if (c.table_name == table_name) {
      c.table += units;
      return;
    }
  per_table.push_back(ConsumedCapacity{.table_name = std::string(table_name), .table = units});
}

void show_requested_name(ConsumedCapacity& c, std::string_view requested) {
  if (requested != c.table_name) c.shown_name = std::string(requested);
}

void show_requested_name(std::vector<ConsumedCapacity>& per_table, std::string_view table_name,
                         std::string_view requested) {
  for (auto& c : per_table)
    if (c.table_name == table_name && c.shown_name.empty()) show_requested_name(c, requested);
}

void write_consumed_capacity(JsonWriter& w, ReturnConsumedCapacity mode, const ConsumedCapacity& c) {
  if (mode == ReturnConsumedCapacity::NONE) return;
  w.key("ConsumedCapacity");
  write_capacity_entry(w, mode, c);
}

void write_consumed_capacity(JsonWriter& w, ReturnConsumedCapacity mode, const std::vector<ConsumedCapacity>& per_table) {
  if (mode == ReturnConsumedCapacity::NONE) return;
  w.key("ConsumedCapacity");
  w.begin_array();
  for (const auto& c : per_table) write_capacity_entry(w, mode, c);
  w.end_array();
}

void write_item_collection_metrics(JsonWriter& w, std::string_view hash_name, const AttributeValue& hash_key,
                                   uint64_t bytes) {
  w.key("ItemCollectionMetrics");
  w.begin_object();
  write_item_collection_metrics_members(w, hash_name, hash_key, bytes);
  w.end_object();
}

void write_item_collection_metrics_members(JsonWriter& w, std::string_view hash_name, const AttributeValue& hash_key,
                                           uint64_t bytes) {
  const double gb = static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0);
  const double low = static_cast<double>(static_cast<long long>(gb));
  w.key("ItemCollectionKey");
  w.begin_object();
  w.key(hash_name);
  w.attribute_value(hash_key);
  w.end_object();
  w.key("SizeEstimateRangeGB");
  w.begin_array();
  w.number_double(low);
  w.number_double(low + 1);
  w.end_array();
}

void check_storage(storage::Status s) {
  switch (s) {
    case storage::Status::ok:
      return;
    case storage::Status::not_found:
      throw ApiError::resource_not_found();
    case storage::Status::map_full:
      throw ApiError::internal("The data store is full (see --map-size); delete items or tables to make room");
    case storage::Status::no_space:
      throw ApiError::internal("The disk holding the data store is full; delete items or tables, or free disk space");
    case storage::Status::collection_full:
      throw ApiError(ErrorCode::ItemCollectionSizeLimitExceededException, "Collection size exceeded");
    default:
      throw ApiError::internal();
  }
}

}  // namespace ddbd::api
