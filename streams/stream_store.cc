// DynamoDB Streams storage on the engine's aux records (stream_store.hh
// lists the layout).  Values are streams/codec.hh encodings.
#include "streams/stream_store.hh"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

#include "storage/digest.hh"
#include "storage/encoded_item.hh"
#include "streams/codec.hh"

namespace ddbd::streams {

namespace {

using storage::ReadTxn;
using storage::Status;
using storage::WriteTxn;

constexpr std::string_view kNextId = "streams/next_id";
constexpr uint64_t kNoShard = std::numeric_limits<uint64_t>::max();

// ---- keys ----

std::string be64(uint64_t v) {
  std::string s;
  codec::put_u64(s, v);
  return s;
}
std::string descriptor_key(uint64_t id) { return "streams/d/" + be64(id); }
std::string arn_prefix(std::string_view ns) { return "streams/a/" + std::string(ns) + std::string(1, '\0'); }
std::string arn_key(std::string_view ns, std::string_view arn) { return arn_prefix(ns) + std::string(arn); }
std::string shard_prefix(uint64_t id) { return "streams/s/" + be64(id); }
std::string shard_key(uint64_t id, uint64_t no) { return shard_prefix(id) + be64(no); }
std::string record_prefix(uint64_t id) { return "streams/r/" + be64(id); }

// Sequence numbers: "1" then the stream's counter in 20 digits, so that
// they are 21 digits long and order as text as they do as numbers.
std::string seq_text(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "1%020" PRIu64, n);
  return buf;
}
bool parse_seq(std::string_view s, uint64_t& n) {
  if (s.size() != 21 || s[0] != '1') return false;
  n = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (n > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
    n = n * 10 + d;
  }
  return true;
}
std::string record_key(uint64_t id, uint64_t seq) { return record_prefix(id) + seq_text(seq); }

// ---- descriptor ----

// StreamDescription plus the bookkeeping the writer needs.
struct Stored {
  StreamDescription d;
  uint64_t next_seq = 1;
  uint64_t next_shard_no = 0;
  uint64_t open_shard_no = kNoShard;
};

void put_key_schema(std::string& out, const storage::KeySchema& k) {
  codec::put_str(out, k.hash.name);
  codec::put_u8(out, static_cast<uint8_t>(k.hash.type));
  codec::put_u8(out, k.range ? 1 : 0);
  if (k.range) {
    codec::put_str(out, k.range->name);
    codec::put_u8(out, static_cast<uint8_t>(k.range->type));
  }
}
storage::KeySchema get_key_schema(codec::Reader& r) {
  storage::KeySchema k;
  k.hash.name = std::string(r.str());
  k.hash.type = static_cast<AttrType>(r.u8());
  if (r.u8()) k.range = storage::KeyAttr{std::string(r.str()), static_cast<AttrType>(r.u8())};
  return k;
}

std::string encode_stored(const Stored& s) {
  std::string out;
  const StreamDescription& d = s.d;
  for (std::string_view f : {std::string_view(d.ns), std::string_view(d.arn), std::string_view(d.label),
                             std::string_view(d.table_name), std::string_view(d.view_type), std::string_view(d.status)})
    codec::put_str(out, f);
  codec::put_f64(out, d.created);
  codec::put_f64(out, d.disabled);
  put_key_schema(out, d.key);
  codec::put_u64(out, s.next_seq);
  codec::put_u64(out, s.next_shard_no);
  codec::put_u64(out, s.open_shard_no);
  return out;
}
std::optional<Stored> decode_stored(uint64_t id, std::string_view in) {
  codec::Reader r(in);
  Stored s;
  StreamDescription& d = s.d;
  d.stream_id = id;
  for (std::string* f : {&d.ns, &d.arn, &d.label, &d.table_name, &d.view_type, &d.status}) *f = std::string(r.str());
  d.created = r.f64();
  d.disabled = r.f64();
  d.key = get_key_schema(r);
  s.next_seq = r.u64();
  s.next_shard_no = r.u64();
  s.open_shard_no = r.u64();
  if (!r.ok()) return std::nullopt;
  return s;
}

std::optional<Stored> load(WriteTxn& txn, uint64_t id) {
  std::string v;
  if (!txn.aux_get(descriptor_key(id), v)) return std::nullopt;
  return decode_stored(id, v);
}
std::optional<Stored> load(const ReadTxn& txn, uint64_t id) {
  std::string_view v;
  if (!txn.aux_get(descriptor_key(id), v)) return std::nullopt;
  return decode_stored(id, v);
}
Status save(WriteTxn& txn, const Stored& s) { return txn.aux_put(descriptor_key(s.d.stream_id), encode_stored(s)); }

// ---- shards ----

// A shard with its numbers (Shard has them as text).
struct StoredShard {
  uint64_t no = 0;
  Shard shard;
  uint64_t start = 0;
  uint64_t end = 0;  // 0: open
};

std::string encode_shard(const StoredShard& s) {
  std::string out;
  codec::put_str(out, s.shard.shard_id);
  codec::put_str(out, s.shard.parent_shard_id);
  codec::put_u64(out, s.start);
  codec::put_u64(out, s.end);
  codec::put_f64(out, s.shard.created);
  return out;
}
std::optional<StoredShard> decode_shard(uint64_t no, std::string_view in) {
  codec::Reader r(in);
  StoredShard s;
  s.no = no;
  s.shard.shard_id = std::string(r.str());
  s.shard.parent_shard_id = std::string(r.str());
  s.start = r.u64();
  s.end = r.u64();
  s.shard.created = r.f64();
  if (!r.ok()) return std::nullopt;
  s.shard.starting_sequence_number = seq_text(s.start);
  if (s.end) s.shard.ending_sequence_number = seq_text(s.end);
  return s;
}

uint64_t key_suffix_u64(std::string_view key) {
  codec::Reader r(key.substr(key.size() - 8));
  return r.u64();
}

std::vector<StoredShard> shards_of(storage::AuxCursor& c) {
  std::vector<StoredShard> out;
  std::string_view k, v;
  while (c.next(k, v))
    if (auto s = decode_shard(key_suffix_u64(k), v)) out.push_back(std::move(*s));
  return out;
}

std::optional<StoredShard> find_shard(const ReadTxn& txn, uint64_t id, std::string_view shard_id) {
  for (auto& s : shards_of(*txn.aux_scan(shard_prefix(id))))
    if (s.shard.shard_id == shard_id) return s;
  return std::nullopt;
}

// "shardId-<creation ms, 20 digits>-<8 hex>".
std::string new_shard_id(double now) {
  unsigned char b[4];
  storage::random_bytes(b, sizeof b);
  char buf[64];
  std::snprintf(buf, sizeof buf, "shardId-%020" PRIu64 "-%02x%02x%02x%02x",
                static_cast<uint64_t>(std::llround(now * 1000)), b[0], b[1], b[2], b[3]);
  return buf;
}

Status open_shard(WriteTxn& txn, Stored& s, std::string parent, double now) {
  StoredShard sh;
  sh.no = s.next_shard_no++;
  sh.shard.shard_id = new_shard_id(now);
  sh.shard.parent_shard_id = std::move(parent);
  sh.shard.created = now;
  sh.start = s.next_seq;
  s.open_shard_no = sh.no;
  return txn.aux_put(shard_key(s.d.stream_id, sh.no), encode_shard(sh));
}

std::optional<StoredShard> load_shard(WriteTxn& txn, uint64_t id, uint64_t no) {
  std::string v;
  if (!txn.aux_get(shard_key(id, no), v)) return std::nullopt;
  return decode_shard(no, v);
}

// Closes the open shard of `s`: its end is the last sequence number it
// gave out (its start when it gave none, which is then skipped, so that
// shard ranges never overlap).  Returns the closed shard's id in `closed_id`.
Status close_open_shard(WriteTxn& txn, Stored& s, std::string* closed_id) {
  if (s.open_shard_no == kNoShard) return Status::ok;
  auto sh = load_shard(txn, s.d.stream_id, s.open_shard_no);
  s.open_shard_no = kNoShard;
  if (!sh) return Status::ok;
  sh->end = std::max(sh->start, s.next_seq - 1);
  s.next_seq = sh->end + 1;
  if (closed_id) *closed_id = sh->shard.shard_id;
  return txn.aux_put(shard_key(s.d.stream_id, sh->no), encode_shard(*sh));
}

// ---- records ----

// The stored value's item_size prefix (storage's stored_value.hh layout).
uint64_t stored_item_size(std::string_view stored) {
  if (stored.size() < 4) return 0;
  uint64_t n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(stored[i]);
  return n;
}

bool wants_new(std::string_view view) { return view == kNewImage || view == kNewAndOldImages; }
bool wants_old(std::string_view view) { return view == kOldImage || view == kNewAndOldImages; }

// True when the change changed nothing: the images are equal as DynamoDB
// compares items (numbers by value, sets as sets).
bool unchanged(const storage::ChangeEvent& e) {
  if (!e.has_old() || !e.has_new()) return false;
  if (e.old_image() == e.new_image()) return true;
  Item a, b;
  if (!storage::decode_item(e.old_image(), a) || !storage::decode_item(e.new_image(), b)) return false;
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].first != b[i].first || a[i].second != b[i].second) return false;
  return true;
}

