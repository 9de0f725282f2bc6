// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator,
// GetRecords (X-Amz-Target DynamoDBStreams_20120810.<Op>, same port).
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html
//
// Streams are read through streams/stream_store.hh in the caller's
// namespace.  A shard iterator is an opaque string
//   <stream arn>|1|<hex of shard id, position, creation time, MAC>
// valid for ApiConfig::stream_iterator_seconds (DynamoDB: 15 minutes,
// ExpiredIteratorException after); one that does not decode or whose MAC
// does not match is a ValidationException.
#include <cmath>
#include <ctime>

#include "api/hex.hh"
#include "api/ops/ops.hh"
#include "api/shapes.hh"
#include "api/stream_record_json.hh"
#include "storage/digest.hh"
#include "streams/codec.hh"

namespace ddbd::api::ops {

namespace {

using streams::ShardPosition;
namespace codec = streams::codec;

// GetRecords answers at most 1 MB of records (API_streams_GetRecords).
constexpr std::size_t kMaxRecordBytes = 1 << 20;
// Integrity only: the MAC tells a garbled or hand-made iterator from ours.
constexpr std::string_view kIteratorKey = "ddbd-stream-iterator-v1";

FieldSpec arn_spec(std::string_view name, bool required) {
  return FieldSpec{.name = name, .not_null = required, .min_length = 37, .max_length = 1024};
}
FieldSpec shard_id_spec(std::string_view name, bool required) {
  return FieldSpec{.name = name, .not_null = required, .min_length = 28, .max_length = 65};
}

[[noreturn]] void stream_not_found(std::string_view arn) {
  throw ApiError::resource_not_found("Requested resource not found: Stream: " + std::string(arn) + " not found");
}
[[noreturn]] void shard_not_found() { throw ApiError::resource_not_found("Requested resource not found: Shard does not exist"); }
[[noreturn]] void trimmed() {
  throw ApiError(ErrorCode::TrimmedDataAccessException,
                 "The operation attempted to read past the oldest stream record in a shard.");
}

streams::StreamDescription require_stream(const RequestContext& ctx, std::string_view arn) {
  auto d = streams::describe_stream(ctx.engine.begin_read(), ctx.ns, arn);
  if (!d) stream_not_found(arn);
  return std::move(*d);
}

void check_shard(const streams::StreamDescription& d, std::string_view shard_id) {
  for (const auto& s : d.shards)
    if (s.shard_id == shard_id) return;
  shard_not_found();
}

// ---- iterators ----

struct Iterator {
  std::string arn;
  std::string shard_id;
  ShardPosition position;
  double created = 0;
};

std::string mac(std::string_view payload) {
  std::string data(kIteratorKey);
  data.append(payload);
  const storage::Sha256Digest md = storage::sha256(data);
  return std::string(reinterpret_cast<const char*>(md.data()), 16);
}

std::string encode_iterator(const Iterator& it) {
  std::string payload;
  codec::put_str(payload, it.arn);
  codec::put_str(payload, it.shard_id);
  codec::put_u8(payload, static_cast<uint8_t>(it.position.kind));
  codec::put_str(payload, it.position.sequence_number);
  codec::put_f64(payload, it.created);
  payload += mac(payload);
  std::string out = it.arn + "|1|";
  for (unsigned char c : payload) append_hex_byte(out, c);
  return out;
}

bool unhex(std::string_view in, std::string& out) {
  if (in.size() % 2) return false;
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < in.size(); i += 2) {
    int hi = val(in[i]), lo = val(in[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

[[noreturn]] void invalid_iterator() { throw ApiError::validation("Invalid ShardIterator"); }

Iterator decode_iterator(std::string_view text) {
  const auto bar = text.rfind('|');
  if (bar == std::string_view::npos || bar < 2 || text.substr(bar - 2, 3) != "|1|") invalid_iterator();
  std::string payload;
  if (!unhex(text.substr(bar + 1), payload) || payload.size() < 16) invalid_iterator();
  const std::string_view body = std::string_view(payload).substr(0, payload.size() - 16);
  if (mac(body) != std::string_view(payload).substr(payload.size() - 16)) invalid_iterator();
  codec::Reader r(body);
  Iterator it;
  it.arn = std::string(r.str());
  it.shard_id = std::string(r.str());
  const uint8_t kind = r.u8();
  it.position.sequence_number = std::string(r.str());
  it.created = r.f64();
  if (!r.ok() || kind > 3 || it.arn != text.substr(0, bar - 2)) invalid_iterator();
  it.position.kind = static_cast<ShardPosition::Kind>(kind);
  return it;
}

// A time as Java's Date.toString() shows it in UTC, as DynamoDB's
// ExpiredIteratorException message does ("Wed Mar 04 01:02:40 UTC 2020").
std::string java_date(double seconds) {
  const auto t = static_cast<std::time_t>(std::floor(seconds));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S UTC %Y", &tm);
  return buf;
}

void check_not_expired(const RequestContext& ctx, const Iterator& it) {
  const double now = ctx.now();
  const double lifetime = ctx.config.stream_iterator_seconds;
  if (now - it.created <= lifetime) return;
  throw ApiError(ErrorCode::ExpiredIteratorException,
                 "Iterator expired. The iterator was created at time " + java_date(it.created) +
                     " while right now it is " + java_date(now) +
                     " which is further in the future than the tolerated delay of " +
                     std::to_string(static_cast<int64_t>(lifetime * 1000)) + " milliseconds.");
}

// ---- JSON ----

void write_shard(JsonWriter& w, const streams::Shard& s) {
  w.begin_object();
  w.key("ShardId");
  w.string(s.shard_id);
  if (!s.parent_shard_id.empty()) {
    w.key("ParentShardId");
    w.string(s.parent_shard_id);
  }
  w.key("SequenceNumberRange");
  w.begin_object();
  w.key("StartingSequenceNumber");
  w.string(s.starting_sequence_number);
  if (!s.open()) {
    w.key("EndingSequenceNumber");
    w.string(s.ending_sequence_number);
  }
  w.end_object();
  w.end_object();
}

void write_description(JsonWriter& w, const streams::StreamDescription& d, std::size_t first, std::size_t count) {
  w.begin_object();
  w.key("StreamArn");
  w.string(d.arn);
  w.key("StreamLabel");
  w.string(d.label);
  w.key("StreamStatus");
  w.string(d.status);
  w.key("StreamViewType");
  w.string(d.view_type);
  w.key("CreationRequestDateTime");
  w.number_double(d.created);
  w.key("TableName");
  w.string(d.table_name);
  w.key("KeySchema");
  write_key_schema(w, d.key);
  w.key("Shards");
  w.begin_array();
  for (std::size_t i = first; i < first + count; ++i) write_shard(w, d.shards[i]);
  w.end_array();
  if (first + count < d.shards.size()) {
    w.key("LastEvaluatedShardId");
    w.string(d.shards[first + count - 1].shard_id);
  }
  w.end_object();
}

// ---- operations ----

std::string list_streams_json(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "TableName", .min_length = 3, .max_length = 255, .name_pattern = true},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = 100},
      arn_spec("ExclusiveStartStreamArn", false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  const auto table = get_string(body, "TableName");
  const std::size_t limit = static_cast<std::size_t>(get_int(body, "Limit").value_or(100));
  const auto start = get_string(body, "ExclusiveStartStreamArn");
  const auto all = streams::list_streams(ctx.engine.begin_read(), ctx.ns, table);
  std::size_t first = 0;
  if (start) {
    while (first < all.size() && all[first].arn != *start) ++first;
    first = first < all.size() ? first + 1 : all.size();
  }
  JsonWriter w;
  w.begin_object();
  w.key("Streams");
  w.begin_array();
  std::size_t i = first;
  for (; i < all.size() && i < first + limit; ++i) {
    w.begin_object();
    w.key("StreamArn");
    w.string(all[i].arn);
    w.key("TableName");
    w.string(all[i].table_name);
    w.key("StreamLabel");
    w.string(all[i].label);
    w.end_object();
  }
  w.end_array();
  if (i < all.size()) {
    w.key("LastEvaluatedStreamArn");
    w.string(all[i - 1].arn);
  }
  w.end_object();
  return w.take();
}

std::string describe_stream_json(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      arn_spec("StreamArn", true), FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = 100},
      shard_id_spec("ExclusiveStartShardId", false)};
  ValidationErrors errors;
  check_request(body, specs, errors);
  const auto d = require_stream(ctx, *get_string(body, "StreamArn"));
  const std::size_t limit = static_cast<std::size_t>(get_int(body, "Limit").value_or(100));
  std::size_t first = 0;
  if (auto start = get_string(body, "ExclusiveStartShardId")) {
    while (first < d.shards.size() && d.shards[first].shard_id != *start) ++first;
    first = first < d.shards.size() ? first + 1 : d.shards.size();
  }
  const std::size_t count = std::min(limit, d.shards.size() - first);
  JsonWriter w;
  w.begin_object();
  w.key("StreamDescription");
  write_description(w, d, first, count);
  w.end_object();
  return w.take();
}

ShardPosition::Kind iterator_kind(std::string_view type) {
  if (type == "TRIM_HORIZON") return ShardPosition::Kind::trim_horizon;
  if (type == "LATEST") return ShardPosition::Kind::latest;
  if (type == "AT_SEQUENCE_NUMBER") return ShardPosition::Kind::at;
  return ShardPosition::Kind::after;
}

std::string get_shard_iterator_json(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      arn_spec("StreamArn", true), shard_id_spec("ShardId", true),
      FieldSpec{.name = "ShardIteratorType",
                .not_null = true,
                .enum_values = {"TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"}},
      FieldSpec{.name = "SequenceNumber", .min_length = 21, .max_length = 40}};
  ValidationErrors errors;
  check_request(body, specs, errors);
  Iterator it;
  it.arn = std::string(*get_string(body, "StreamArn"));
  it.shard_id = std::string(*get_string(body, "ShardId"));
  it.position.kind = iterator_kind(*get_string(body, "ShardIteratorType"));
  const auto seq = get_string(body, "SequenceNumber");
  const bool needs_seq = it.position.kind == ShardPosition::Kind::at || it.position.kind == ShardPosition::Kind::after;
  if (needs_seq && !seq)
    throw ApiError::validation("Must provide a SequenceNumber for ShardIteratorType " +
                               std::string(*get_string(body, "ShardIteratorType")));
  if (!needs_seq && seq)
    throw ApiError::validation("Cannot provide a SequenceNumber for ShardIteratorType " +
                               std::string(*get_string(body, "ShardIteratorType")));
  if (seq) it.position.sequence_number = std::string(*seq);
  const auto d = require_stream(ctx, it.arn);
  check_shard(d, it.shard_id);
  it.created = ctx.now();
  auto resolved = streams::resolve_position(ctx.engine.begin_read(), d.stream_id, it.shard_id, it.position, it.created,
                                            ctx.config.stream_options);
  if (resolved.invalid) throw ApiError::validation("Invalid SequenceNumber: " + it.position.sequence_number);
  if (resolved.trimmed) trimmed();
  it.position = resolved.position;
  JsonWriter w;
  w.begin_object();
  w.key("ShardIterator");
  w.string(encode_iterator(it));
  w.end_object();
  return w.take();
}

std::string get_records_json(RequestContext& ctx, json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "ShardIterator", .not_null = true, .min_length = 1, .max_length = 2048},
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1, .max_value = 1000}};
  ValidationErrors errors;
  check_request(body, specs, errors);
  Iterator it = decode_iterator(*get_string(body, "ShardIterator"));
  check_not_expired(ctx, it);
  const auto d = require_stream(ctx, it.arn);
  check_shard(d, it.shard_id);
  const std::size_t limit = static_cast<std::size_t>(get_int(body, "Limit").value_or(1000));
  const double now = ctx.now();
  auto read = streams::read_shard(ctx.engine.begin_read(), d.stream_id, it.shard_id, it.position, limit, kMaxRecordBytes,
                                  now, ctx.config.stream_options);
  if (read.trimmed) trimmed();
  const StreamRecordContext rc{std::string(ctx.region), d.arn, false};
  JsonWriter w;
  w.begin_object();
  w.key("Records");
  w.begin_array();
  for (const auto& r : read.records) write_stream_record(w, r, rc);
  w.end_array();
  if (!read.ended) {
    it.position = read.next;
    it.created = now;
    w.key("NextShardIterator");
    w.string(encode_iterator(it));
  }
  w.end_object();
  return w.take();
}

}  // namespace

Result list_streams(RequestContext& ctx, json::object body) { co_return list_streams_json(ctx, body); }
Result describe_stream(RequestContext& ctx, json::object body) { co_return describe_stream_json(ctx, body); }
Result get_shard_iterator(RequestContext& ctx, json::object body) { co_return get_shard_iterator_json(ctx, body); }
Result get_records(RequestContext& ctx, json::object body) { co_return get_records_json(ctx, body); }

}  // namespace ddbd::api::ops
