#include "api/lambda/rest_api.hh"

#include <spdlog/spdlog.h>

#include <map>

#include "api/json_writer.hh"
#include "api/lambda/mapping.hh"
#include "api/lambda/poller.hh"
#include "streams/stream_store.hh"

namespace ddbd::api::lambda {

namespace {

constexpr std::string_view kMappingsPath = "/2015-03-31/event-source-mappings";
// Records read per step when finding the end of a shard (LATEST).
constexpr std::size_t kScanStep = 1000;

[[noreturn]] void fail(LambdaError e) { throw LambdaException{std::move(e)}; }

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    auto eq = part.find('=');
    out[percent_decode(part.substr(0, eq))] = eq == std::string_view::npos ? "" : percent_decode(part.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

RestResponse json_answer(int status, std::string body) { return RestResponse{status, std::move(body), {}}; }

Mapping find_own(RequestContext& ctx, std::string_view uuid) {
  auto m = load_mapping(ctx.engine.begin_read(), uuid);
  if (!m || m->ns != ctx.ns) fail(LambdaError::not_found());
  return *m;
}

asio::awaitable<void> store(RequestContext& ctx, const storage::WriteOp& op) {
  storage::NoResult result;
  storage::Status s = co_await ctx.write(op, result);
  if (s != storage::Status::ok)
    fail(LambdaError::service("The mapping could not be stored: " + std::string(storage::status_name(s))));
  Poller::mappings_changed();  // a sleeping poller (no mapping had work) looks again
}

// The checkpoints of a LATEST mapping: the last record of every shard the
// stream has now, so that only records written from now on are delivered.
std::vector<std::pair<std::string, std::string>> latest_checkpoints(const storage::ReadTxn& txn,
                                                                    const streams::StreamDescription& d, double now) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const streams::Shard& s : d.shards) {
    streams::ShardPosition pos;
    std::string last;
    bool ended = false;
    while (true) {
      streams::ShardRead r = streams::read_shard(txn, d.stream_id, s.shard_id, pos, kScanStep, std::size_t(64) << 20, now);
      ended = r.ended;
      if (r.records.empty()) break;
      last = r.records.back().sequence_number;
      pos = streams::ShardPosition{streams::ShardPosition::Kind::after, last};
    }
    if (ended) out.emplace_back(s.shard_id, std::string(kShardDone));
    else if (!last.empty()) out.emplace_back(s.shard_id, last);
  }
  return out;
}

asio::awaitable<RestResponse> create(RequestContext& ctx, std::string body) {
  Mapping m;
  m.ns = ctx.ns;
  m.region = ctx.region;
  m.account = ctx.config.account_id;
  std::optional<bool> enabled = apply_request(m, body, true, ctx.region, ctx.config.account_id);
  m.uuid = new_uuid();
  m.last_modified = ctx.now();
  m.state = enabled == false ? "Disabled" : "Creating";
  std::vector<std::pair<std::string, std::string>> checkpoints;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    auto d = streams::describe_stream(txn, ctx.ns, m.event_source_arn);
    if (!d) fail(LambdaError::invalid_parameter("Stream not found: " + m.event_source_arn));
    for (const Mapping& other : load_mappings(txn))
      if (other.ns == m.ns && other.event_source_arn == m.event_source_arn && other.function_arn == m.function_arn)
        fail(LambdaError::conflict("The event source arn (\" " + m.event_source_arn + " \") and function (\" " +
                                   m.function_name + " \") provided mapping already exists. Please update or delete "
                                   "the existing mapping with UUID " + other.uuid));
    if (m.starting_position == "LATEST") checkpoints = latest_checkpoints(txn, *d, ctx.now());
  }
  PutMappingOp op(m, std::move(checkpoints), storage::Origin::user);
  co_await store(ctx, op);
  co_return json_answer(202, to_json(m));
}

