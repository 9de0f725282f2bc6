#include "api/dispatch.hh"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <optional>

#include "api/errors.hh"
#include "api/json_reader.hh"
#include "api/legacy_params.hh"
#include "api/meter.hh"
#include "api/ops/ops.hh"
#include "expressions/error.hh"

namespace ddbd::api {

using Handler = ops::Result (*)(RequestContext&, json::object);

struct OpInfo {
  std::string_view name;
  Handler handler;  // nullptr: DynamoDB has it, ddbd does not serve it yet
  OpKind kind;
  ops::DirectHandler direct = nullptr;  // the direct form, for operations that never suspend
};

namespace {

struct Served {
  std::string_view name;
  Handler handler;
};

// The served operations (api/ops/ops.hh's list).
constexpr Served kServed[] = {
#define DDBD_SERVED(name, fn) Served{name, &ops::fn},
    DDBD_SERVED_OPERATIONS(DDBD_SERVED)
#undef DDBD_SERVED
};

// The handler of operation `name`, or nullptr when ddbd does not serve it.
constexpr Handler served(std::string_view name) {
  for (const Served& s : kServed)
    if (s.name == name) return s.handler;
  return nullptr;
}

struct Direct {
  std::string_view name;
  ops::DirectHandler handler;
};

constexpr Direct kDirect[] = {
#define DDBD_DIRECT(name, fn) Direct{name, &ops::fn},
    DDBD_DIRECT_OPERATIONS(DDBD_DIRECT)
#undef DDBD_DIRECT
};

// The direct form of operation `name`, or nullptr.
constexpr ops::DirectHandler direct(std::string_view name) {
  for (const Direct& d : kDirect)
    if (d.name == name) return d.handler;
  return nullptr;
}

// Every DynamoDB_20120810 operation of the API Reference, sorted by name.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
constexpr std::array kOps = {
    OpInfo{"BatchExecuteStatement", served("BatchExecuteStatement"), OpKind::write},
    OpInfo{"BatchGetItem", served("BatchGetItem"), OpKind::read},
    OpInfo{"BatchWriteItem", served("BatchWriteItem"), OpKind::write},
    OpInfo{"CreateBackup", served("CreateBackup"), OpKind::control},
    OpInfo{"CreateGlobalTable", served("CreateGlobalTable"), OpKind::control},
    OpInfo{"CreateTable", served("CreateTable"), OpKind::control},
    OpInfo{"DeleteBackup", served("DeleteBackup"), OpKind::control},
    OpInfo{"DeleteItem", served("DeleteItem"), OpKind::write},
    OpInfo{"DeleteResourcePolicy", served("DeleteResourcePolicy"), OpKind::control},
    OpInfo{"DeleteTable", served("DeleteTable"), OpKind::control},
    OpInfo{"DescribeBackup", served("DescribeBackup"), OpKind::control},
    OpInfo{"DescribeContinuousBackups", served("DescribeContinuousBackups"), OpKind::control},
    OpInfo{"DescribeContributorInsights", served("DescribeContributorInsights"), OpKind::control},
    OpInfo{"DescribeEndpoints", served("DescribeEndpoints"), OpKind::control},
    OpInfo{"DescribeExport", served("DescribeExport"), OpKind::control},
    OpInfo{"DescribeGlobalTable", served("DescribeGlobalTable"), OpKind::control},
    OpInfo{"DescribeGlobalTableSettings", served("DescribeGlobalTableSettings"), OpKind::control},
    OpInfo{"DescribeImport", served("DescribeImport"), OpKind::control},
    OpInfo{"DescribeKinesisStreamingDestination", served("DescribeKinesisStreamingDestination"), OpKind::control},
    OpInfo{"DescribeLimits", served("DescribeLimits"), OpKind::control},
    OpInfo{"DescribeTable", served("DescribeTable"), OpKind::control},
    OpInfo{"DescribeTableReplicaAutoScaling", served("DescribeTableReplicaAutoScaling"), OpKind::control},
    OpInfo{"DescribeTimeToLive", served("DescribeTimeToLive"), OpKind::control},
    OpInfo{"DisableKinesisStreamingDestination", served("DisableKinesisStreamingDestination"), OpKind::control},
    OpInfo{"EnableKinesisStreamingDestination", served("EnableKinesisStreamingDestination"), OpKind::control},
    OpInfo{"ExecuteStatement", served("ExecuteStatement"), OpKind::write},
    OpInfo{"ExecuteTransaction", served("ExecuteTransaction"), OpKind::write},
    OpInfo{"ExportTableToPointInTime", served("ExportTableToPointInTime"), OpKind::control},
    OpInfo{"GetItem", served("GetItem"), OpKind::read, direct("GetItem")},
    OpInfo{"GetResourcePolicy", served("GetResourcePolicy"), OpKind::control},
    OpInfo{"ImportTable", served("ImportTable"), OpKind::control},
    OpInfo{"ListBackups", served("ListBackups"), OpKind::control},
    OpInfo{"ListContributorInsights", served("ListContributorInsights"), OpKind::control},
    OpInfo{"ListExports", served("ListExports"), OpKind::control},
    OpInfo{"ListGlobalTables", served("ListGlobalTables"), OpKind::control},
    OpInfo{"ListImports", served("ListImports"), OpKind::control},
    OpInfo{"ListTables", served("ListTables"), OpKind::control},
    OpInfo{"ListTagsOfResource", served("ListTagsOfResource"), OpKind::control},
    OpInfo{"PutItem", served("PutItem"), OpKind::write},
    OpInfo{"PutResourcePolicy", served("PutResourcePolicy"), OpKind::control},
    OpInfo{"Query", served("Query"), OpKind::read, direct("Query")},
    OpInfo{"RestoreTableFromBackup", served("RestoreTableFromBackup"), OpKind::control},
    OpInfo{"RestoreTableToPointInTime", served("RestoreTableToPointInTime"), OpKind::control},
    OpInfo{"Scan", served("Scan"), OpKind::read},
    OpInfo{"TagResource", served("TagResource"), OpKind::control},
    OpInfo{"TransactGetItems", served("TransactGetItems"), OpKind::read},
    OpInfo{"TransactWriteItems", served("TransactWriteItems"), OpKind::write},
    OpInfo{"UntagResource", served("UntagResource"), OpKind::control},
    OpInfo{"UpdateContinuousBackups", served("UpdateContinuousBackups"), OpKind::control},
    OpInfo{"UpdateContributorInsights", served("UpdateContributorInsights"), OpKind::control},
    OpInfo{"UpdateGlobalTable", served("UpdateGlobalTable"), OpKind::control},
    OpInfo{"UpdateGlobalTableSettings", served("UpdateGlobalTableSettings"), OpKind::control},
    OpInfo{"UpdateItem", served("UpdateItem"), OpKind::write},
    OpInfo{"UpdateKinesisStreamingDestination", served("UpdateKinesisStreamingDestination"), OpKind::control},
    OpInfo{"UpdateTable", served("UpdateTable"), OpKind::control},
    OpInfo{"UpdateTableReplicaAutoScaling", served("UpdateTableReplicaAutoScaling"), OpKind::control},
    OpInfo{"UpdateTimeToLive", served("UpdateTimeToLive"), OpKind::control},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < kOps.size(); ++i)
    if (!(kOps[i - 1].name < kOps[i].name)) return false;
  return true;
}
static_assert(sorted(), "kOps must be sorted by name");

// Every served operation is one of DynamoDB's (a misspelt name in ops.hh's
// list would otherwise be served under no name at all).
constexpr bool all_served_known() {
  for (const Served& s : kServed) {
    bool found = false;
    for (const OpInfo& op : kOps) found = found || op.name == s.name;
    if (!found) return false;
  }
  return true;
}
static_assert(all_served_known(), "a name in DDBD_SERVED_OPERATIONS is not a DynamoDB operation");

// The DynamoDB Streams operations, sorted by name.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html
constexpr OpInfo kStreamsOps[] = {
#define DDBD_STREAMS_OP(name, fn) OpInfo{name, &ops::fn, OpKind::read},
    DDBD_STREAMS_OPERATIONS(DDBD_STREAMS_OP)
#undef DDBD_STREAMS_OP
};

}  // namespace

