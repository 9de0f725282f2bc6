#include "storage/catalog.hh"

#include <bit>
#include <cstring>

#include "storage/item_codec.hh"

namespace ddbd::storage {

namespace {

// Field tags of the TableDef encoding.  On disk: frozen.
enum Tag : uint32_t {
  kNs = 1,
  kName = 2,
  kTableId = 3,
  kUuid = 4,
  kRegion = 5,
  kAccount = 6,
  kKeySchema = 7,
  kAttrDef = 8,      // repeated
  kIndex = 9,        // repeated
  kStatus = 10,
  kCreationTime = 11,
  kStatusReady = 12,
  kBilling = 13,
  kBillingUpdate = 14,
  kRcu = 15,
  kWcu = 16,
  kLastIncrease = 17,
  kLastDecrease = 18,
  kDecreasesToday = 19,
  kTag = 20,         // repeated
  kDeletionProtection = 21,
  kTableClass = 22,
  kStreamEnabled = 23,
  kStreamViewType = 24,
  kStreamLabel = 25,
  kStreamId = 26,
  kTtlEnabled = 27,
  kTtlAttribute = 28,
  kTtlUpdated = 29,
  // 30-39: table settings (issue 14).
  kTableClassUpdate = 30,
  kSseKms = 31,
  kKmsKeyArn = 32,
  kOnDemandMaxRead = 33,   // int64 as its two's complement u64 (-1: no maximum)
  kOnDemandMaxWrite = 34,
  kWarmRead = 35,
  kWarmWrite = 36,
  // 40-49: backups and PITR (issue 14).
  kPitrEnabled = 40,
  kPitrRecoveryDays = 41,
  kPitrEnabledTime = 42,
  kRestoreBackupArn = 43,
  kRestoreTableArn = 44,
  kRestoreTime = 45,
  kRestoreInProgress = 46,
  kRestoreSourceTableId = 47,
  // 50-59: capacity.
  kOnDemandSwitch = 50,  // repeated
  // 60-69: global tables (issue 18).
  kGlobalTable = 60,  // api/global_tables.hh's encoding, opaque here
};

// Index sub-fields.  On disk: frozen.
enum IndexTag : uint32_t {
  kIxName = 1,
  kIxGlobal = 2,
  kIxKey = 3,
  kIxProjection = 4,
  kIxNonKey = 5,  // repeated
  kIxStatus = 6,
  kIxRcu = 7,
  kIxWcu = 8,
  kIxId = 9,
  // 60-69: multi-attribute GSI keys (issue 15).  Each is one KeyAttr (name
  // bytes, type byte), repeated in KeySchema order; an index without them
  // has a single-attribute key, as every index written before them.
  kIxHashMore = 60,   // the 2nd..4th HASH attributes
  kIxRangeMore = 61,  // the 2nd..4th RANGE attributes
};

void field(std::string& out, uint32_t tag, std::string_view payload) {
  put_varint(out, tag);
  put_bytes(out, payload);
}
void field_u64(std::string& out, uint32_t tag, uint64_t v) {
  std::string p;
  put_varint(p, v);
  field(out, tag, p);
}
void field_double(std::string& out, uint32_t tag, double d) {
  field_u64(out, tag, std::bit_cast<uint64_t>(d));
}

std::string encode_key_attr(const KeyAttr& a) {
  std::string p;
  put_bytes(p, a.name);
  p.push_back(static_cast<char>(a.type));
  return p;
}

// The first HASH and RANGE attributes; multi-attribute keys carry the others
// in kIxHashMore / kIxRangeMore.
std::string encode_key_schema(const KeySchema& k) {
  std::string p;
  put_bytes(p, k.hash.name);
  p.push_back(static_cast<char>(k.hash.type));
  if (k.range) {
    put_bytes(p, k.range->name);
    p.push_back(static_cast<char>(k.range->type));
  }
  return p;
}

bool decode_key_attr(std::string_view& in, KeyAttr& a) {
  std::string_view name;
  if (!get_bytes(in, name) || in.empty()) return false;
  a.name.assign(name);
  a.type = static_cast<AttrType>(in.front());
  in.remove_prefix(1);
  return true;
}

bool decode_key_schema(std::string_view in, KeySchema& k) {
  if (!decode_key_attr(in, k.hash)) return false;
  if (!in.empty()) {
    KeyAttr r;
    if (!decode_key_attr(in, r)) return false;
    k.range = r;
  }
  return in.empty();
}

bool as_u64(std::string_view p, uint64_t& v) { return get_varint(p, v) && p.empty(); }

std::string encode_index(const IndexDef& ix) {
  std::string p;
  field(p, kIxName, ix.name);
  field_u64(p, kIxGlobal, ix.global ? 1 : 0);
  field(p, kIxKey, encode_key_schema(ix.key));
  field_u64(p, kIxProjection, static_cast<uint64_t>(ix.projection));
  for (const auto& a : ix.non_key_attributes) field(p, kIxNonKey, a);
  field(p, kIxStatus, ix.status);
  field_u64(p, kIxRcu, static_cast<uint64_t>(ix.read_capacity));
  field_u64(p, kIxWcu, static_cast<uint64_t>(ix.write_capacity));
  field_u64(p, kIxId, ix.index_id);
  for (const auto& a : ix.key.hash_more) field(p, kIxHashMore, encode_key_attr(a));
  for (const auto& a : ix.key.range_more) field(p, kIxRangeMore, encode_key_attr(a));
  return p;
}

bool decode_index(std::string_view in, IndexDef& ix) {
  while (!in.empty()) {
    uint64_t tag, v = 0;
    std::string_view p;
    if (!get_varint(in, tag) || !get_bytes(in, p)) return false;
    switch (tag) {
      case kIxName: ix.name.assign(p); break;
      case kIxGlobal: if (!as_u64(p, v)) return false; ix.global = v != 0; break;
      case kIxKey: if (!decode_key_schema(p, ix.key)) return false; break;
      case kIxProjection: if (!as_u64(p, v)) return false; ix.projection = static_cast<ProjectionType>(v); break;
      case kIxNonKey: ix.non_key_attributes.emplace_back(p); break;
      case kIxStatus: ix.status.assign(p); break;
      case kIxRcu: if (!as_u64(p, v)) return false; ix.read_capacity = static_cast<int64_t>(v); break;
      case kIxWcu: if (!as_u64(p, v)) return false; ix.write_capacity = static_cast<int64_t>(v); break;
      case kIxId: if (!as_u64(p, v)) return false; ix.index_id = static_cast<uint32_t>(v); break;
      case kIxHashMore:
      case kIxRangeMore: {
        KeyAttr a;
        if (!decode_key_attr(p, a) || !p.empty()) return false;
        (tag == kIxHashMore ? ix.key.hash_more : ix.key.range_more).push_back(std::move(a));
        break;
      }
      default: break;
    }
  }
  return true;
}

}  // namespace

std::string catalog_key(std::string_view ns, std::string_view name) {
  std::string k;
  k.reserve(ns.size() + 1 + name.size());
  k.append(ns);
  k.push_back('\0');
  k.append(name);
  return k;
}

void encode_table_def(const TableDef& d, std::string& out) {
  field(out, kNs, d.ns);
  field(out, kName, d.name);
  field_u64(out, kTableId, d.table_id);
  field(out, kUuid, d.table_uuid);
  field(out, kRegion, d.region);
  field(out, kAccount, d.account_id);
  field(out, kKeySchema, encode_key_schema(d.key));
  for (const auto& [name, type] : d.attribute_definitions) {
    std::string p;
    put_bytes(p, name);
    p.push_back(static_cast<char>(type));
    field(out, kAttrDef, p);
  }
  for (const auto& ix : d.indexes) field(out, kIndex, encode_index(ix));
  field(out, kStatus, d.status);
  field_double(out, kCreationTime, d.creation_time);
  field_double(out, kStatusReady, d.status_ready_time);
  field(out, kBilling, d.billing_mode);
  field_double(out, kBillingUpdate, d.billing_mode_last_update);
  field_u64(out, kRcu, static_cast<uint64_t>(d.read_capacity));
  field_u64(out, kWcu, static_cast<uint64_t>(d.write_capacity));
  field_double(out, kLastIncrease, d.last_increase_time);
  field_double(out, kLastDecrease, d.last_decrease_time);
  field_u64(out, kDecreasesToday, static_cast<uint64_t>(d.decreases_today));
  for (double t : d.on_demand_switch_times) field_double(out, kOnDemandSwitch, t);
  for (const auto& [k, v] : d.tags) {
    std::string p;
    put_bytes(p, k);
    put_bytes(p, v);
    field(out, kTag, p);
  }
  field_u64(out, kDeletionProtection, d.deletion_protection ? 1 : 0);
  field(out, kTableClass, d.table_class);
  if (d.stream_enabled) field_u64(out, kStreamEnabled, 1);
  if (!d.stream_view_type.empty()) field(out, kStreamViewType, d.stream_view_type);
  if (!d.stream_label.empty()) field(out, kStreamLabel, d.stream_label);
  if (d.stream_id != 0) field_u64(out, kStreamId, d.stream_id);
  if (d.ttl_enabled) field_u64(out, kTtlEnabled, 1);
  if (!d.ttl_attribute.empty()) field(out, kTtlAttribute, d.ttl_attribute);
  if (d.ttl_updated_time != 0) field_double(out, kTtlUpdated, d.ttl_updated_time);
  if (d.table_class_last_update != 0) field_double(out, kTableClassUpdate, d.table_class_last_update);
  if (d.sse_kms) field_u64(out, kSseKms, 1);
  if (!d.kms_master_key_arn.empty()) field(out, kKmsKeyArn, d.kms_master_key_arn);
  if (d.on_demand_max_read != 0) field_u64(out, kOnDemandMaxRead, static_cast<uint64_t>(d.on_demand_max_read));
  if (d.on_demand_max_write != 0) field_u64(out, kOnDemandMaxWrite, static_cast<uint64_t>(d.on_demand_max_write));
  if (d.warm_read != 0) field_u64(out, kWarmRead, static_cast<uint64_t>(d.warm_read));
  if (d.warm_write != 0) field_u64(out, kWarmWrite, static_cast<uint64_t>(d.warm_write));
  if (d.pitr_enabled) field_u64(out, kPitrEnabled, 1);
  if (d.pitr_recovery_days != 35) field_u64(out, kPitrRecoveryDays, static_cast<uint64_t>(d.pitr_recovery_days));
  if (d.pitr_enabled_time != 0) field_double(out, kPitrEnabledTime, d.pitr_enabled_time);
  if (!d.restore_source_backup_arn.empty()) field(out, kRestoreBackupArn, d.restore_source_backup_arn);
  if (!d.restore_source_table_arn.empty()) field(out, kRestoreTableArn, d.restore_source_table_arn);
  if (d.restore_time != 0) field_double(out, kRestoreTime, d.restore_time);
  if (d.restore_in_progress) field_u64(out, kRestoreInProgress, 1);
  if (d.restore_source_table_id != 0) field_u64(out, kRestoreSourceTableId, d.restore_source_table_id);
  if (!d.global_table.empty()) field(out, kGlobalTable, d.global_table);
}

bool decode_table_def(std::string_view in, TableDef& d) {
  while (!in.empty()) {
    uint64_t tag, v = 0;
    std::string_view p;
    if (!get_varint(in, tag) || !get_bytes(in, p)) return false;
    switch (tag) {
      case kNs: d.ns.assign(p); break;
      case kName: d.name.assign(p); break;
      case kTableId: if (!as_u64(p, v)) return false; d.table_id = v; break;
      case kUuid: d.table_uuid.assign(p); break;
      case kRegion: d.region.assign(p); break;
      case kAccount: d.account_id.assign(p); break;
      case kKeySchema: if (!decode_key_schema(p, d.key)) return false; break;
      case kAttrDef: {
        std::string_view name;
        if (!get_bytes(p, name) || p.size() != 1) return false;
        d.attribute_definitions.emplace_back(std::string(name), static_cast<AttrType>(p.front()));
        break;
      }
      case kIndex: {
        IndexDef ix;
        if (!decode_index(p, ix)) return false;
        d.indexes.push_back(std::move(ix));
        break;
      }
      case kStatus: d.status.assign(p); break;
      case kCreationTime: if (!as_u64(p, v)) return false; d.creation_time = std::bit_cast<double>(v); break;
      case kStatusReady: if (!as_u64(p, v)) return false; d.status_ready_time = std::bit_cast<double>(v); break;
      case kBilling: d.billing_mode.assign(p); break;
      case kBillingUpdate: if (!as_u64(p, v)) return false; d.billing_mode_last_update = std::bit_cast<double>(v); break;
      case kRcu: if (!as_u64(p, v)) return false; d.read_capacity = static_cast<int64_t>(v); break;
      case kWcu: if (!as_u64(p, v)) return false; d.write_capacity = static_cast<int64_t>(v); break;
      case kLastIncrease: if (!as_u64(p, v)) return false; d.last_increase_time = std::bit_cast<double>(v); break;
      case kLastDecrease: if (!as_u64(p, v)) return false; d.last_decrease_time = std::bit_cast<double>(v); break;
      case kDecreasesToday: if (!as_u64(p, v)) return false; d.decreases_today = static_cast<int64_t>(v); break;
      case kOnDemandSwitch: if (!as_u64(p, v)) return false; d.on_demand_switch_times.push_back(std::bit_cast<double>(v)); break;
      case kTag: {
        std::string_view k, val;
        if (!get_bytes(p, k) || !get_bytes(p, val)) return false;
        d.tags.emplace_back(std::string(k), std::string(val));
        break;
      }
      case kDeletionProtection: if (!as_u64(p, v)) return false; d.deletion_protection = v != 0; break;
      case kTableClass: d.table_class.assign(p); break;
      case kStreamEnabled: if (!as_u64(p, v)) return false; d.stream_enabled = v != 0; break;
      case kStreamViewType: d.stream_view_type.assign(p); break;
      case kStreamLabel: d.stream_label.assign(p); break;
      case kStreamId: if (!as_u64(p, v)) return false; d.stream_id = v; break;
      case kTtlEnabled: if (!as_u64(p, v)) return false; d.ttl_enabled = v != 0; break;
      case kTtlAttribute: d.ttl_attribute.assign(p); break;
      case kTtlUpdated: if (!as_u64(p, v)) return false; d.ttl_updated_time = std::bit_cast<double>(v); break;
      case kTableClassUpdate: if (!as_u64(p, v)) return false; d.table_class_last_update = std::bit_cast<double>(v); break;
      case kSseKms: if (!as_u64(p, v)) return false; d.sse_kms = v != 0; break;
      case kKmsKeyArn: d.kms_master_key_arn.assign(p); break;
      case kOnDemandMaxRead: if (!as_u64(p, v)) return false; d.on_demand_max_read = static_cast<int64_t>(v); break;
      case kOnDemandMaxWrite: if (!as_u64(p, v)) return false; d.on_demand_max_write = static_cast<int64_t>(v); break;
      case kWarmRead: if (!as_u64(p, v)) return false; d.warm_read = static_cast<int64_t>(v); break;
      case kWarmWrite: if (!as_u64(p, v)) return false; d.warm_write = static_cast<int64_t>(v); break;
      case kPitrEnabled: if (!as_u64(p, v)) return false; d.pitr_enabled = v != 0; break;
      case kPitrRecoveryDays: if (!as_u64(p, v)) return false; d.pitr_recovery_days = static_cast<int64_t>(v); break;
      case kPitrEnabledTime: if (!as_u64(p, v)) return false; d.pitr_enabled_time = std::bit_cast<double>(v); break;
      case kRestoreBackupArn: d.restore_source_backup_arn.assign(p); break;
      case kRestoreTableArn: d.restore_source_table_arn.assign(p); break;
      case kRestoreTime: if (!as_u64(p, v)) return false; d.restore_time = std::bit_cast<double>(v); break;
      case kRestoreInProgress: if (!as_u64(p, v)) return false; d.restore_in_progress = v != 0; break;
      case kRestoreSourceTableId: if (!as_u64(p, v)) return false; d.restore_source_table_id = v; break;
      case kGlobalTable: d.global_table.assign(p); break;
      default: break;  // a field from a newer version
    }
  }
  return true;
}

std::string encode_definition(const TableDef& def) {
  std::string out;
  encode_table_def(def, out);
  return out;
}

bool decode_definition(std::string_view bytes, TableDef& out) { return decode_table_def(bytes, out); }

}  // namespace ddbd::storage
