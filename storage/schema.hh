// TableDef: everything the catalog stores about one table.
//
// storage/ needs the key schema (to encode keys) and the index definitions
// (to maintain indexes); the remaining members are table metadata that the
// catalog persists for the api layer (billing, throughput, tags, ...).  The
// catalog encodes a TableDef with a tagged binary format (catalog.cc), so
// members can be added without a migration: append new tags, never reuse one.
//
// Thread-safety: plain value.  The engine hands out
// std::shared_ptr<const TableDef> snapshots; a published TableDef is never
// modified (updates publish a new one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/attribute_value.hh"

namespace ddbd::storage {

struct KeyAttr {
  std::string name;
  AttrType type = AttrType::S;  // S, N or B
};

// A key schema.  Tables and LSIs have one HASH attribute and at most one
// RANGE attribute.  A GSI may have up to 4 of each (DynamoDB's
// multi-attribute keys): `hash` and `range` are then the first of each and
// `hash_more` / `range_more` the others, in KeySchema order.
struct KeySchema {
  KeyAttr hash;
  std::optional<KeyAttr> range;
  std::vector<KeyAttr> hash_more;
  std::vector<KeyAttr> range_more;

  // More than one HASH or more than one RANGE attribute.
  bool multi() const { return !hash_more.empty() || !range_more.empty(); }
  std::size_t hash_count() const { return 1 + hash_more.size(); }
  std::size_t range_count() const { return range ? 1 + range_more.size() : 0; }
  // The i-th HASH / RANGE attribute (i < hash_count() / range_count()).
  const KeyAttr& hash_at(std::size_t i) const { return i == 0 ? hash : hash_more[i - 1]; }
  const KeyAttr& range_at(std::size_t i) const { return i == 0 ? *range : range_more[i - 1]; }
  // Calls f(const KeyAttr&, bool is_hash) for every key attribute in
  // KeySchema order: the HASH attributes, then the RANGE attributes.
  template <class F>
  void for_each(F&& f) const {
    f(hash, true);
    for (const auto& a : hash_more) f(a, true);
    if (range) f(*range, false);
    for (const auto& a : range_more) f(a, false);
  }
  // Whether `name` is one of the key attributes.
  bool contains(std::string_view name) const {
    bool found = false;
    for_each([&](const KeyAttr& a, bool) { found = found || a.name == name; });
    return found;
  }
};

enum class ProjectionType : uint8_t { ALL = 0, KEYS_ONLY = 1, INCLUDE = 2 };  // on disk: frozen

struct IndexDef {
  std::string name;
  bool global = true;        // GSI or LSI
  KeySchema key;
  ProjectionType projection = ProjectionType::ALL;
  std::vector<std::string> non_key_attributes;  // INCLUDE
  std::string status = "ACTIVE";  // CREATING, UPDATING, DELETING, ACTIVE
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;
  uint32_t index_id = 0;     // storage-assigned, unique within the table
};

struct TableDef {
  // Identity.
  std::string ns;            // namespace: "<access key>/<region>" or "shared"
  std::string name;
  uint64_t table_id = 0;     // assigned by the engine at creation, never reused
  std::string table_uuid;    // TableId as DynamoDB shows it
  std::string region;        // for the ARN
  std::string account_id;    // for the ARN

  KeySchema key;
  std::vector<std::pair<std::string, AttrType>> attribute_definitions;
  std::vector<IndexDef> indexes;

  // Metadata.
  std::string status = "ACTIVE";        // CREATING, ACTIVE, UPDATING, DELETING
  double creation_time = 0;             // seconds since the epoch
  double status_ready_time = 0;         // when a transient status ends (--delay-transient-statuses)
  std::string billing_mode = "PROVISIONED";  // PROVISIONED or PAY_PER_REQUEST
  double billing_mode_last_update = 0;
  int64_t read_capacity = 0;
  int64_t write_capacity = 0;
  double last_increase_time = 0;
  double last_decrease_time = 0;
  int64_t decreases_today = 0;
  // When the table last switched from PROVISIONED to PAY_PER_REQUEST (the
  // most recent few, for DynamoDB's limit of 4 such switches in 24 hours).
  std::vector<double> on_demand_switch_times;
  std::vector<std::pair<std::string, std::string>> tags;
  bool deletion_protection = false;
  std::string table_class = "STANDARD";
  double table_class_last_update = 0;  // TableClassSummary.LastUpdateDateTime; 0: never changed

  // SSESpecification.  sse_kms false: the default AWS-owned key (DynamoDB
  // then shows no SSEDescription); true: a KMS key, kms_master_key_arn.
  bool sse_kms = false;
  std::string kms_master_key_arn;

  // OnDemandThroughput (PAY_PER_REQUEST tables); 0: not set, -1: no maximum.
  int64_t on_demand_max_read = 0;
  int64_t on_demand_max_write = 0;

  // WarmThroughput as requested; 0: DynamoDB's default for the table.
  int64_t warm_read = 0;
  int64_t warm_write = 0;

  // DynamoDB Streams (streams/).  The latest stream of the table: while
  // stream_enabled, changes are recorded to it; after it is disabled its
  // label and id stay (DescribeTable's LatestStreamArn), and enabling again
  // makes a new stream with a new label and id.
  bool stream_enabled = false;
  std::string stream_view_type;  // KEYS_ONLY, NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES
  std::string stream_label;      // LatestStreamLabel; empty: never had a stream
  uint64_t stream_id = 0;        // streams/' id of that stream; 0: none

  // Time to Live (UpdateTimeToLive).  ttl_attribute is kept after TTL is
  // disabled; ttl_updated_time is when TTL was last enabled or disabled (the
  // ENABLING / DISABLING window and the once-an-hour rule start there).
  bool ttl_enabled = false;
  std::string ttl_attribute;
  double ttl_updated_time = 0;

  // Point-in-time recovery settings (UpdateContinuousBackups); disabled by
  // default.  pitr_enabled_time: when it was last enabled (the start of the
  // restorable window).
  bool pitr_enabled = false;
  int64_t pitr_recovery_days = 35;
  double pitr_enabled_time = 0;

  // RestoreSummary of a table made by RestoreTableFromBackup or
  // RestoreTableToPointInTime (empty restore_source_table_arn: not a
  // restored table).  While
  // restore_in_progress the table is CREATING and api/backups fills it.
  std::string restore_source_backup_arn;
  std::string restore_source_table_arn;
  double restore_time = 0;
  bool restore_in_progress = false;
  // RestoreTableToPointInTime (empty restore_source_backup_arn): the
  // source table's table_id (api/pitr.hh resumes the restore from it).
  uint64_t restore_source_table_id = 0;

  // Global tables (issue 18): the table's replica set and settings, encoded
  // and read by api/global_tables.hh only (storage keeps the bytes); empty:
  // not a replica of a global table.
  std::string global_table;

  const IndexDef* find_index(std::string_view index_name) const {
    for (const auto& i : indexes)
      if (i.name == index_name) return &i;
    return nullptr;
  }
};

}  // namespace ddbd::storage
