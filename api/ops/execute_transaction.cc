// ExecuteTransaction
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteTransaction.html
//
// Up to 100 PartiQL statements, all reads or all writes, run as one
// transaction through the existing operations: the writes (INSERT, UPDATE,
// DELETE, and EXISTS as a ConditionCheck) become the actions of one
// TransactWriteItems request (api/ops/transact_write_items.hh: atomic, the
// 4 MB rule, one action per item, TransactionCanceledException with a
// reason per statement: DuplicateItem for an INSERT of an existing key), and
// the reads (SELECT by full key) the gets of one TransactGetItems request
// (one snapshot; {} for a missing item).
//
// Errors as DynamoDB words them: a syntax error as it is; a mix of reads
// and writes, once the statement that mixes them is parsed; then, per
// statement in order, a validation error of its plan wrapped "Validation
// failed in TransactStatements[<i>]: <message>" (RETURNING, indexes, reads
// without exactly the full key, EXISTS without an extra condition, and
// api/partiql.hh's checks).  An unknown table is ResourceNotFoundException.
//
// ClientRequestToken makes the request idempotent as TransactWriteItems'
// token does (api/client_tokens.hh): the same token with the same request
// answers the first answer again without running it.
#include "api/ops/execute_transaction.hh"

#include "api/client_tokens.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/ops/transact_get_items.hh"
#include "api/ops/transact_write_items.hh"
#include "api/partiql_members.hh"
#include "expressions/error.hh"

namespace ddbd::api::ops {

namespace {

constexpr std::string_view kMixed =
    "ExecuteTransaction API does not support both read and write operations in the same request.";
constexpr std::string_view kReturning = "RETURNING clause is not supported in ExecuteTransaction.";
constexpr std::string_view kReadOnIndex = "Reads on indices are not supported within transactions.";
constexpr std::string_view kReadKey =
    "Select statements within ExecuteTransaction must specify the primary key in the where clause.";
// The parser's syntax errors, which DynamoDB answers without the wrapping.
constexpr std::string_view kSyntax = "Statement wasn't well formed, can't be processed";

ApiError wrapped(std::size_t i, std::string_view message) {
  return ApiError::validation("Validation failed in TransactStatements[" + std::to_string(i) + "]: " +
                              std::string(message));
}

// Runs fn() (statement i's planning), wrapping its validation errors.
template <class F>
auto in_statement(std::size_t i, F&& fn) {
  try {
    return fn();
  } catch (const ApiError& e) {
    if (e.code() != ErrorCode::ValidationException) throw;
    throw wrapped(i, e.message());
  } catch (const expr::ConstraintError&) {
    throw;
  } catch (const expr::ExpressionError& e) {
    throw wrapped(i, e.what());
  }
}

partiql::Statement parse_member(std::size_t i, const partiql::StatementMember& m) {
  try {
    return expr::partiql::parse_statement(m.text, m.parameters);
  } catch (const expr::ConstraintError&) {
    throw;
  } catch (const expr::ExpressionError& e) {
    if (std::string_view(e.what()).starts_with(kSyntax)) throw;
    throw wrapped(i, e.what());
  }
}

// A write statement as an action of the transaction (plan_write refuses an
// EXISTS on an index or without a condition besides the key).
TransactWriteRequest::Action plan_action(RequestContext& ctx, const partiql::Statement& s, bool return_old) {
  auto table = require_table(ctx, s.table, true);
  partiql::WritePlan plan = partiql::plan_write(s, *table, return_old);
  if (s.returning != expr::partiql::Returning::none) throw ApiError::validation(std::string(kReturning));
  TransactWriteRequest::Action a;
  a.kind = plan.kind;
  a.table_name = std::move(plan.table_name);
  a.item = std::move(plan.item);
  a.cond = std::move(plan.cond);
  a.update = std::move(plan.update);
  return a;
}

// A read statement as a get of the transaction.
TransactGet plan_get(RequestContext& ctx, const partiql::Statement& s) {
  if (s.index) throw ApiError::validation(std::string(kReadOnIndex));
  partiql::KeyRead r = partiql::plan_key_read(ctx, s, kReadKey);
  TransactGet g;
  g.table_name = s.table;
  g.key = std::move(r.key);
  g.projection = std::move(r.projection);
  return g;
}

}  // namespace

ExecuteTransactionRequest decode_execute_transaction(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TransactStatements", .type = FieldType::List, .not_null = true, .min_length = 1,
                .max_length = limits::kMaxTransactionActions, .element = {partiql::statement_member_spec(false)}},
      FieldSpec{.name = "ClientRequestToken", .min_length = 1, .max_length = 36},
      return_consumed_capacity_spec(),
  };
  ValidationErrors errors;
  check_request(body, specs, errors);
  ExecuteTransactionRequest req;
  req.capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  if (auto token = get_string(body, "ClientRequestToken")) {
    req.client_token = std::string(*token);
    req.digest = request_digest(simdjson::minify(body));
  }
  const json::array statements = *get_array(body, "TransactStatements");
  req.statements.reserve(statements.size());
  for (json::element e : statements) {
    const partiql::StatementMember m = partiql::decode_statement_member(e);
    const std::size_t i = req.statements.size();
    req.statements.push_back(parse_member(i, m));
    req.return_old_on_failure.push_back(m.return_old_on_failure);
    const bool read = req.statements.back().is_read();
    if (i == 0) req.reads = read;
    else if (read != req.reads) throw ApiError::validation(std::string(kMixed));
  }
  return req;
}