const OpInfo* find_streams_operation(std::string_view name) {
  for (const OpInfo& op : kStreamsOps)
    if (op.name == name) return &op;
  return nullptr;
}

const OpInfo* find_operation(std::string_view name) {
  auto it = std::lower_bound(kOps.begin(), kOps.end(), name,
                             [](const OpInfo& op, std::string_view n) { return op.name < n; });
  return it != kOps.end() && it->name == name ? &*it : nullptr;
}

std::string_view operation_name(const OpInfo& op) { return op.name; }

static_assert(std::size(kOps) + std::size(kStreamsOps) <= kMaxOperations, "raise kMaxOperations");

std::size_t operation_count() { return std::size(kOps) + std::size(kStreamsOps); }

std::size_t operation_index(const OpInfo& op) {
  if (&op >= kOps.data() && &op < kOps.data() + kOps.size()) return static_cast<std::size_t>(&op - kOps.data());
  return kOps.size() + static_cast<std::size_t>(&op - kStreamsOps);
}

std::string_view operation_name_at(std::size_t index) {
  return index < kOps.size() ? kOps[index].name : kStreamsOps[index - kOps.size()].name;
}
bool operation_implemented(const OpInfo& op) { return op.handler != nullptr; }

Response error_response(const ApiError& e) {
  return Response{error_info(e.code()).http_status, error_body(e)};
}

