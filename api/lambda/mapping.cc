#include "api/lambda/mapping.hh"

#include <simdjson.h>

#include <random>
#include <regex>

#include "api/json_writer.hh"
#include "api/lambda/filter.hh"

namespace ddbd::api::lambda {

namespace dom = simdjson::dom;

namespace {

// The array `e` holds (checked by the caller), as a named value to iterate.
dom::array as_array(dom::element e) {
  dom::array a;
  auto err = e.get_array().get(a);
  (void)err;
  return a;
}

[[noreturn]] void fail(LambdaError e) { throw LambdaException{std::move(e)}; }

// Model-constraint violations, collected as Lambda lists them:
// "N validation error(s) detected: Value 'v' at 'member' failed to satisfy constraint: ...; ...".
class Violations {
 public:
  void add(std::string value, std::string_view member, std::string_view constraint) {
    items_.push_back("Value " + value + " at '" + std::string(member) + "' failed to satisfy constraint: " +
                     std::string(constraint));
  }
  void range(int64_t v, std::string_view member, int64_t lo, int64_t hi) {
    if (v >= lo && v <= hi) return;
    std::string quoted = "'";
    quoted += std::to_string(v);
    quoted += '\'';
    std::string constraint = v < lo ? "Member must have value greater than or equal to " : "Member must have value less than or equal to ";
    constraint += std::to_string(v < lo ? lo : hi);
    add(std::move(quoted), member, constraint);
  }
  void throw_if_any() const {
    if (items_.empty()) return;
    std::string msg = std::to_string(items_.size()) + (items_.size() == 1 ? " validation error" : " validation errors") +
                      " detected: ";
    for (std::size_t i = 0; i < items_.size(); ++i) msg += (i ? "; " : "") + items_[i];
    fail(LambdaError::validation(msg));
  }

 private:
  std::vector<std::string> items_;
};

[[noreturn]] void bad_type(std::string_view member) {
  fail(LambdaError::bad_content("Could not parse request body into json: Unexpected type for member " +
                                std::string(member)));
}

std::optional<int64_t> opt_int(dom::object o, std::string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS) bad_type(key);
  return v;
}

std::optional<std::string> opt_string(dom::object o, std::string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) bad_type(key);
  return std::string(s);
}

std::optional<bool> opt_bool(dom::object o, std::string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  bool b = false;
  if (e.get_bool().get(b) != simdjson::SUCCESS) bad_type(key);
  return b;
}

std::optional<dom::object> opt_object(dom::object o, std::string_view key) {
  dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
  dom::object out;
  if (e.get_object().get(out) != simdjson::SUCCESS) bad_type(key);
  return out;
}

// FilterCriteria {"Filters":[{"Pattern":"..."}]}: each pattern must compile.
std::vector<std::string> read_filters(dom::object fc) {
  std::vector<std::string> out;
  dom::element filters;
  if (fc.at_key("Filters").get(filters) != simdjson::SUCCESS || filters.is_null()) return out;
  if (!filters.is_array()) bad_type("Filters");
  for (dom::element f : as_array(filters)) {
    if (!f.is_object()) bad_type("Filters");
    auto p = opt_string(f.get_object().value(), "Pattern");
    if (!p) fail(LambdaError::invalid_parameter("Invalid filter pattern definition."));
    out.push_back(*p);
  }
  try {
    (void)FilterSet::compile(out);
  } catch (const InvalidPattern&) {
    fail(LambdaError::invalid_parameter(out.size() > FilterSet::kMaxFilters
                                            ? "Filter criteria can contain at most 5 filters."
                                            : "Invalid filter pattern definition."));
  }
  return out;
}