asio::awaitable<ExecuteTransactionResponse> execute(RequestContext& ctx, const ExecuteTransactionRequest& req) {
  ExecuteTransactionResponse resp;
  ctx.metering.access = req.reads ? Access::read : Access::write;  // which buckets admit it (api/meter.hh)
  if (req.reads) {
    TransactGetItemsRequest gets;
    gets.return_consumed_capacity = req.capacity;
    gets.gets.reserve(req.statements.size());
    for (std::size_t i = 0; i < req.statements.size(); ++i)
      gets.gets.push_back(in_statement(i, [&] { return plan_get(ctx, req.statements[i]); }));
    TransactGetItemsResponse out = co_await execute(ctx, gets);
    resp.items = std::move(out.responses);
    resp.capacity = std::move(out.consumed_capacity);
    co_return resp;
  }
  TransactWriteRequest writes;
  writes.capacity = req.capacity;
  writes.actions.reserve(req.statements.size());
  for (std::size_t i = 0; i < req.statements.size(); ++i)
    writes.actions.push_back(
        in_statement(i, [&] { return plan_action(ctx, req.statements[i], req.return_old_on_failure[i]); }));
  TransactWriteResponse out = co_await execute(ctx, writes);
  resp.capacity = std::move(out.capacity);
  co_return resp;
}

std::string to_json(const ExecuteTransactionRequest& req, const ExecuteTransactionResponse& resp) {
  JsonWriter w;
  w.begin_object();
  if (req.reads) {
    w.key("Responses");
    w.begin_array();
    for (const auto& item : resp.items) {
      w.begin_object();
      if (item) {
        w.key("Item");
        w.item(*item);
      }
      w.end_object();
    }
    w.end_array();
  }
  write_consumed_capacity(w, req.capacity, resp.capacity);
  w.end_object();
  return w.take();
}

Result execute_transaction(RequestContext& ctx, json::object body) {
  const ExecuteTransactionRequest req = decode_execute_transaction(body);
  ClientTokenClaim claim(ctx, req.client_token, req.digest);
  if (const std::string* previous = claim.replay()) co_return *previous;
  const auto resp = co_await execute(ctx, req);
  meter_response(ctx, resp);
  std::string response = to_json(req, resp);
  claim.complete(response);
  co_return response;
}

}  // namespace ddbd::api::ops
