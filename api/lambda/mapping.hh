// Event source mappings: what the Lambda mapping API stores and the poller
// reads.
//
// A Mapping connects a DynamoDB stream (EventSourceArn) to a function
// (FunctionArn) with Lambda's batching and retry settings.  It lives in the
// engine's auxiliary records, so it survives restarts:
//   lambda/m/<uuid>                 -> the mapping as stored JSON (to_stored_json)
//   lambda/c/<uuid>/<shard id>      -> checkpoint: the SequenceNumber of the
//                                      last record delivered (or dropped),
//                                      "~" when the whole closed shard is done
// Only this folder writes under "lambda/".
//
// Validation follows Lambda's CreateEventSourceMapping for DynamoDB streams
// (Lambda API Reference): model constraints answer ValidationException
// ("1 validation error detected: Value '0' at 'batchSize' failed to satisfy
// constraint: ..."), the service's own rules InvalidParameterValueException.
//
// Thread-safety: plain values and free functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/engine.hh"
#include "storage/write_op.hh"

namespace ddbd::api {
class JsonWriter;
}

namespace ddbd::api::lambda {

// A Lambda error: HTTP status, the x-amzn-ErrorType value and the message.
struct LambdaError {
  int status = 400;
  std::string type;
  std::string message;

  static LambdaError invalid_parameter(std::string m) { return {400, "InvalidParameterValueException", std::move(m)}; }
  static LambdaError validation(std::string m) { return {400, "ValidationException", std::move(m)}; }
  static LambdaError not_found(std::string m = "The resource you requested does not exist.") {
    return {404, "ResourceNotFoundException", std::move(m)};
  }
  static LambdaError conflict(std::string m) { return {409, "ResourceConflictException", std::move(m)}; }
  static LambdaError bad_content(std::string m) { return {400, "InvalidRequestContentException", std::move(m)}; }
  static LambdaError service(std::string m) { return {500, "ServiceException", std::move(m)}; }
};

struct LambdaException {
  LambdaError error;
};

struct Mapping {
  std::string uuid;
  std::string ns;        // the namespace of the caller (RequestContext::ns)
  std::string region;    // the caller's region (for ARNs)
  std::string event_source_arn;
  std::string function_arn;
  std::string function_name;  // the name part of function_arn (invoke path)
  std::string state = "Creating";  // Creating, Enabled, Disabled, Updating, Deleting
  std::string state_reason = "User action";
  double last_modified = 0;
  std::string last_result = "No records processed";
  int64_t batch_size = 100;
  int64_t batching_window = 0;   // MaximumBatchingWindowInSeconds
  std::string starting_position;  // TRIM_HORIZON or LATEST
  int64_t max_retries = -1;       // MaximumRetryAttempts, -1 = until the records expire
  int64_t max_record_age = -1;    // MaximumRecordAgeInSeconds, -1 = no limit
  bool bisect = false;            // BisectBatchOnFunctionError
  int64_t parallelization = 1;    // ParallelizationFactor (echoed; one batch at a time)
  int64_t tumbling_window = 0;    // TumblingWindowInSeconds (echoed; not honoured)
  std::vector<std::string> filters;  // FilterCriteria.Filters[].Pattern
  bool has_filter_criteria = false;
  bool report_item_failures = false;  // FunctionResponseTypes [ReportBatchItemFailures]
  std::string on_failure;        // DestinationConfig.OnFailure.Destination
  std::string account;           // the account id shown in the mapping's ARN

  bool enabled() const {
    return state == "Enabled" || state == "Creating" || state == "Updating" || state == "Enabling";
  }
};

// The API answer (FunctionConfiguration-style member names).
std::string to_json(const Mapping& m);
void write_json(JsonWriter& w, const Mapping& m);
// What is stored: the answer plus the internal members.
std::string to_stored_json(const Mapping& m);
// Parses a stored mapping; nullopt when it is corrupt.
std::optional<Mapping> from_stored_json(std::string_view json);

// The parsed FunctionName: FunctionArn arn:aws:lambda:<region>:<account>:function:<name>
// for a name, a partial ARN (<account>:function:<name>) or a full ARN, with
// an optional qualifier.  Throws LambdaException (ValidationException) for a
// name outside Lambda's pattern.
struct FunctionRef {
  std::string name;
  std::string arn;
};
FunctionRef parse_function_name(std::string_view function_name, std::string_view region, std::string_view account);

// Applies a Create (create = true) or Update request body to `m`, with
// Lambda's validation; throws LambdaException.  Returns Enabled as given
// (nullopt when absent).  Does not check that the stream exists.
std::optional<bool> apply_request(Mapping& m, std::string_view body, bool create, std::string_view region,
                                  std::string_view account);

// Storage keys.
inline constexpr std::string_view kMappingPrefix = "lambda/m/";
inline constexpr std::string_view kCheckpointPrefix = "lambda/c/";
std::string mapping_key(std::string_view uuid);
std::string checkpoint_prefix(std::string_view uuid);
std::string checkpoint_key(std::string_view uuid, std::string_view shard_id);
// The checkpoint value of a closed shard whose records are all delivered.
inline constexpr std::string_view kShardDone = "~";

// All mappings (of every namespace), in key order.
std::vector<Mapping> load_mappings(const storage::ReadTxn& txn);
std::optional<Mapping> load_mapping(const storage::ReadTxn& txn, std::string_view uuid);

// Writes `m` and the given checkpoints (shard id -> value).  With
// `erase_checkpoints` first removes all of the mapping's checkpoints.
class PutMappingOp final : public storage::WriteOp {
 public:
  PutMappingOp(Mapping m, std::vector<std::pair<std::string, std::string>> checkpoints, storage::Origin origin)
      : storage::WriteOp(origin), mapping_(std::move(m)), checkpoints_(std::move(checkpoints)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  Mapping mapping_;
  std::vector<std::pair<std::string, std::string>> checkpoints_;
};

// Sets one checkpoint and the mapping's LastProcessingResult, if the
// mapping still exists (a mapping deleted meanwhile stays deleted).
class CheckpointOp final : public storage::WriteOp {
 public:
  CheckpointOp(std::string uuid, std::string shard_id, std::string value, std::string last_result)
      : storage::WriteOp(storage::Origin::service),
        uuid_(std::move(uuid)), shard_id_(std::move(shard_id)), value_(std::move(value)),
        last_result_(std::move(last_result)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string uuid_, shard_id_, value_, last_result_;
};

// Moves the mapping from state `from` to `to` (nothing when it is in
// another state by now, or gone).
class SetStateOp final : public storage::WriteOp {
 public:
  SetStateOp(std::string uuid, std::string from, std::string to)
      : storage::WriteOp(storage::Origin::service), uuid_(std::move(uuid)), from_(std::move(from)), to_(std::move(to)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string uuid_, from_, to_;
};

// Removes a mapping and its checkpoints.
class DeleteMappingOp final : public storage::WriteOp {
 public:
  explicit DeleteMappingOp(std::string uuid) : uuid_(std::move(uuid)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult& result) const override;

 private:
  std::string uuid_;
};

// A new random UUID (version 4, lower-case hex with dashes).
std::string new_uuid();

}  // namespace ddbd::api::lambda