// FunctionResponseTypes: a list of "ReportBatchItemFailures" (or empty).
bool read_response_types(dom::object o, Violations& v) {
  dom::element e;
  if (o.at_key("FunctionResponseTypes").get(e) != simdjson::SUCCESS || e.is_null()) return false;
  if (!e.is_array()) bad_type("FunctionResponseTypes");
  bool report = false;
  for (dom::element t : as_array(e)) {
    std::string_view s;
    if (t.get_string().get(s) != simdjson::SUCCESS) bad_type("FunctionResponseTypes");
    if (s == "ReportBatchItemFailures") report = true;
    else v.add("'[" + std::string(s) + "]'", "functionResponseTypes",
               "Member must satisfy constraint: [Member must satisfy enum value set: [ReportBatchItemFailures]]");
  }
  return report;
}

// DestinationConfig {"OnFailure":{"Destination":"arn"}}; returns the destination.
std::string read_destination(dom::object dc) {
  auto on_failure = opt_object(dc, "OnFailure");
  if (!on_failure) return {};
  auto d = opt_string(*on_failure, "Destination");
  if (d && !d->empty() && !(d->starts_with("arn:aws:sqs:") || d->starts_with("arn:aws:sns:") ||
                            d->starts_with("arn:aws:s3:")))
    fail(LambdaError::invalid_parameter("The provided destination config DestinationConfig(onSuccess=null, onFailure=OnFailure(destination=" +
                                        *d + ")) is invalid."));
  return d.value_or("");
}

void read_numbers(dom::object o, Mapping& m, Violations& v) {
  if (auto x = opt_int(o, "BatchSize")) v.range(m.batch_size = *x, "batchSize", 1, 10000);
  if (auto x = opt_int(o, "MaximumBatchingWindowInSeconds"))
    v.range(m.batching_window = *x, "maximumBatchingWindowInSeconds", 0, 300);
  if (auto x = opt_int(o, "MaximumRetryAttempts")) v.range(m.max_retries = *x, "maximumRetryAttempts", -1, 10000);
  if (auto x = opt_int(o, "MaximumRecordAgeInSeconds"))
    v.range(m.max_record_age = *x, "maximumRecordAgeInSeconds", -1, 604800);
  if (auto x = opt_int(o, "ParallelizationFactor")) v.range(m.parallelization = *x, "parallelizationFactor", 1, 10);
  if (auto x = opt_int(o, "TumblingWindowInSeconds")) v.range(m.tumbling_window = *x, "tumblingWindowInSeconds", 0, 900);
}