std::string new_event_id() {
  unsigned char b[16];
  storage::random_bytes(b, sizeof b);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : b) {
    s.push_back(hex[c >> 4]);
    s.push_back(hex[c & 15]);
  }
  return s;
}

void put_keys(std::string& out, const storage::KeySchema& schema, const storage::PrimaryKey& key) {
  codec::put_u8(out, key.range ? 2 : 1);
  codec::put_str(out, schema.hash.name);
  codec::put_u8(out, static_cast<uint8_t>(key.hash.type));
  codec::put_str(out, key.hash.str);
  if (key.range) {
    codec::put_str(out, schema.range ? schema.range->name : std::string());
    codec::put_u8(out, static_cast<uint8_t>(key.range->type));
    codec::put_str(out, key.range->str);
  }
}

uint64_t keys_size(const storage::KeySchema& schema, const storage::PrimaryKey& key) {
  uint64_t n = schema.hash.name.size() + value_size(key.hash);
  if (key.range && schema.range) n += schema.range->name.size() + value_size(*key.range);
  return n;
}

std::string encode_record(const storage::ChangeEvent& e, std::string_view view) {
  const storage::KeySchema& schema = e.table->key;
  const bool with_old = wants_old(view) && e.has_old();
  const bool with_new = wants_new(view) && e.has_new();
  uint64_t size = keys_size(schema, e.key);
  if (with_old) size += stored_item_size(e.old_stored);
  if (with_new) size += stored_item_size(e.new_stored);
  std::string out;
  codec::put_u8(out, static_cast<uint8_t>(e.kind));
  codec::put_u8(out, static_cast<uint8_t>(e.origin));
  codec::put_f64(out, e.time);  // exact, for retention; shown floored
  codec::put_u64(out, size);
  codec::put_str(out, new_event_id());
  codec::put_str(out, view);
  put_keys(out, schema, e.key);
  codec::put_u8(out, with_old ? 1 : 0);
  if (with_old) codec::put_str(out, e.old_image());
  codec::put_u8(out, with_new ? 1 : 0);
  if (with_new) codec::put_str(out, e.new_image());
  return out;
}

