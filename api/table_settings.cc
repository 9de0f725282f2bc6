// SSESpecification, OnDemandThroughput, WarmThroughput and TableClass:
// decoding, the rules that need the table, and DescribeTable's members.
//
// What DescribeTable shows (as DynamoDB does):
//   - SSEDescription only for a KMS key: {Status ENABLED, SSEType KMS,
//     KMSMasterKeyArn}; a table on the default AWS-owned key has none.
//     Without KMSMasterKeyId the key is the account's AWS-managed key
//     (alias aws/dynamodb): one stable key ARN per account and region.
//   - OnDemandThroughput for PAY_PER_REQUEST tables, -1 for "no maximum".
//   - WarmThroughput for every table: the requested values, never below
//     DynamoDB's defaults (12000 reads, 4000 writes per second) nor below
//     the provisioned capacity; Status follows the table's.
//   - TableClassSummary once a TableClass was given.
#include "api/table_settings.hh"

#include <algorithm>

#include "api/errors.hh"
#include "api/hex.hh"
#include "storage/digest.hh"

namespace ddbd::api {

namespace {

[[noreturn]] void invalid(const std::string& msg) {
  throw ApiError::validation("One or more parameter values were invalid: " + msg);
}

// The AWS-managed key of DynamoDB (alias aws/dynamodb) in an account and
// region: a key id derived from both, so every table there shows the same.
std::string aws_managed_key_arn(const std::string& region, const std::string& account) {
  const std::string seed = "aws/dynamodb:" + region + ":" + account;
  const storage::Sha256Digest d = storage::sha256(seed);
  unsigned char b[16];
  std::copy(d.begin(), d.begin() + 16, b);
  return "arn:aws:kms:" + region + ":" + account + ":key/" + uuid_text(b);
}

// KMSMasterKeyId (a key id, a key ARN, an alias name or an alias ARN) as the
// ARN DescribeTable shows.
std::string kms_key_arn(const std::string& key_id, const std::string& region, const std::string& account) {
  if (key_id.starts_with("arn:")) return key_id;
  if (key_id.starts_with("alias/")) return "arn:aws:kms:" + region + ":" + account + ":" + key_id;
  return "arn:aws:kms:" + region + ":" + account + ":key/" + key_id;
}

void check_on_demand_value(std::string_view member, int64_t v) {
  if (v != -1 && v < 1)
    invalid(std::string(member) + " must be -1 (no maximum) or at least 1; given " + std::to_string(v));
}

}  // namespace

FieldSpec on_demand_throughput_spec() {
  return FieldSpec{.name = "OnDemandThroughput",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "MaxReadRequestUnits", .type = FieldType::Long},
                               FieldSpec{.name = "MaxWriteRequestUnits", .type = FieldType::Long}}};
}

FieldSpec warm_throughput_spec() {
  return FieldSpec{.name = "WarmThroughput",
                   .type = FieldType::Struct,
                   .members = {FieldSpec{.name = "ReadUnitsPerSecond", .type = FieldType::Long, .min_value = 1},
                               FieldSpec{.name = "WriteUnitsPerSecond", .type = FieldType::Long, .min_value = 1}}};
}

std::optional<SseRequest> decode_sse(json::object body, std::string_view member) {
  auto sse = get_object(body, member);
  if (!sse) return std::nullopt;
  SseRequest s;
  s.enabled = get_bool(*sse, "Enabled");
  if (auto t = get_string(*sse, "SSEType")) s.sse_type = std::string(*t);
  if (auto k = get_string(*sse, "KMSMasterKeyId")) s.kms_key_id = std::string(*k);
  return s;
}

void apply_sse(const SseRequest& sse, storage::TableDef& def, const std::string& region, const std::string& account) {
  const bool enabled = sse.enabled.value_or(false);
  if (!enabled) {
    if (sse.sse_type || sse.kms_key_id)
      invalid("SSEType and KMSMasterKeyId can only be specified when SSE is enabled");
    def.sse_kms = false;
    def.kms_master_key_arn.clear();
    return;
  }
  if (sse.sse_type && *sse.sse_type != "KMS") invalid("Unsupported SSEType: " + *sse.sse_type);
  def.sse_kms = true;
  def.kms_master_key_arn = sse.kms_key_id && !sse.kms_key_id->empty() ? kms_key_arn(*sse.kms_key_id, region, account)
                                                                      : aws_managed_key_arn(region, account);
}