// Lambda's own rules, checked after the model constraints.
void check_semantics(const Mapping& m, bool create) {
  if (m.max_record_age >= 0 && m.max_record_age < 60)
    fail(LambdaError::invalid_parameter("MaximumRecordAgeInSeconds must be -1 or between 60 and 604800."));
  if (!create) return;
  if (m.event_source_arn.empty())
    fail(LambdaError::invalid_parameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk or mq."));
  if (!m.event_source_arn.starts_with("arn:aws:dynamodb:") || m.event_source_arn.find("/stream/") == std::string::npos)
    fail(LambdaError::invalid_parameter("Unrecognized event source, must be kinesis, dynamodb stream, sqs, msk or mq."));
  if (m.starting_position.empty())
    fail(LambdaError::invalid_parameter("1 validation error detected: Value null at 'startingPosition' failed to "
                                        "satisfy constraint: Member must not be null"));
  if (m.starting_position == "AT_TIMESTAMP")
    fail(LambdaError::invalid_parameter("Unsupported starting position for arn type: " + m.event_source_arn));
}

std::string field(dom::object o, std::string_view key) {
  dom::element e;
  std::string_view s;
  if (o.at_key(key).get(e) == simdjson::SUCCESS && e.get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

int64_t int_field(dom::object o, std::string_view key, int64_t dflt) {
  dom::element e;
  int64_t v = 0;
  if (o.at_key(key).get(e) == simdjson::SUCCESS && e.get_int64().get(v) == simdjson::SUCCESS) return v;
  return dflt;
}

}  // namespace

FunctionRef parse_function_name(std::string_view function_name, std::string_view region, std::string_view account) {
  static const std::regex kPattern(
      R"((arn:(aws[a-zA-Z-]*)?:lambda:)?(([a-z]{2}(-gov)?-[a-z]+-\d{1}):)?((\d{12}):)?(function:)?([a-zA-Z0-9\-_]+)(:(\$LATEST|[a-zA-Z0-9\-_]+))?)");
  std::smatch mt;
  const std::string s(function_name);
  if (s.empty() || s.size() > 140 || !std::regex_match(s, mt, kPattern)) {
    Violations v;
    v.add("'" + s + "'", "functionName",
          s.size() > 140 ? "Member must have length less than or equal to 140"
                         : "Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?");
    v.throw_if_any();
  }
  // A bare "name:qualifier" is fine; "acct:name" without "function:" is not a partial ARN.
  if (mt[6].matched && !mt[8].matched)
    fail(LambdaError::invalid_parameter("Unsupported function name format: " + s));
  FunctionRef ref;
  ref.name = mt[9].str();
  const std::string r = mt[4].matched ? mt[4].str() : std::string(region);
  const std::string a = mt[7].matched ? mt[7].str() : std::string(account);
  ref.arn = "arn:aws:lambda:" + r + ":" + a + ":function:" + ref.name + (mt[10].matched ? mt[10].str() : "");
  return ref;
}

std::optional<bool> apply_request(Mapping& m, std::string_view body, bool create, std::string_view region,
                                  std::string_view account) {
  dom::parser parser;
  dom::element root;
  std::string padded(body.empty() ? std::string_view("{}") : body);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS || !root.is_object())
    fail(LambdaError::bad_content("Could not parse request body into json: Could not parse payload into json"));
  dom::object o = root.get_object().value();
  Violations v;
  auto fn = opt_string(o, "FunctionName");
  if (create && !fn) v.add("null", "functionName", "Member must not be null");
  if (create) {
    m.event_source_arn = opt_string(o, "EventSourceArn").value_or("");
    auto sp = opt_string(o, "StartingPosition");
    m.starting_position = sp.value_or("");
    if (sp && *sp != "TRIM_HORIZON" && *sp != "LATEST" && *sp != "AT_TIMESTAMP")
      v.add("'" + *sp + "'", "startingPosition", "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]");
  }
  read_numbers(o, m, v);
  dom::element rt;
  if (o.at_key("FunctionResponseTypes").get(rt) == simdjson::SUCCESS) m.report_item_failures = read_response_types(o, v);
  v.throw_if_any();
  if (fn) {
    FunctionRef ref = parse_function_name(*fn, region, account);
    m.function_name = ref.name;
    m.function_arn = ref.arn;
  }
  if (auto fc = opt_object(o, "FilterCriteria")) {
    m.filters = read_filters(*fc);
    m.has_filter_criteria = true;
  }
  if (auto dc = opt_object(o, "DestinationConfig")) m.on_failure = read_destination(*dc);
  if (auto b = opt_bool(o, "BisectBatchOnFunctionError")) m.bisect = *b;
  check_semantics(m, create);
  return opt_bool(o, "Enabled");
}

void write_json(JsonWriter& w, const Mapping& m) {
  w.key("UUID"); w.string(m.uuid);
  w.key("StartingPosition"); w.string(m.starting_position);
  w.key("BatchSize"); w.number(m.batch_size);
  w.key("MaximumBatchingWindowInSeconds"); w.number(m.batching_window);
  w.key("ParallelizationFactor"); w.number(m.parallelization);
  w.key("EventSourceArn"); w.string(m.event_source_arn);
  if (m.has_filter_criteria) {
    w.key("FilterCriteria"); w.begin_object(); w.key("Filters"); w.begin_array();
    for (const std::string& p : m.filters) { w.begin_object(); w.key("Pattern"); w.string(p); w.end_object(); }
    w.end_array(); w.end_object();
  }
  w.key("FunctionArn"); w.string(m.function_arn);
  w.key("LastModified"); w.number_double(m.last_modified);
  w.key("LastProcessingResult"); w.string(m.last_result);
  w.key("State"); w.string(m.state);
  w.key("StateTransitionReason"); w.string(m.state_reason);
  w.key("DestinationConfig"); w.begin_object(); w.key("OnFailure"); w.begin_object();
  if (!m.on_failure.empty()) { w.key("Destination"); w.string(m.on_failure); }
  w.end_object(); w.end_object();
  w.key("MaximumRecordAgeInSeconds"); w.number(m.max_record_age);
  w.key("BisectBatchOnFunctionError"); w.boolean(m.bisect);
  w.key("MaximumRetryAttempts"); w.number(m.max_retries);
  w.key("TumblingWindowInSeconds"); w.number(m.tumbling_window);
  w.key("FunctionResponseTypes"); w.begin_array();
  if (m.report_item_failures) w.string("ReportBatchItemFailures");
  w.end_array();
  w.key("EventSourceMappingArn");
  w.string("arn:aws:lambda:" + m.region + ":" + m.account + ":event-source-mapping:" + m.uuid);
}

std::string to_json(const Mapping& m) {
  JsonWriter w;
  w.begin_object();
  write_json(w, m);
  w.end_object();
  return w.take();
}

std::string to_stored_json(const Mapping& m) {
  JsonWriter w;
  w.begin_object();
  write_json(w, m);
  w.key("_ns"); w.string(m.ns);
  w.key("_region"); w.string(m.region);
  w.key("_account"); w.string(m.account);
  w.key("_function_name"); w.string(m.function_name);
  w.end_object();
  return w.take();
}

std::optional<Mapping> from_stored_json(std::string_view json) {
  dom::parser parser;
  dom::element root;
  std::string copy(json);
  if (parser.parse(copy).get(root) != simdjson::SUCCESS || !root.is_object()) return std::nullopt;
  dom::object o = root.get_object().value();
  Mapping m;
  m.uuid = field(o, "UUID");
  if (m.uuid.empty()) return std::nullopt;
  m.ns = field(o, "_ns"); m.region = field(o, "_region"); m.account = field(o, "_account");
  m.function_name = field(o, "_function_name");
  m.event_source_arn = field(o, "EventSourceArn"); m.function_arn = field(o, "FunctionArn");
  m.state = field(o, "State"); m.state_reason = field(o, "StateTransitionReason");
  m.last_result = field(o, "LastProcessingResult"); m.starting_position = field(o, "StartingPosition");
  double lm = 0;
  dom::element e;
  if (o.at_key("LastModified").get(e) == simdjson::SUCCESS && e.get_double().get(lm) == simdjson::SUCCESS) m.last_modified = lm;
  m.batch_size = int_field(o, "BatchSize", 100);
  m.batching_window = int_field(o, "MaximumBatchingWindowInSeconds", 0);
  m.parallelization = int_field(o, "ParallelizationFactor", 1);
  m.max_record_age = int_field(o, "MaximumRecordAgeInSeconds", -1);
  m.max_retries = int_field(o, "MaximumRetryAttempts", -1);
  m.tumbling_window = int_field(o, "TumblingWindowInSeconds", 0);
  bool b = false;
  if (o.at_key("BisectBatchOnFunctionError").get(e) == simdjson::SUCCESS && e.get_bool().get(b) == simdjson::SUCCESS) m.bisect = b;
  dom::element fc;
  if (o.at_key("FilterCriteria").get(fc) == simdjson::SUCCESS) {
    m.has_filter_criteria = true;
    dom::array fs;
    if (fc.at_key("Filters").get_array().get(fs) == simdjson::SUCCESS)
      for (dom::element f : fs) m.filters.push_back(field(f.get_object().value(), "Pattern"));
  }
  dom::array rts;
  if (o.at_key("FunctionResponseTypes").get_array().get(rts) == simdjson::SUCCESS) m.report_item_failures = rts.size() > 0;
  std::string_view dest;
  if (root.at_pointer("/DestinationConfig/OnFailure/Destination").get_string().get(dest) == simdjson::SUCCESS)
    m.on_failure = std::string(dest);
  return m;
}

std::string mapping_key(std::string_view uuid) { return std::string(kMappingPrefix) + std::string(uuid); }
std::string checkpoint_prefix(std::string_view uuid) { return std::string(kCheckpointPrefix) + std::string(uuid) + "/"; }
std::string checkpoint_key(std::string_view uuid, std::string_view shard_id) {
  return checkpoint_prefix(uuid) + std::string(shard_id);
}

std::vector<Mapping> load_mappings(const storage::ReadTxn& txn) {
  std::vector<Mapping> out;
  auto cur = txn.aux_scan(kMappingPrefix);
  std::string_view k, v;
  while (cur->next(k, v))
    if (auto m = from_stored_json(v)) out.push_back(std::move(*m));
  return out;
}

std::optional<Mapping> load_mapping(const storage::ReadTxn& txn, std::string_view uuid) {
  std::string_view v;
  if (!txn.aux_get(mapping_key(uuid), v)) return std::nullopt;
  return from_stored_json(v);
}

namespace {

storage::Status erase_prefix(storage::WriteTxn& txn, const std::string& prefix) {
  std::vector<std::string> keys;
  {
    auto cur = txn.aux_scan(prefix);
    std::string_view k, v;
    while (cur->next(k, v)) keys.emplace_back(k);
  }
  for (const std::string& k : keys)
    if (auto s = txn.aux_erase(k); s != storage::Status::ok && s != storage::Status::not_found) return s;
  return storage::Status::ok;
}

}  // namespace

storage::Status PutMappingOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  for (const auto& [shard, value] : checkpoints_)
    if (auto s = txn.aux_put(checkpoint_key(mapping_.uuid, shard), value); s != storage::Status::ok) return s;
  return txn.aux_put(mapping_key(mapping_.uuid), to_stored_json(mapping_));
}