Item get_keys(codec::Reader& r) {
  Item keys;
  const int n = r.u8();
  for (int i = 0; i < n && r.ok(); ++i) {
    std::string name(r.str());
    AttributeValue v;
    v.type = static_cast<AttrType>(r.u8());
    v.str = std::string(r.str());
    keys.emplace_back(std::move(name), std::move(v));
  }
  std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return keys;
}

std::optional<Item> get_image(codec::Reader& r) {
  if (!r.u8()) return std::nullopt;
  Item item;
  if (!storage::decode_item(r.str(), item)) return Item{};
  return item;
}

std::optional<StreamRecord> decode_record(std::string_view seq, std::string_view in) {
  codec::Reader r(in);
  StreamRecord rec;
  rec.sequence_number = std::string(seq);
  rec.kind = static_cast<storage::ChangeKind>(r.u8());
  rec.origin = static_cast<storage::Origin>(r.u8());
  rec.created = std::floor(r.f64());
  rec.size_bytes = r.u64();
  rec.event_id = std::string(r.str());
  rec.view_type = std::string(r.str());
  rec.keys = get_keys(r);
  rec.old_image = get_image(r);
  rec.new_image = get_image(r);
  if (!r.ok()) return std::nullopt;
  return rec;
}

// The created time of a stored record (its third field).
double record_created(std::string_view v) {
  codec::Reader r(v);
  r.u8();
  r.u8();
  return r.f64();
}

// The first sequence number at or after `from` whose record is still kept
// (not older than the retention period); the stream's next number when
// there is none.
uint64_t horizon(const ReadTxn& txn, const Stored& s, double now, const StoreOptions& o) {
  auto c = txn.aux_scan(record_prefix(s.d.stream_id));
  std::string_view k, v;
  while (c->next(k, v)) {
    if (record_created(v) >= now - o.retention_seconds) {
      uint64_t n = 0;
      parse_seq(k.substr(k.size() - 21), n);
      return n;
    }
  }
  return s.next_seq;
}

Status next_stream_id(WriteTxn& txn, uint64_t& id) {
  std::string v;
  id = 1;
  if (txn.aux_get(kNextId, v)) {
    codec::Reader r(v);
    id = r.u64();
  }
  return txn.aux_put(kNextId, be64(id + 1));
}

}  // namespace

