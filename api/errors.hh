// Errors as DynamoDB sends them.
//
// Every error the api can answer with is an ErrorCode.  The wire facts of a
// code (the `__type` namespace, the HTTP status, whether the body says
// "message" or "Message") live in one table in errors.cc and nowhere else.
// Handlers and the expression layer throw ApiError (or return it); the one
// catch site is api::dispatch, and the one place that renders the body is
// error_body().
//
// Thread-safety: plain values; the table is constant.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ddbd::api {

enum class ErrorCode {
  // com.amazon.coral.validate#
  ValidationException,
  // com.amazon.coral.service#
  SerializationException,
  UnknownOperationException,
  MissingAuthenticationTokenException,
  IncompleteSignatureException,
  InvalidSignatureException,
  UnrecognizedClientException,
  AccessDeniedException,
  RequestEntityTooLargeException,
  // com.amazonaws.dynamodb.v20120810#
  ResourceNotFoundException,
  ResourceInUseException,
  ConditionalCheckFailedException,
  TransactionCanceledException,
  TransactionConflictException,
  TransactionInProgressException,
  IdempotentParameterMismatchException,
  LimitExceededException,
  ItemCollectionSizeLimitExceededException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  RequestLimitExceeded,
  ExpiredIteratorException,
  TrimmedDataAccessException,
  BackupNotFoundException,
  BackupInUseException,
  TableNotFoundException,
  TableInUseException,
  TableAlreadyExistsException,
  ContinuousBackupsUnavailableException,
  PointInTimeRecoveryUnavailableException,
  InvalidRestoreTimeException,
  DuplicateItemException,
  GlobalTableAlreadyExistsException,
  GlobalTableNotFoundException,
  ReplicaAlreadyExistsException,
  ReplicaNotFoundException,
  InternalServerError,
  // Our own: an operation DynamoDB has and ddbd does not serve yet.
  UnsupportedOperationException,
};

struct ErrorInfo {
  std::string_view name;        // wire name, e.g. "ValidationException"
  std::string_view ns;          // "com.amazon.coral.validate#", ...
  int http_status;
  bool capital_message;         // body member "Message" instead of "message"
};

const ErrorInfo& error_info(ErrorCode code);

class ApiError : public std::exception {
 public:
  ApiError(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const char* what() const noexcept override { return message_.c_str(); }

  // Extra JSON members appended to the body verbatim (already-rendered JSON
  // text, e.g. `"Item":{...}` for ConditionalCheckFailed with
  // ReturnValuesOnConditionCheckFailure, or `"CancellationReasons":[...]`).
  const std::string& extra_json() const { return extra_json_; }
  ApiError& with_extra_json(std::string json) {
    extra_json_ = std::move(json);
    return *this;
  }

  static ApiError validation(std::string msg) { return {ErrorCode::ValidationException, std::move(msg)}; }
  static ApiError serialization(std::string msg) { return {ErrorCode::SerializationException, std::move(msg)}; }
  static ApiError resource_not_found(std::string msg = "Requested resource not found") {
    return {ErrorCode::ResourceNotFoundException, std::move(msg)};
  }
  static ApiError resource_in_use(std::string msg) { return {ErrorCode::ResourceInUseException, std::move(msg)}; }
  static ApiError conditional_check_failed(std::string msg = "The conditional request failed") {
    return {ErrorCode::ConditionalCheckFailedException, std::move(msg)};
  }
  static ApiError internal(std::string msg = "Internal server error") {
    return {ErrorCode::InternalServerError, std::move(msg)};
  }
  static ApiError unsupported(std::string_view operation) {
    return {ErrorCode::UnsupportedOperationException,
            "ddbd does not support the " + std::string(operation) + " operation yet"};
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string extra_json_;
};

// The JSON body of an error: {"__type":"<ns><Name>","message":"..."}.
std::string error_body(const ApiError& e);

// Collects Coral constraint violations in request order and renders
// DynamoDB's aggregate: "1 validation error detected: Value 'x' at 'tableName'
// failed to satisfy constraint: Member must ..." / "N validation errors
// detected: A; B".  At most 10 are kept (DynamoDB stops at 10).
class ValidationErrors {
 public:
  static constexpr std::size_t kMax = 10;
  // `value` is the offending value as DynamoDB prints it: null for a missing
  // member, otherwise the text (it is quoted here).
  void add(const std::optional<std::string>& value, std::string_view path, std::string_view constraint);
  // Adds a line that DynamoDB words without the "Value ... at ..." form
  // (Query's Select checks: "1 validation error detected: Cannot specify
  // the ProjectionExpression when choosing to get only the Count").
  void add_line(std::string line);
  bool empty() const { return errors_.empty(); }
  std::size_t size() const { return errors_.size(); }
  std::string message() const;
  // Throws ValidationException if any error was collected.
  void throw_if_any() const;
  // Throws the report of exactly one violation, as add() words it:
  // "1 validation error detected: Value null at 'x' failed to satisfy
  // constraint: Member must not be null".
  [[noreturn]] static void throw_one(const std::optional<std::string>& value, std::string_view path,
                                     std::string_view constraint);

 private:
  std::vector<std::string> errors_;
};

}  // namespace ddbd::api