storage::Status CheckpointOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  std::string stored;
  if (!txn.aux_get(mapping_key(uuid_), stored)) return storage::Status::ok;
  auto m = from_stored_json(stored);
  if (!m) return storage::Status::ok;
  if (!shard_id_.empty())
    if (auto s = txn.aux_put(checkpoint_key(uuid_, shard_id_), value_); s != storage::Status::ok) return s;
  if (last_result_.empty() || m->last_result == last_result_) return storage::Status::ok;
  m->last_result = last_result_;
  return txn.aux_put(mapping_key(uuid_), to_stored_json(*m));
}

storage::Status SetStateOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  std::string stored;
  if (!txn.aux_get(mapping_key(uuid_), stored)) return storage::Status::ok;
  auto m = from_stored_json(stored);
  if (!m || m->state != from_) return storage::Status::ok;
  m->state = to_;
  return txn.aux_put(mapping_key(uuid_), to_stored_json(*m));
}

storage::Status DeleteMappingOp::apply(storage::WriteTxn& txn, storage::WriteResult&) const {
  if (auto s = erase_prefix(txn, checkpoint_prefix(uuid_)); s != storage::Status::ok) return s;
  auto s = txn.aux_erase(mapping_key(uuid_));
  return s == storage::Status::not_found ? storage::Status::ok : s;
}

std::string new_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? a : b;
    int shift = 60 - 4 * (i % 16);
    out.push_back(kHex[(word >> shift) & 0xf]);
    if (i == 7 || i == 11 || i == 15 || i == 19) out.push_back('-');
  }
  return out;
}

}  // namespace ddbd::api::lambda
