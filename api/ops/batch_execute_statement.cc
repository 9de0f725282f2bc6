// BatchExecuteStatement
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchExecuteStatement.html
//
// Up to 25 PartiQL statements, all reads or all writes, that are no
// transaction: each runs on its own through the existing operations (a
// SELECT by full key as GetItem, an INSERT, UPDATE or DELETE through the
// single-item write path, conditions included) and gets its own
// BatchStatementResponse: TableName with the Item read or the RETURNING
// values, or an Error {Code, Message[, Item]} whose Code is
// BatchStatementError's (ValidationError, ConditionalCheckFailed,
// DuplicateItem, ResourceNotFound, ...).  The answer is HTTP 200 even when
// statements fail.
//
// What fails the whole request, as in DynamoDB: the request's shape (1..25
// Statements), a parameter that is no AttributeValue, reads and writes
// together ("Read and write requests together in the same batch is not
// supported."), and two statements on one item ("Provided list of item keys
// contains duplicates"), both found before any statement runs.  A statement
// that does not parse, or cannot be planned (a SELECT on an index or not by
// exactly the full key: "Select statements within BatchExecuteStatement must
// specify the primary key in the where clause."; EXISTS: "EXISTS can only
// be used in ExecuteTransaction write requests."; an unknown table), fails
// alone, and its Error has no TableName; an error while it runs has one.
#include "api/ops/batch_execute_statement.hh"

#include <set>

#include <spdlog/spdlog.h>

#include "api/capacity.hh"
#include "api/legacy_params.hh"
#include "api/ops/get_item.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/partiql_members.hh"
#include "api/write_ops.hh"

namespace ddbd::api::ops {

namespace {

constexpr std::string_view kMixed = "Read and write requests together in the same batch is not supported.";
constexpr std::string_view kDuplicates = "Provided list of item keys contains duplicates";
// DynamoDB's answer to a SELECT on an index, one not by exactly the full key
// (a partial key, another condition) or without WHERE (published traces of
// AWS; DynamoDB Local says "Only single item select is supported").
constexpr std::string_view kNotSingle =
    "Select statements within BatchExecuteStatement must specify the primary key in the where clause.";
constexpr std::string_view kExists = "EXISTS can only be used in ExecuteTransaction write requests.";

// BatchStatementError's code for an error DynamoDB would answer alone.
std::string_view batch_error_code(ErrorCode c) {
  switch (c) {
    case ErrorCode::ValidationException: return "ValidationError";
    case ErrorCode::ConditionalCheckFailedException: return "ConditionalCheckFailed";
    case ErrorCode::DuplicateItemException: return "DuplicateItem";
    case ErrorCode::ResourceNotFoundException: return "ResourceNotFound";
    case ErrorCode::ItemCollectionSizeLimitExceededException: return "ItemCollectionSizeLimitExceeded";
    case ErrorCode::ProvisionedThroughputExceededException: return "ProvisionedThroughputExceeded";
    case ErrorCode::TransactionConflictException: return "TransactionConflict";
    case ErrorCode::ThrottlingException: return "ThrottlingError";
    case ErrorCode::RequestLimitExceeded: return "RequestLimitExceeded";
    case ErrorCode::AccessDeniedException: return "AccessDenied";
    default: return error_info(c).http_status >= 500 ? "InternalServerError" : "ValidationError";
  }
}

// Called inside a catch block: the exception being handled as the result's
// Error.
void set_error(BatchStatementResult& r) {
  auto from = [&r](const ApiError& e) {
    r.code = batch_error_code(e.code());
    r.message = e.message();
    r.extra_json = e.extra_json();
    r.item.reset();
  };
  try {
    throw;
  } catch (const ApiError& e) {
    from(e);
  } catch (const expr::ConstraintError& e) {
    from(constraint_error(e));
  } catch (const expr::ExpressionError& e) {
    from(ApiError::validation(e.what()));
  } catch (const std::exception& e) {
    spdlog::get("api")->error("BatchExecuteStatement: internal error: {}", e.what());
    from(ApiError::internal());
  }
}

// A statement planned onto an operation: exactly one of get and write.
struct Plan {
  std::optional<GetItemRequest> get;
  std::optional<SingleWriteRequest> write;
  std::string target;  // the item's stored key (with the table's id), for duplicates; empty: unknown
};

Plan plan_read(RequestContext& ctx, const BatchExecuteStatementRequest& req, const BatchStatement& b) {
  const partiql::Statement& s = *b.statement;
  ctx.metering.access = Access::read;  // the table's read bucket admits it (api/meter.hh)
  if (s.index) {
    if (auto t = ctx.engine.find_table(ctx.ns, s.table))
      if (const storage::IndexDef* ix = t->find_index(*s.index); ix && ix->key.multi())
        throw ApiError::validation(std::string(partiql::kMultiAttributeIndexRefused));
    throw ApiError::validation(std::string(kNotSingle));
  }
  partiql::KeyRead r = partiql::plan_key_read(ctx, s, kNotSingle);
  Plan p;
  p.target = storage::stored_key(*r.table, key_from_map(*r.table, r.key));
  GetItemRequest& g = p.get.emplace();
  g.table_name = s.table;
  g.key = std::move(r.key);
  g.consistent_read = b.consistent_read;
  g.return_consumed_capacity = req.capacity;
  g.projection = std::move(r.projection);
  return p;
}

Plan plan_write_statement(RequestContext& ctx, const BatchExecuteStatementRequest& req, const BatchStatement& b) {
  const partiql::Statement& s = *b.statement;
  ctx.metering.access = Access::write;
  auto table = require_table(ctx, s.table, true);
  partiql::WritePlan plan = partiql::plan_write(s, *table, b.return_old_on_failure);
  Plan p;
  storage::PrimaryKey key;
  if (plan.kind != ActionKind::put) p.target = storage::stored_key(*table, key_from_map(*table, plan.item));
  else if (storage::extract_key(table->key, plan.item, key)) p.target = storage::stored_key(*table, key);
  SingleWriteRequest& w = p.write.emplace();
  w.kind = plan.kind;
  w.table_name = std::move(plan.table_name);
  w.return_values = plan.return_values;
  w.capacity = req.capacity;
  w.item = std::move(plan.item);
  w.cond = std::move(plan.cond);
  w.update = std::move(plan.update);
  return p;
}

}  // namespace

BatchExecuteStatementRequest decode_batch_execute_statement(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "Statements", .type = FieldType::List, .not_null = true, .min_length = 1,
                .max_length = limits::kMaxBatchWriteRequests, .element = {partiql::statement_member_spec(true)}},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  BatchExecuteStatementRequest req;
  req.capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  const json::array statements = *get_array(body, "Statements");
  req.statements.reserve(statements.size());
  bool classified = false;
  for (json::element e : statements) {
    const partiql::StatementMember m = partiql::decode_statement_member(e);
    BatchStatement& b = req.statements.emplace_back();
    b.consistent_read = m.consistent_read;
    b.return_old_on_failure = m.return_old_on_failure;
    b.error.capture([&] {
      b.statement.emplace(expr::partiql::parse_statement(m.text, m.parameters));
      if (b.statement->kind == partiql::StatementKind::exists) {
        b.statement.reset();
        throw ApiError::validation(std::string(kExists));
      }
    });
    if (!b.statement) continue;
    const bool read = b.statement->is_read();
    if (!classified) {
      req.reads = read;
      classified = true;
    } else if (read != req.reads) {
      throw ApiError::validation(std::string(kMixed));
    }
  }
  return req;
}