RestResponse list(RequestContext& ctx, std::string_view query) {
  auto q = parse_query(query);
  std::string fn_arn;
  if (auto it = q.find("FunctionName"); it != q.end() && !it->second.empty())
    fn_arn = parse_function_name(it->second, ctx.region, ctx.config.account_id).arn;
  const std::string source = q.count("EventSourceArn") ? q["EventSourceArn"] : "";
  std::size_t start = 0, max_items = 100;
  if (auto it = q.find("Marker"); it != q.end() && !it->second.empty()) {
    try {
      start = std::stoul(it->second);
    } catch (const std::exception&) {
      fail(LambdaError::invalid_parameter("Invalid Marker: " + it->second));
    }
  }
  if (auto it = q.find("MaxItems"); it != q.end() && !it->second.empty()) {
    long long n = 0;
    try {
      n = std::stoll(it->second);
    } catch (const std::exception&) {
      fail(LambdaError::bad_content("Could not parse MaxItems: " + it->second));
    }
    if (n < 1 || n > 10000)
      fail(LambdaError::validation("1 validation error detected: Value '" + it->second + "' at 'maxItems' failed to satisfy "
                                   "constraint: Member must have value " +
                                   (n < 1 ? "greater than or equal to 1" : "less than or equal to 10000")));
    max_items = static_cast<std::size_t>(n);
  }
  std::vector<Mapping> mine;
  for (Mapping& m : load_mappings(ctx.engine.begin_read())) {
    if (m.ns != ctx.ns || (!source.empty() && m.event_source_arn != source)) continue;
    if (!fn_arn.empty() && m.function_arn != fn_arn) continue;
    mine.push_back(std::move(m));
  }
  JsonWriter w;
  w.begin_object();
  w.key("EventSourceMappings");
  w.begin_array();
  for (std::size_t i = start; i < mine.size() && i < start + max_items; ++i) {
    w.begin_object();
    write_json(w, mine[i]);
    w.end_object();
  }
  w.end_array();
  if (start + max_items < mine.size()) {
    w.key("NextMarker");
    w.string(std::to_string(start + max_items));
  }
  w.end_object();
  return json_answer(200, w.take());
}

// Update's state rule: enabling a disabled mapping -> Enabling, disabling an
// enabled one -> Disabling, any other change of an enabled one -> Updating.
std::string updated_state(const Mapping& m, std::optional<bool> enabled) {
  const bool on = m.enabled() || m.state == "Enabled";
  if (enabled == true && !on) return "Enabling";
  if (enabled == false && on) return "Disabling";
  return on ? "Updating" : m.state;
}

asio::awaitable<RestResponse> update(RequestContext& ctx, std::string_view uuid, std::string body) {
  Mapping m = find_own(ctx, uuid);
  std::optional<bool> enabled = apply_request(m, body, false, ctx.region, ctx.config.account_id);
  m.state = updated_state(m, enabled);
  m.last_modified = ctx.now();
  PutMappingOp op(m, {}, storage::Origin::user);
  co_await store(ctx, op);
  co_return json_answer(202, to_json(m));
}

asio::awaitable<RestResponse> remove(RequestContext& ctx, std::string_view uuid) {
  Mapping m = find_own(ctx, uuid);
  DeleteMappingOp op{std::string(uuid)};
  co_await store(ctx, op);
  m.state = "Deleting";
  co_return json_answer(202, to_json(m));
}

asio::awaitable<RestResponse> route(RequestContext& ctx, std::string_view method, std::string_view target,
                                    std::string body) {
  auto qpos = target.find('?');
  std::string_view path = target.substr(0, qpos);
  std::string_view query = qpos == std::string_view::npos ? std::string_view() : target.substr(qpos + 1);
  if (!path.starts_with(kMappingsPath)) fail(LambdaError::not_found("ddbd serves only the event source mapping calls of the Lambda API"));
  std::string_view rest = path.substr(kMappingsPath.size());
  if (rest.starts_with("/")) rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty()) {
    if (method == "POST") co_return co_await create(ctx, std::move(body));
    if (method == "GET") co_return list(ctx, query);
  } else if (rest.find('/') == std::string_view::npos) {
    const std::string uuid = percent_decode(rest);
    if (method == "GET") co_return json_answer(200, to_json(find_own(ctx, uuid)));
    if (method == "PUT") co_return co_await update(ctx, uuid, std::move(body));
    if (method == "DELETE") co_return co_await remove(ctx, uuid);
  }
  fail(LambdaError{405, "MethodNotAllowedException", "Method " + std::string(method) + " is not allowed on " + std::string(path)});
}

}  // namespace

RestResponse rest_error(int status, std::string_view type, std::string_view message) {
  JsonWriter w;
  w.begin_object();
  w.key("Type");
  w.string(status >= 500 ? "Service" : "User");
  w.key("message");
  w.string(message);
  w.end_object();
  return RestResponse{status, w.take(), std::string(type)};
}

asio::awaitable<RestResponse> dispatch_rest(RequestContext& ctx, std::string_view method, std::string_view target,
                                            std::string body) {
  try {
    co_return co_await route(ctx, method, target, std::move(body));
  } catch (const LambdaException& e) {
    co_return rest_error(e.error.status, e.error.type, e.error.message);
  } catch (const std::exception& e) {
    spdlog::error("lambda API: {} {}: {}", method, target, e.what());
    co_return rest_error(500, "ServiceException", "Internal error");
  }
}

}  // namespace ddbd::api::lambda