std::string stream_arn(const storage::TableDef& def) {
  return "arn:aws:dynamodb:" + def.region + ":" + def.account_id + ":table/" + def.name + "/stream/" + def.stream_label;
}

std::string stream_label(double seconds) {
  const auto whole = static_cast<std::time_t>(std::floor(seconds));
  const int ms = static_cast<int>(std::floor((seconds - std::floor(seconds)) * 1000));
  std::tm tm{};
  gmtime_r(&whole, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, std::min(ms, 999));
  return buf;
}

Status open_stream(WriteTxn& txn, storage::TableDef& def, std::string_view view_type, double now) {
  Stored s;
  if (Status st = next_stream_id(txn, s.d.stream_id); st != Status::ok) return st;
  def.stream_enabled = true;
  def.stream_view_type = std::string(view_type);
  def.stream_label = stream_label(now);
  def.stream_id = s.d.stream_id;
  s.d.ns = def.ns;
  s.d.arn = stream_arn(def);
  s.d.label = def.stream_label;
  s.d.table_name = def.name;
  s.d.view_type = def.stream_view_type;
  s.d.status = "ENABLED";
  s.d.created = now;
  s.d.key = def.key;
  if (Status st = open_shard(txn, s, "", now); st != Status::ok) return st;
  if (Status st = txn.aux_put(arn_key(s.d.ns, s.d.arn), be64(s.d.stream_id)); st != Status::ok) return st;
  return save(txn, s);
}

Status close_stream(WriteTxn& txn, storage::TableDef& def, double now) {
  if (!def.stream_enabled) return Status::ok;
  def.stream_enabled = false;
  auto s = load(txn, def.stream_id);
  if (!s) return Status::ok;
  s->d.status = "DISABLED";
  s->d.disabled = now;
  if (Status st = close_open_shard(txn, *s, nullptr); st != Status::ok) return st;
  return save(txn, *s);
}

Status StreamRecorder::on_change(WriteTxn& txn, const storage::ChangeEvent& event) {
  const storage::TableDef& def = *event.table;
  if (!def.stream_enabled) return Status::ok;  // the hot path: no stream, no cost
  if (unchanged(event)) return Status::ok;     // DynamoDB writes no record for a no-op
  auto s = load(txn, def.stream_id);
  if (!s || s->d.status != "ENABLED") return Status::ok;
  auto sh = s->open_shard_no == kNoShard ? std::nullopt : load_shard(txn, s->d.stream_id, s->open_shard_no);
  if (!sh || event.time - sh->shard.created >= options_.shard_rollover_seconds) {
    std::string parent;
    if (Status st = close_open_shard(txn, *s, &parent); st != Status::ok) return st;
    if (Status st = open_shard(txn, *s, parent, event.time); st != Status::ok) return st;
  }
  const uint64_t seq = s->next_seq++;
  if (Status st = txn.aux_put(record_key(s->d.stream_id, seq), encode_record(event, s->d.view_type)); st != Status::ok)
    return st;
  return save(txn, *s);
}

std::size_t trim(WriteTxn& txn, double now, const StoreOptions& options) {
  const double cutoff = now - options.retention_seconds;
  std::vector<uint64_t> ids;
  {
    auto c = txn.aux_scan("streams/d/");
    std::string_view k, v;
    while (c->next(k, v)) ids.push_back(key_suffix_u64(k));
  }
  std::size_t deleted = 0;
  for (uint64_t id : ids) {
    std::vector<std::string> old;
    {
      auto c = txn.aux_scan(record_prefix(id));
      std::string_view k, v;
      while (c->next(k, v) && record_created(v) < cutoff) old.emplace_back(k);
    }
    for (const auto& k : old) deleted += txn.aux_erase(k) == Status::ok ? 1 : 0;
    // Closed shards whose records are all gone, and created before the
    // cutoff, go; so does a disabled stream left with no shard.
    auto s = load(txn, id);
    if (!s) continue;
    std::string first_kept;
    {
      auto c = txn.aux_scan(record_prefix(id));
      std::string_view k, v;
      if (c->next(k, v)) first_kept = std::string(k.substr(k.size() - 21));
    }
    uint64_t first = s->next_seq;
    if (!first_kept.empty()) parse_seq(first_kept, first);
    std::vector<StoredShard> shards = shards_of(*txn.aux_scan(shard_prefix(id)));
    std::size_t left = shards.size();
    for (const auto& sh : shards)
      if (sh.end && sh.end < first && sh.shard.created < cutoff && txn.aux_erase(shard_key(id, sh.no)) == Status::ok)
        --left;
    if (left == 0 && s->d.status == "DISABLED" && s->d.disabled < cutoff) {
      txn.aux_erase(arn_key(s->d.ns, s->d.arn));
      txn.aux_erase(descriptor_key(id));
    }
  }
  return deleted;
}