namespace {

// The meter's record of a request (api/meter.hh): its operation and which
// buckets its table admits it against; batch operations admit per item.
void start_metering(RequestContext& ctx, const OpInfo& op) {
  ctx.metering.op = static_cast<unsigned short>(operation_index(op));
  ctx.metering.access = op.kind == OpKind::read ? Access::read : op.kind == OpKind::write ? Access::write : Access::none;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The answer to a request of `op` that threw `failure` (an exception that
// is not one of these propagates, as it did from the handler).
Response failed(RequestContext& ctx, const OpInfo& op, std::exception_ptr failure,
                std::chrono::steady_clock::time_point started) {
  Meter* const meter = ctx.config.meter;
  std::optional<ApiError> error;
  try {
    std::rethrow_exception(failure);
  } catch (const ApiError& e) {
    error = e;
  } catch (const expr::ConstraintError& e) {
    error = constraint_error(e);
  } catch (const expr::ExpressionError& e) {
    error = ApiError::validation(e.what());
  } catch (const std::exception& e) {
    spdlog::get("api")->error("{} {}: internal error: {}", ctx.request_id, op.name, e.what());
    error = ApiError::internal();
  }
  if (error->code() == ErrorCode::InternalServerError)
    spdlog::get("api")->error("{} {}: {}", ctx.request_id, op.name, error->message());
  else
    spdlog::get("api")->debug("{} {}: {}: {}", ctx.request_id, op.name, error_info(error->code()).name, error->message());
  if (meter) {
    const ErrorCode code = error->code();
    meter->finish(ctx, seconds_since(started), &code);
  }
  return error_response(*error);
}

}  // namespace

asio::awaitable<Response> dispatch(RequestContext& ctx, const OpInfo& op, std::string body) {
  Meter* const meter = ctx.config.meter;
  std::chrono::steady_clock::time_point started;
  // Always: resolve_table_name() names the operation in AccessDenied.
  start_metering(ctx, op);
  if (meter) started = std::chrono::steady_clock::now();
  std::exception_ptr failure;
  try {
    if (!op.handler) throw ApiError::unsupported(op.name);
    // The parsed request (and the parser its views point into) lives until
    // the handler is done, across its co_awaits.
    ParsedRequest request = parse_request(body.data(), body.size());
    std::string().swap(body);  // a big body is not kept alongside its parse
    std::string out = co_await op.handler(ctx, request.body);
    if (meter) meter->finish(ctx, seconds_since(started), nullptr);
    co_return Response{200, std::move(out)};
  } catch (...) {
    failure = std::current_exception();
  }
  co_return failed(ctx, op, failure, started);
}

std::optional<Response> dispatch_direct(RequestContext& ctx, const OpInfo& op, std::string& body) {
  if (!op.direct) return std::nullopt;
  Meter* const meter = ctx.config.meter;
  std::chrono::steady_clock::time_point started;
  start_metering(ctx, op);
  if (meter) started = std::chrono::steady_clock::now();
  try {
    ParsedRequest request = parse_request(body.data(), body.size());
    std::string out = op.direct(ctx, request.body);
    if (meter) meter->finish(ctx, seconds_since(started), nullptr);
    return Response{200, std::move(out)};
  } catch (...) {
    return failed(ctx, op, std::current_exception(), started);
  }
}

}  // namespace ddbd::api
