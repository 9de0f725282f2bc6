#include "api/dispatch.hh"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "api/errors.hh"
#include "api/json_reader.hh"
#include "api/legacy_params.hh"
#include "api/ops/ops.hh"
#include "expressions/error.hh"

namespace ddbd::api {

using Handler = ops::Result (*)(RequestContext&, json::object);

struct OpInfo {
  std::string_view name;
  Handler handler;  // nullptr: DynamoDB has it, ddbd does not serve it yet
  OpKind kind;
};

namespace {

// Every DynamoDB_20120810 operation of the API Reference, sorted by name.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB.html
constexpr std::array kOps = {
    OpInfo{"BatchExecuteStatement", nullptr, OpKind::write},
    OpInfo{"BatchGetItem", &ops::batch_get_item, OpKind::read},
    OpInfo{"BatchWriteItem", &ops::batch_write_item, OpKind::write},
    OpInfo{"CreateBackup", nullptr, OpKind::control},
    OpInfo{"CreateGlobalTable", nullptr, OpKind::control},
    OpInfo{"CreateTable", &ops::create_table, OpKind::control},
    OpInfo{"DeleteBackup", nullptr, OpKind::control},
    OpInfo{"DeleteItem", &ops::delete_item, OpKind::write},
    OpInfo{"DeleteResourcePolicy", nullptr, OpKind::control},
    OpInfo{"DeleteTable", &ops::delete_table, OpKind::control},
    OpInfo{"DescribeBackup", nullptr, OpKind::control},
    OpInfo{"DescribeContinuousBackups", nullptr, OpKind::control},
    OpInfo{"DescribeContributorInsights", nullptr, OpKind::control},
    OpInfo{"DescribeEndpoints", &ops::describe_endpoints, OpKind::control},
    OpInfo{"DescribeExport", nullptr, OpKind::control},
    OpInfo{"DescribeGlobalTable", nullptr, OpKind::control},
    OpInfo{"DescribeGlobalTableSettings", nullptr, OpKind::control},
    OpInfo{"DescribeImport", nullptr, OpKind::control},
    OpInfo{"DescribeKinesisStreamingDestination", nullptr, OpKind::control},
    OpInfo{"DescribeLimits", &ops::describe_limits, OpKind::control},
    OpInfo{"DescribeTable", &ops::describe_table, OpKind::control},
    OpInfo{"DescribeTableReplicaAutoScaling", nullptr, OpKind::control},
    OpInfo{"DescribeTimeToLive", nullptr, OpKind::control},
    OpInfo{"DisableKinesisStreamingDestination", nullptr, OpKind::control},
    OpInfo{"EnableKinesisStreamingDestination", nullptr, OpKind::control},
    OpInfo{"ExecuteStatement", nullptr, OpKind::write},
    OpInfo{"ExecuteTransaction", nullptr, OpKind::write},
    OpInfo{"ExportTableToPointInTime", nullptr, OpKind::control},
    OpInfo{"GetItem", &ops::get_item, OpKind::read},
    OpInfo{"GetResourcePolicy", nullptr, OpKind::control},
    OpInfo{"ImportTable", nullptr, OpKind::control},
    OpInfo{"ListBackups", nullptr, OpKind::control},
    OpInfo{"ListContributorInsights", nullptr, OpKind::control},
    OpInfo{"ListExports", nullptr, OpKind::control},
    OpInfo{"ListGlobalTables", nullptr, OpKind::control},
    OpInfo{"ListImports", nullptr, OpKind::control},
    OpInfo{"ListTables", &ops::list_tables, OpKind::control},
    OpInfo{"ListTagsOfResource", nullptr, OpKind::control},
    OpInfo{"PutItem", &ops::put_item, OpKind::write},
    OpInfo{"PutResourcePolicy", nullptr, OpKind::control},
    OpInfo{"Query", &ops::query, OpKind::read},
    OpInfo{"RestoreTableFromBackup", nullptr, OpKind::control},
    OpInfo{"RestoreTableToPointInTime", nullptr, OpKind::control},
    OpInfo{"Scan", &ops::scan, OpKind::read},
    OpInfo{"TagResource", nullptr, OpKind::control},
    OpInfo{"TransactGetItems", &ops::transact_get_items, OpKind::read},
    OpInfo{"TransactWriteItems", &ops::transact_write_items, OpKind::write},
    OpInfo{"UntagResource", nullptr, OpKind::control},
    OpInfo{"UpdateContinuousBackups", nullptr, OpKind::control},
    OpInfo{"UpdateContributorInsights", nullptr, OpKind::control},
    OpInfo{"UpdateGlobalTable", nullptr, OpKind::control},
    OpInfo{"UpdateGlobalTableSettings", nullptr, OpKind::control},
    OpInfo{"UpdateItem", &ops::update_item, OpKind::write},
    OpInfo{"UpdateKinesisStreamingDestination", nullptr, OpKind::control},
    OpInfo{"UpdateTable", &ops::update_table, OpKind::control},
    OpInfo{"UpdateTableReplicaAutoScaling", nullptr, OpKind::control},
    OpInfo{"UpdateTimeToLive", nullptr, OpKind::control},
};

constexpr bool sorted() {
  for (std::size_t i = 1; i < kOps.size(); ++i)
    if (!(kOps[i - 1].name < kOps[i].name)) return false;
  return true;
}
static_assert(sorted(), "kOps must be sorted by name");

}  // namespace

const OpInfo* find_operation(std::string_view name) {
  auto it = std::lower_bound(kOps.begin(), kOps.end(), name,
                             [](const OpInfo& op, std::string_view n) { return op.name < n; });
  return it != kOps.end() && it->name == name ? &*it : nullptr;
}

std::string_view operation_name(const OpInfo& op) { return op.name; }
bool operation_implemented(const OpInfo& op) { return op.handler != nullptr; }

Response error_response(const ApiError& e) {
  return Response{error_info(e.code()).http_status, error_body(e)};
}

asio::awaitable<Response> dispatch(RequestContext& ctx, const OpInfo& op, std::string body) {
  std::optional<ApiError> error;
  try {
    if (!op.handler) throw ApiError::unsupported(op.name);
    // The parsed request (and the parser its views point into) lives until
    // the handler is done, across its co_awaits.
    ParsedRequest request = parse_request(body.data(), body.size());
    std::string().swap(body);  // a big body is not kept alongside its parse
    std::string out = co_await op.handler(ctx, request.body);
    co_return Response{200, std::move(out)};
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
  co_return error_response(*error);
}

}  // namespace ddbd::api