std::optional<StreamDescription> describe_stream(const ReadTxn& txn, std::string_view ns, std::string_view arn) {
  std::string_view idv;
  if (!txn.aux_get(arn_key(ns, arn), idv) || idv.size() != 8) return std::nullopt;
  codec::Reader r(idv);
  auto s = load(txn, r.u64());
  if (!s) return std::nullopt;
  for (auto& sh : shards_of(*txn.aux_scan(shard_prefix(s->d.stream_id)))) s->d.shards.push_back(std::move(sh.shard));
  return std::move(s->d);
}

std::vector<StreamDescription> list_streams(const ReadTxn& txn, std::string_view ns,
                                            std::optional<std::string_view> table_name) {
  std::vector<StreamDescription> out;
  auto c = txn.aux_scan(arn_prefix(ns));
  std::string_view k, v;
  while (c->next(k, v)) {
    if (v.size() != 8) continue;
    codec::Reader r(v);
    auto s = load(txn, r.u64());
    if (s && (!table_name || s->d.table_name == *table_name)) out.push_back(std::move(s->d));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created > b.created; });
  return out;
}

ResolvedPosition resolve_position(const ReadTxn& txn, uint64_t stream_id, std::string_view shard_id,
                                  const ShardPosition& from, double now, const StoreOptions& options) {
  ResolvedPosition out;
  out.position = from;
  auto s = load(txn, stream_id);
  auto sh = find_shard(txn, stream_id, shard_id);
  if (!s || !sh) return out;
  using K = ShardPosition::Kind;
  if (from.kind == K::trim_horizon) return out;
  if (from.kind == K::latest) {
    out.position = sh->end ? ShardPosition{K::after, seq_text(sh->end)} : ShardPosition{K::at, seq_text(s->next_seq)};
    return out;
  }
  uint64_t n = 0;
  if (!parse_seq(from.sequence_number, n)) {
    out.invalid = true;
    return out;
  }
  const uint64_t first_wanted = from.kind == K::after ? n + 1 : n;
  out.trimmed = first_wanted < horizon(txn, *s, now, options);
  return out;
}

ShardRead read_shard(const ReadTxn& txn, uint64_t stream_id, std::string_view shard_id, const ShardPosition& from,
                     std::size_t limit, std::size_t max_bytes, double now, const StoreOptions& options) {
  ShardRead out;
  out.next = from;
  auto s = load(txn, stream_id);
  auto sh = find_shard(txn, stream_id, shard_id);
  if (!s || !sh) {
    out.ended = true;
    return out;
  }
  using K = ShardPosition::Kind;
  const uint64_t keep_from = horizon(txn, *s, now, options);
  uint64_t start = std::max(sh->start, keep_from);
  if (from.kind == K::latest) start = sh->end ? sh->end + 1 : s->next_seq;
  if (from.kind == K::at || from.kind == K::after) {
    uint64_t n = 0;
    if (!parse_seq(from.sequence_number, n)) {
      out.trimmed = true;
      return out;
    }
    const uint64_t wanted = from.kind == K::after ? n + 1 : n;
    if (wanted < keep_from) {
      out.trimmed = true;
      return out;
    }
    start = std::max(wanted, sh->start);
  }
  auto c = txn.aux_scan(record_prefix(stream_id), record_key(stream_id, start));
  std::string_view k, v;
  std::size_t bytes = 0;
  bool more = false;
  while (c->next(k, v)) {
    uint64_t n = 0;
    if (!parse_seq(k.substr(k.size() - 21), n) || (sh->end && n > sh->end)) break;
    if (out.records.size() >= limit || (bytes >= max_bytes && !out.records.empty())) {
      more = true;
      break;
    }
    auto rec = decode_record(k.substr(k.size() - 21), v);
    if (!rec) continue;
    bytes += rec->size_bytes;
    out.records.push_back(std::move(*rec));
  }
  if (!out.records.empty()) out.next = ShardPosition{K::after, out.records.back().sequence_number};
  else out.next = ShardPosition{K::at, seq_text(start)};
  out.ended = sh->end != 0 && !more;
  return out;
}

}  // namespace ddbd::streams