TableSettingsRequest decode_table_settings(json::object body) {
  TableSettingsRequest r;
  r.sse = decode_sse(body, "SSESpecification");
  if (auto od = get_object(body, "OnDemandThroughput")) {
    r.has_on_demand = true;
    r.on_demand_max_read = get_long(*od, "MaxReadRequestUnits");
    r.on_demand_max_write = get_long(*od, "MaxWriteRequestUnits");
    if (r.on_demand_max_read) check_on_demand_value("MaxReadRequestUnits", *r.on_demand_max_read);
    if (r.on_demand_max_write) check_on_demand_value("MaxWriteRequestUnits", *r.on_demand_max_write);
  }
  if (auto warm = get_object(body, "WarmThroughput")) {
    r.has_warm = true;
    r.warm_read = get_long(*warm, "ReadUnitsPerSecond");
    r.warm_write = get_long(*warm, "WriteUnitsPerSecond");
    if (!r.warm_read && !r.warm_write)
      invalid("WarmThroughput must specify ReadUnitsPerSecond, WriteUnitsPerSecond or both");
  }
  return r;
}

void apply_table_settings(const TableSettingsRequest& req, storage::TableDef& def, const std::string& region,
                          const std::string& account) {
  // Every check before the first change (apply_sse checks before it writes).
  if (def.billing_mode != "PAY_PER_REQUEST" && req.has_on_demand)
    invalid("OnDemandThroughput can only be specified when BillingMode is PAY_PER_REQUEST");
  if (req.sse) apply_sse(*req.sse, def, region, account);
  if (def.billing_mode != "PAY_PER_REQUEST") {
    def.on_demand_max_read = def.on_demand_max_write = 0;
  } else if (req.has_on_demand) {
    if (req.on_demand_max_read) def.on_demand_max_read = *req.on_demand_max_read;
    if (req.on_demand_max_write) def.on_demand_max_write = *req.on_demand_max_write;
  }
  if (req.has_warm) {
    // Warm throughput only grows: a value below the current one keeps it.
    if (req.warm_read) def.warm_read = std::max(def.warm_read, *req.warm_read);
    if (req.warm_write) def.warm_write = std::max(def.warm_write, *req.warm_write);
  }
}

void apply_table_class(const std::string& table_class, storage::TableDef& def, double now, bool creating) {
  if (creating || def.table_class != table_class) def.table_class_last_update = now;
  def.table_class = table_class;
}

void write_table_class_summary(JsonWriter& w, const storage::TableDef& t) {
  if (t.table_class_last_update <= 0) return;
  w.key("TableClassSummary");
  w.begin_object();
  w.key("TableClass");
  w.string(t.table_class);
  w.key("LastUpdateDateTime");
  w.number_double(t.table_class_last_update);
  w.end_object();
}

void write_table_settings(JsonWriter& w, const storage::TableDef& t, std::string_view table_status) {
  write_table_class_summary(w, t);
  if (t.sse_kms) {
    w.key("SSEDescription");
    w.begin_object();
    w.key("Status");
    w.string("ENABLED");
    w.key("SSEType");
    w.string("KMS");
    w.key("KMSMasterKeyArn");
    w.string(t.kms_master_key_arn);
    w.end_object();
  }
  if (t.billing_mode == "PAY_PER_REQUEST") {
    w.key("OnDemandThroughput");
    w.begin_object();
    w.key("MaxReadRequestUnits");
    w.number(t.on_demand_max_read ? t.on_demand_max_read : int64_t{-1});
    w.key("MaxWriteRequestUnits");
    w.number(t.on_demand_max_write ? t.on_demand_max_write : int64_t{-1});
    w.end_object();
  }
  w.key("WarmThroughput");
  w.begin_object();
  w.key("ReadUnitsPerSecond");
  w.number(std::max({t.warm_read, t.read_capacity, kDefaultWarmReadUnits}));
  w.key("WriteUnitsPerSecond");
  w.number(std::max({t.warm_write, t.write_capacity, kDefaultWarmWriteUnits}));
  w.key("Status");
  w.string(table_status == "CREATING" || table_status == "UPDATING" || table_status == "DELETING" ? table_status
                                                                                                 : "ACTIVE");
  w.end_object();
}

}  // namespace ddbd::api