asio::awaitable<BatchExecuteStatementResponse> execute(RequestContext& ctx, const BatchExecuteStatementRequest& req) {
  const std::size_t n = req.statements.size();
  BatchExecuteStatementResponse resp;
  resp.responses.resize(n);
  std::vector<std::optional<Plan>> plans(n);
  std::set<std::string> targets;
  for (std::size_t i = 0; i < n; ++i) {
    const BatchStatement& b = req.statements[i];
    try {
      b.error.rethrow_if_any();
      plans[i] = req.reads ? plan_read(ctx, req, b) : plan_write_statement(ctx, req, b);
    } catch (...) {
      set_error(resp.responses[i]);
      continue;
    }
    if (!plans[i]->target.empty() && !targets.insert(plans[i]->target).second)
      throw ApiError::validation(std::string(kDuplicates));
  }

  for (std::size_t i = 0; i < n; ++i) {
    if (!plans[i]) continue;
    BatchStatementResult& r = resp.responses[i];
    const Plan& p = *plans[i];
    r.table_name = p.get ? p.get->table_name : p.write->table_name;
    try {
      if (p.get) {
        GetItemResponse out = co_await execute(ctx, *p.get);
        r.item = std::move(out.item);
        merge_capacity(resp.capacity, out.consumed_capacity);
      } else {
        SingleWriteResponse out = co_await api::execute(ctx, *p.write);
        r.item = std::move(out.attributes);
        merge_capacity(resp.capacity, out.capacity);
      }
    } catch (...) {
      set_error(r);
    }
  }
  co_return resp;
}

std::string to_json(const BatchExecuteStatementRequest& req, const BatchExecuteStatementResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("Responses");
  w.begin_array();
  for (const BatchStatementResult& r : resp.responses) {
    w.begin_object();
    if (!r.code.empty()) {
      w.key("Error");
      w.begin_object();
      w.key("Code");
      w.string(r.code);
      w.key("Message");
      w.string(r.message);
      if (!r.extra_json.empty()) w.raw_member(r.extra_json);
      w.end_object();
    }
    if (r.table_name) {
      w.key("TableName");
      w.string(*r.table_name);
    }
    if (r.item) {
      w.key("Item");
      w.item(*r.item);
    }
    w.end_object();
  }
  w.end_array();
  write_consumed_capacity(w, req.capacity, resp.capacity);
  w.end_object();
  return w.take();
}

Result batch_execute_statement(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_batch_execute_statement(body));
}

}  // namespace ddbd::api::ops
