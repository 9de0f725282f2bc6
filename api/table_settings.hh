// The table settings CreateTable and UpdateTable take besides keys, indexes,
// billing and streams: SSESpecification, OnDemandThroughput and
// WarmThroughput (TableClass and DeletionProtectionEnabled are single
// members, decoded by the operations), and how DescribeTable shows them
// (TableClassSummary, SSEDescription, OnDemandThroughput, WarmThroughput).
//
// decode_table_settings() runs after check_request() has checked the specs
// below (types, Coral constraints); apply_table_settings() checks the rules
// that need the table (billing mode) and writes the storage::TableDef
// fields (catalog tags 30-37).
//
// Thread-safety: stateless functions; the structs belong to one request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/field_spec.hh"
#include "api/json_reader.hh"
#include "api/json_writer.hh"
#include "storage/schema.hh"

namespace ddbd::api {

struct SseRequest {
  std::optional<bool> enabled;
  std::optional<std::string> sse_type;    // AES256 or KMS
  std::optional<std::string> kms_key_id;  // KMSMasterKeyId: key id, key ARN, alias name or alias ARN
};

struct TableSettingsRequest {
  std::optional<SseRequest> sse;
  bool has_on_demand = false;  // OnDemandThroughput given
  std::optional<int64_t> on_demand_max_read, on_demand_max_write;
  bool has_warm = false;       // WarmThroughput given
  std::optional<int64_t> warm_read, warm_write;

  bool empty() const { return !sse && !has_on_demand && !has_warm; }
};

// DynamoDB's default warm throughput of a table (what DescribeTable shows
// for a table created without WarmThroughput): 12000 read and 4000 write
// units per second.
inline constexpr int64_t kDefaultWarmReadUnits = 12000;
inline constexpr int64_t kDefaultWarmWriteUnits = 4000;

// Specs of OnDemandThroughput and WarmThroughput (SSESpecification's is
// sse_specification_spec(), api/table_schema.hh).
FieldSpec on_demand_throughput_spec();
FieldSpec warm_throughput_spec();

TableSettingsRequest decode_table_settings(json::object body);
// An SSESpecification-shaped member (SSESpecification, or RestoreTableFromBackup's
// SSESpecificationOverride), checked by check_request already.
std::optional<SseRequest> decode_sse(json::object body, std::string_view member);
// Applies an SSE request to `def` (as apply_table_settings does for its
// SSESpecification).  Throws ApiError (ValidationException), changing nothing.
void apply_sse(const SseRequest& sse, storage::TableDef& def, const std::string& region, const std::string& account);

// Checks `req` against the table (its billing mode as it will be after the
// request) and applies it to `def`.  `region` and `account` name the KMS key
// ARN.  Throws ApiError (ValidationException) and changes nothing then.
void apply_table_settings(const TableSettingsRequest& req, storage::TableDef& def, const std::string& region,
                          const std::string& account);

// TableClass given at CreateTable / UpdateTable: sets table_class and
// table_class_last_update (when it changes, or at creation).
void apply_table_class(const std::string& table_class, storage::TableDef& def, double now, bool creating);

// Writes the member "TableClassSummary" once a TableClass was given.
void write_table_class_summary(JsonWriter& w, const storage::TableDef& t);

// Writes the members "TableClassSummary", "SSEDescription" (KMS only),
// "OnDemandThroughput" (when set) and "WarmThroughput" of a table
// description (inside its object).
void write_table_settings(JsonWriter& w, const storage::TableDef& t, std::string_view table_status);

}  // namespace ddbd::api
