// The continuous-backups settings, in one file (they share the description):
//   DescribeContinuousBackups  https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeContinuousBackups.html
//   UpdateContinuousBackups    .../API_UpdateContinuousBackups.html
//
// ContinuousBackupsStatus is ENABLED for every table (as on DynamoDB);
// point-in-time recovery is DISABLED until UpdateContinuousBackups enables
// it.  The settings live in the TableDef (pitr_*); while enabled, the
// table's changes are logged (api/pitr.hh).  The restorable window is
// [max(enable time, now - RecoveryPeriodInDays), max(that, now - lag)]
// (restorable_window).  The enable time is stamped inside the write that
// enables PITR, from the system clock the engine also stamps changes with:
// every change applied after that write is logged.
//
// Thread-safety: per request.
#include <algorithm>

#include "api/ops/ops.hh"
#include "api/pitr.hh"
#include "api/ops/run.hh"
#include "api/shapes.hh"

namespace ddbd::api::ops {

namespace {

std::shared_ptr<const storage::TableDef> require_pitr_table(const RequestContext& ctx, const std::string& name) {
  const auto resolved = resolve_table_name(ctx, name);
  auto t = resolved ? ctx.engine.find_table(ctx.ns, *resolved) : nullptr;
  if (!t) throw ApiError(ErrorCode::TableNotFoundException, "Table not found: " + name);
  return t;
}

std::string continuous_backups_json(const storage::TableDef& t, double now, double lag) {
  JsonWriter w;
  w.begin_object();
  w.key("ContinuousBackupsDescription");
  w.begin_object();
  w.key("ContinuousBackupsStatus");
  w.string("ENABLED");
  w.key("PointInTimeRecoveryDescription");
  w.begin_object();
  w.key("PointInTimeRecoveryStatus");
  w.string(t.pitr_enabled ? "ENABLED" : "DISABLED");
  if (t.pitr_enabled) {
    w.key("RecoveryPeriodInDays");
    w.number(t.pitr_recovery_days);
    const PitrWindow window = restorable_window(t, now, lag);
    w.key("EarliestRestorableDateTime");
    w.number_double(window.earliest);
    w.key("LatestRestorableDateTime");
    w.number_double(window.latest);
  }
  w.end_object();
  w.end_object();
  w.end_object();
  return w.take();
}

struct PitrSettingsChange {
  std::string ns, name;
  bool enabled = false;
  std::optional<int64_t> days;
  const storage::Clock* clock = nullptr;  // stamps the enable time inside the write
};

struct PitrOutcome {
  storage::TableDef def;  // as updated
  bool missing = false;
};

// Sets the PITR settings on the definition in the transaction (so a
// concurrent UpdateTable or UpdateTimeToLive is not undone).
class PitrOp final : public storage::WriteOpOf<PitrOutcome> {
 public:
  explicit PitrOp(const PitrSettingsChange& c) : c_(c) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, PitrOutcome& out) const override {
    auto cur = txn.find_table(c_.ns, c_.name);
    if (!cur) {
      out.missing = true;
      return storage::Status::aborted;
    }
    out.def = *cur;
    if (c_.enabled) {
      // The engine stamps changes with the same clock when it applies them:
      // a change applied before this op is older than the enable time, one
      // applied after it is logged.
      if (!out.def.pitr_enabled) out.def.pitr_enabled_time = c_.clock->now_seconds();
      out.def.pitr_enabled = true;
      out.def.pitr_recovery_days = c_.days.value_or(cur->pitr_enabled ? cur->pitr_recovery_days : 35);
    } else {
      out.def.pitr_enabled = false;
      out.def.pitr_enabled_time = 0;
      out.def.pitr_recovery_days = 35;
    }
    return txn.update_table(out.def);
  }

 private:
  const PitrSettingsChange& c_;
};

}  // namespace

struct DescribeContinuousBackupsRequest {
  std::string table_name;
};
struct DescribeContinuousBackupsResponse {
  std::shared_ptr<const storage::TableDef> table;
  double now = 0;
  double lag = 0;
};

DescribeContinuousBackupsRequest decode_describe_continuous_backups(json::object body) {
  static const std::vector<FieldSpec> specs = {table_name_spec(false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  return {std::string(*get_string(body, "TableName"))};
}

asio::awaitable<DescribeContinuousBackupsResponse> execute(RequestContext& ctx, const DescribeContinuousBackupsRequest& req) {
  co_return DescribeContinuousBackupsResponse{require_pitr_table(ctx, req.table_name), ctx.now(), ctx.config.pitr_lag_seconds};
}

std::string to_json(const DescribeContinuousBackupsRequest&, const DescribeContinuousBackupsResponse& resp) {
  return continuous_backups_json(*resp.table, resp.now, resp.lag);
}

Result describe_continuous_backups(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_describe_continuous_backups(body));
}

struct UpdateContinuousBackupsRequest {
  std::string table_name;
  bool enabled = false;
  std::optional<int64_t> days;
};
struct UpdateContinuousBackupsResponse {
  storage::TableDef table;
  double now = 0;
  double lag = 0;
};

UpdateContinuousBackupsRequest decode_update_continuous_backups(json::object body) {
  static const std::vector<FieldSpec> specs = {
      table_name_spec(false),
      FieldSpec{.name = "PointInTimeRecoverySpecification",
                .type = FieldType::Struct,
                .not_null = true,
                .members = {FieldSpec{.name = "PointInTimeRecoveryEnabled", .type = FieldType::Boolean, .not_null = true},
                            FieldSpec{.name = "RecoveryPeriodInDays", .type = FieldType::Integer, .min_value = 1, .max_value = 35}}}};
  ValidationErrors errors;
  check_request(body, specs, errors);
  UpdateContinuousBackupsRequest req;
  req.table_name = std::string(*get_string(body, "TableName"));
  json::object spec = *get_object(body, "PointInTimeRecoverySpecification");
  req.enabled = *get_bool(spec, "PointInTimeRecoveryEnabled");
  req.days = get_int(spec, "RecoveryPeriodInDays");
  return req;
}

asio::awaitable<UpdateContinuousBackupsResponse> execute(RequestContext& ctx, const UpdateContinuousBackupsRequest& req) {
  auto table = require_pitr_table(ctx, req.table_name);
  PitrSettingsChange change{std::string(ctx.ns), table->name, req.enabled, req.days, &ctx.clock};
  PitrOp op(change);
  PitrOp::Result result;
  storage::Status st = co_await ctx.write(op, result);
  if (result.out.missing) throw ApiError(ErrorCode::TableNotFoundException, "Table not found: " + req.table_name);
  check_storage(st);
  co_return UpdateContinuousBackupsResponse{std::move(result.out.def), ctx.now(), ctx.config.pitr_lag_seconds};
}

std::string to_json(const UpdateContinuousBackupsRequest&, const UpdateContinuousBackupsResponse& resp) {
  return continuous_backups_json(resp.table, resp.now, resp.lag);
}

Result update_continuous_backups(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_update_continuous_backups(body));
}

}  // namespace ddbd::api::ops
