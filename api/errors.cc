#include "api/errors.hh"

#include <array>

#include "api/json_writer.hh"

namespace ddbd::api {

namespace {

constexpr std::string_view kValidate = "com.amazon.coral.validate#";
constexpr std::string_view kService = "com.amazon.coral.service#";
constexpr std::string_view kDynamo = "com.amazonaws.dynamodb.v20120810#";

// One row per ErrorCode, in enum order.  Sources: the DynamoDB API Reference
// "Common Errors" and per-operation "Errors" sections for names and statuses;
// namespaces and the Message/message casing as real DynamoDB responses show
// them (dynalite validations/index.js and test/helpers.js record
// SerializationException and AccessDeniedException with "Message", and the
// signature errors with "message"; TransactionCanceledException uses
// "Message" too).
constexpr std::array kTable = {
    ErrorInfo{"ValidationException", kValidate, 400, false},
    ErrorInfo{"SerializationException", kService, 400, true},
    ErrorInfo{"UnknownOperationException", kService, 400, false},
    ErrorInfo{"MissingAuthenticationTokenException", kService, 400, false},
    ErrorInfo{"IncompleteSignatureException", kService, 400, false},
    ErrorInfo{"InvalidSignatureException", kService, 400, false},
    ErrorInfo{"UnrecognizedClientException", kService, 400, false},
    ErrorInfo{"AccessDeniedException", kService, 400, true},
    ErrorInfo{"RequestEntityTooLargeException", kService, 413, false},
    ErrorInfo{"ResourceNotFoundException", kDynamo, 400, false},
    ErrorInfo{"ResourceInUseException", kDynamo, 400, false},
    ErrorInfo{"ConditionalCheckFailedException", kDynamo, 400, false},
    ErrorInfo{"TransactionCanceledException", kDynamo, 400, true},
    ErrorInfo{"TransactionConflictException", kDynamo, 400, false},
    ErrorInfo{"TransactionInProgressException", kDynamo, 400, false},
    ErrorInfo{"IdempotentParameterMismatchException", kDynamo, 400, false},
    ErrorInfo{"LimitExceededException", kDynamo, 400, false},
    ErrorInfo{"ItemCollectionSizeLimitExceededException", kDynamo, 400, false},
    ErrorInfo{"ProvisionedThroughputExceededException", kDynamo, 400, false},
    ErrorInfo{"ThrottlingException", kDynamo, 400, false},
    ErrorInfo{"RequestLimitExceeded", kDynamo, 400, false},
    ErrorInfo{"ExpiredIteratorException", kDynamo, 400, false},
    ErrorInfo{"TrimmedDataAccessException", kDynamo, 400, false},
    ErrorInfo{"BackupNotFoundException", kDynamo, 400, false},
    ErrorInfo{"BackupInUseException", kDynamo, 400, false},
    ErrorInfo{"TableNotFoundException", kDynamo, 400, false},
    ErrorInfo{"TableInUseException", kDynamo, 400, false},
    ErrorInfo{"TableAlreadyExistsException", kDynamo, 400, false},
    ErrorInfo{"ContinuousBackupsUnavailableException", kDynamo, 400, false},
    ErrorInfo{"PointInTimeRecoveryUnavailableException", kDynamo, 400, false},
    ErrorInfo{"InvalidRestoreTimeException", kDynamo, 400, false},
    ErrorInfo{"DuplicateItemException", kDynamo, 400, false},
    ErrorInfo{"GlobalTableAlreadyExistsException", kDynamo, 400, false},
    ErrorInfo{"GlobalTableNotFoundException", kDynamo, 400, false},
    ErrorInfo{"ReplicaAlreadyExistsException", kDynamo, 400, false},
    ErrorInfo{"ReplicaNotFoundException", kDynamo, 400, false},
    ErrorInfo{"InternalServerError", kDynamo, 500, false},
    ErrorInfo{"UnsupportedOperationException", kDynamo, 400, false},
};
static_assert(kTable.size() == static_cast<std::size_t>(ErrorCode::UnsupportedOperationException) + 1);

}  // namespace

const ErrorInfo& error_info(ErrorCode code) { return kTable[static_cast<std::size_t>(code)]; }

std::string error_body(const ApiError& e) {
  const ErrorInfo& info = error_info(e.code());
  JsonWriter w;
  w.begin_object();
  w.key("__type");
  std::string type;
  type.reserve(info.ns.size() + info.name.size());
  type.append(info.ns).append(info.name);
  w.string(type);
  w.key(info.capital_message ? "Message" : "message");
  w.string(e.message());
  if (!e.extra_json().empty()) w.raw_member(e.extra_json());
  w.end_object();
  return w.take();
}

void ValidationErrors::add(const std::optional<std::string>& value, std::string_view path,
                           std::string_view constraint) {
  if (errors_.size() >= kMax) return;
  std::string s = "Value ";
  if (value)
    s.append("'").append(*value).append("'");
  else
    s.append("null");
  s.append(" at '").append(path).append("' failed to satisfy constraint: ").append(constraint);
  errors_.push_back(std::move(s));
}

void ValidationErrors::add_line(std::string line) {
  if (errors_.size() < kMax) errors_.push_back(std::move(line));
}

void ValidationErrors::throw_one(const std::optional<std::string>& value, std::string_view path,
                                 std::string_view constraint) {
  ValidationErrors errors;
  errors.add(value, path, constraint);
  throw ApiError::validation(errors.message());
}

std::string ValidationErrors::message() const {
  std::string m = std::to_string(errors_.size());
  m.append(errors_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    if (i) m.append("; ");
    m.append(errors_[i]);
  }
  return m;
}

void ValidationErrors::throw_if_any() const {
  if (!errors_.empty()) throw ApiError::validation(message());
}

}  // namespace ddbd::api
