#include "api/global_tables.hh"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "storage/clock.hh"
#include "storage/digest.hh"
#include "storage/encoded_item.hh"
#include "streams/codec.hh"

namespace ddbd::api::global {

namespace {

// The records' bytes: streams/codec.hh's encoding.
using streams::codec::put_f64;
using streams::codec::put_i64;
using streams::codec::put_str;
using streams::codec::put_u64;
using streams::codec::put_u8;
using streams::codec::Reader;

void put_scaling(std::string& out, const AutoScaling& a) {
  put_u8(out, a.set);
  if (!a.set) return;
  put_i64(out, a.min_units);
  put_i64(out, a.max_units);
  put_u8(out, a.disabled);
  put_str(out, a.role_arn);
  put_u8(out, a.has_policy);
  put_str(out, a.policy_name);
  put_f64(out, a.target_value);
  put_u8(out, a.disable_scale_in);
  put_i64(out, a.scale_in_cooldown);
  put_i64(out, a.scale_out_cooldown);
}

AutoScaling get_scaling(Reader& r) {
  AutoScaling a;
  a.set = r.u8() != 0;
  if (!a.set) return a;
  a.min_units = r.i64();
  a.max_units = r.i64();
  a.disabled = r.u8() != 0;
  a.role_arn = r.str();
  a.has_policy = r.u8() != 0;
  a.policy_name = r.str();
  a.target_value = r.f64();
  a.disable_scale_in = r.u8() != 0;
  a.scale_in_cooldown = r.i64();
  a.scale_out_cooldown = r.i64();
  return a;
}

constexpr uint8_t kFormat = 1;

}  // namespace

const Replica* GlobalInfo::find(std::string_view region) const {
  for (const auto& r : replicas)
    if (r.region == region) return &r;
  return nullptr;
}

Replica* GlobalInfo::find(std::string_view region) {
  for (auto& r : replicas)
    if (r.region == region) return &r;
  return nullptr;
}

std::string encode(const GlobalInfo& info) {
  std::string out;
  put_u8(out, kFormat);
  put_str(out, info.version);
  put_f64(out, info.creation_time);
  put_str(out, info.consistency);
  put_str(out, info.witness_region);
  put_scaling(out, info.write_scaling);
  put_u64(out, info.gsi_write_scaling.size());
  for (const auto& [name, a] : info.gsi_write_scaling) {
    put_str(out, name);
    put_scaling(out, a);
  }
  put_u64(out, info.replicas.size());
  for (const Replica& r : info.replicas) {
    put_str(out, r.region);
    put_str(out, r.status);
    put_f64(out, r.ready_time);
    put_str(out, r.kms_key);
    put_i64(out, r.read_capacity_override);
    put_str(out, r.table_class_override);
    put_scaling(out, r.read_scaling);
    put_u64(out, r.gsis.size());
    for (const GsiOverride& g : r.gsis) {
      put_str(out, g.index_name);
      put_i64(out, g.read_capacity);
      put_scaling(out, g.read_scaling);
    }
  }
  return out;
}

bool decode(std::string_view bytes, GlobalInfo& out) {
  Reader r(bytes);
  if (r.u8() != kFormat) return false;
  out = GlobalInfo{};
  out.version = r.str();
  out.creation_time = r.f64();
  out.consistency = r.str();
  out.witness_region = r.str();
  out.write_scaling = get_scaling(r);
  const uint64_t gsw = r.u64();
  for (uint64_t i = 0; i < gsw && r.ok(); ++i) {
    std::string name(r.str());
    out.gsi_write_scaling.emplace_back(std::move(name), get_scaling(r));
  }
  const uint64_t n = r.u64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) {
    Replica rep;
    rep.region = r.str();
    rep.status = r.str();
    rep.ready_time = r.f64();
    rep.kms_key = r.str();
    rep.read_capacity_override = r.i64();
    rep.table_class_override = r.str();
    rep.read_scaling = get_scaling(r);
    const uint64_t g = r.u64();
    for (uint64_t j = 0; j < g && r.ok(); ++j) {
      GsiOverride o;
      o.index_name = r.str();
      o.read_capacity = r.i64();
      o.read_scaling = get_scaling(r);
      rep.gsis.push_back(std::move(o));
    }
    out.replicas.push_back(std::move(rep));
  }
  return r.ok();
}

std::optional<GlobalInfo> info_of(const storage::TableDef& table) {
  if (table.global_table.empty()) return std::nullopt;
  GlobalInfo info;
  if (!decode(table.global_table, info)) return std::nullopt;
  return info;
}

bool valid_region(std::string_view region) {
  // AWS's region names (the partitions aws, aws-us-gov and aws-cn).
  static constexpr std::array<std::string_view, 38> kRegions = {
      "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
      "ap-south-1",     "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
      "ap-southeast-5", "ap-southeast-7", "ca-central-1",   "ca-west-1",      "cn-north-1",     "cn-northwest-1",
      "eu-central-1",   "eu-central-2",   "eu-north-1",     "eu-south-1",     "eu-south-2",     "eu-west-1",
      "eu-west-2",      "eu-west-3",      "il-central-1",   "me-central-1",   "me-south-1",     "mx-central-1",
      "sa-east-1",      "us-east-1",      "us-east-2",      "us-gov-east-1",  "us-gov-west-1",  "us-west-1",
      "us-west-2",      "ap-southeast-6",
  };
  return std::find(kRegions.begin(), kRegions.end(), region) != kRegions.end();
}

bool wins(const Stamp& incoming, const Stamp& current) {
  if (incoming.micros != current.micros) return incoming.micros > current.micros;
  return incoming.region > current.region;
}

uint64_t local_stamp(uint64_t now_micros, const std::optional<Stamp>& previous) {
  if (previous && previous->micros >= now_micros) return previous->micros + 1;
  return now_micros;
}

std::string_view access_key_of(std::string_view ns) {
  const auto slash = ns.rfind('/');
  return slash == std::string_view::npos ? ns : ns.substr(0, slash);
}

std::string namespace_of(std::string_view access_key, std::string_view region) {
  std::string ns(access_key);
  ns.push_back('/');
  ns.append(region);
  return ns;
}

std::string stamp_prefix(uint64_t table_id) {
  std::string k = "gt/ts/";
  put_u64(k, table_id);
  return k;
}

std::string stamp_key(const storage::TableDef& table, const storage::PrimaryKey& key) {
  // A key may be up to ~3 KB, an aux key 500 bytes: the record is keyed by
  // the digest of the stored key.
  const storage::Sha256Digest d = storage::sha256(storage::stored_key(table, key));
  std::string k = stamp_prefix(table.table_id);
  k.append(reinterpret_cast<const char*>(d.data()), 20);
  return k;
}

namespace {

// A stamp record's value (write_stamp below); nullopt when malformed.
std::optional<Stamp> decode_stamp(std::string_view v) {
  Reader r(v);
  Stamp s;
  s.micros = r.u64();
  s.region = r.str();
  if (!r.ok()) return std::nullopt;
  return s;
}

std::optional<Stamp> read_stamp(storage::WriteTxn& txn, const std::string& key) {
  std::string v;
  if (!txn.aux_get(key, v)) return std::nullopt;
  return decode_stamp(v);
}

std::optional<Stamp> read_stamp(const storage::ReadTxn& txn, const std::string& key) {
  std::string_view v;
  if (!txn.aux_get(key, v)) return std::nullopt;
  return decode_stamp(v);
}

storage::Status write_stamp(storage::WriteTxn& txn, const std::string& key, const Stamp& s) {
  std::string v;
  put_u64(v, s.micros);
  put_str(v, s.region);
  return txn.aux_put(key, v);
}

uint64_t micros_of(double seconds) { return static_cast<uint64_t>(std::llround(seconds * 1e6)); }

// One change to forward: the item written (or the key removed) in
// `access_key`'s `table` of `origin_region`, stamped `stamp`.
struct Change {
  bool put = true;
  std::string access_key;
  std::string table;
  Stamp stamp;
  storage::PrimaryKey key;  // remove
  Item item;                // put
  std::vector<std::string> targets;
  double time = 0;  // when it was queued (engine clock)
};

void put_value(std::string& out, const AttributeValue& v) {
  put_u8(out, static_cast<uint8_t>(v.type));
  put_str(out, v.str);
}

AttributeValue get_value(Reader& r) {
  AttributeValue v;
  v.type = static_cast<AttrType>(r.u8());
  v.str = r.str();
  return v;
}

// The queue record of an event (the item as its stored encoding).
std::string encode_change(const storage::ChangeEvent& e, std::string_view access_key, const Stamp& stamp,
                          const std::vector<std::string>& targets) {
  std::string out;
  put_u8(out, e.has_new() ? 1 : 0);
  put_f64(out, e.time);
  put_str(out, access_key);
  put_str(out, e.table->name);
  put_u64(out, stamp.micros);
  put_str(out, stamp.region);
  put_value(out, e.key.hash);
  put_u8(out, e.key.range ? 1 : 0);
  if (e.key.range) put_value(out, *e.key.range);
  put_str(out, e.new_image());
  put_u64(out, targets.size());
  for (const auto& t : targets) put_str(out, t);
  return out;
}

bool decode_change(std::string_view bytes, Change& c) {
  Reader r(bytes);
  c.put = r.u8() != 0;
  c.time = r.f64();
  c.access_key = r.str();
  c.table = r.str();
  c.stamp.micros = r.u64();
  c.stamp.region = r.str();
  c.key.hash = get_value(r);
  if (r.u8()) c.key.range = get_value(r);
  const std::string_view image = r.str();
  const uint64_t n = r.u64();
  for (uint64_t i = 0; i < n && r.ok(); ++i) c.targets.emplace_back(r.str());
  if (!r.ok()) return false;
  if (c.put && !storage::decode_item(image, c.item)) return false;
  return true;
}

bool same_key_schema(const storage::KeySchema& a, const storage::KeySchema& b) {
  if (a.hash.name != b.hash.name || a.hash.type != b.hash.type) return false;
  if (a.range.has_value() != b.range.has_value()) return false;
  return !a.range || (a.range->name == b.range->name && a.range->type == b.range->type);
}

// The 2017.11.29 version's replication attributes on a replicated item.
void add_rep_attributes(Item& item, const Stamp& s) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(s.micros / 1000000),
                static_cast<unsigned long long>(s.micros % 1000000));
  map_set(item, "aws:rep:deleting", AttributeValue::boolean_value(false));
  map_set(item, "aws:rep:updateregion", AttributeValue::string(s.region));
  map_set(item, "aws:rep:updatetime", AttributeValue::number(buf));
}

// Applies `c` to `target_region`'s replica when that replica still belongs
// to the group and its stamp for the item is older (last writer wins).
storage::Status apply_change(storage::WriteTxn& txn, const Change& c, std::string_view target_region,
                             const storage::KeySchema& source_key) {
  auto target = txn.find_table(namespace_of(c.access_key, target_region), c.table);
  if (!target) return storage::Status::ok;
  auto info = info_of(*target);
  if (!info || !info->find(c.stamp.region) || !same_key_schema(target->key, source_key)) return storage::Status::ok;
  storage::PrimaryKey key;
  if (c.put) {
    if (!storage::extract_key(target->key, c.item, key)) return storage::Status::ok;
  } else {
    key = c.key;
  }
  const std::string sk = stamp_key(*target, key);
  const std::optional<Stamp> current = read_stamp(txn, sk);
  if (current && !wins(c.stamp, *current)) return storage::Status::ok;
  storage::Status s;
  if (c.put) {
    if (info->version == kVersion2017) {
      Item item = c.item;
      add_rep_attributes(item, c.stamp);
      s = txn.put(*target, item);
    } else {
      s = txn.put(*target, c.item);
    }
  } else {
    s = txn.erase(*target, key);
    if (s == storage::Status::not_found) s = storage::Status::ok;
  }
  if (s != storage::Status::ok) return s;
  return write_stamp(txn, sk, c.stamp);
}

// The source's key schema, as the queue record's table in its own region.
std::optional<storage::KeySchema> source_key(storage::WriteTxn& txn, const Change& c) {
  auto t = txn.find_table(namespace_of(c.access_key, c.stamp.region), c.table);
  if (t) return t->key;
  return std::nullopt;
}

// Forwards queued changes: applies each to its targets and erases its
// record, in one transaction.
class ForwardOp final : public storage::WriteOp {
 public:
  explicit ForwardOp(std::vector<std::pair<std::string, std::string>> records)
      : WriteOp(storage::Origin::replication), records_(std::move(records)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult&) const override {
    for (const auto& [key, value] : records_) {
      Change c;
      if (decode_change(value, c)) {
        // The source may be gone (deleted since): its change still reaches
        // the replicas that have it as a member, with the target's schema.
        std::optional<storage::KeySchema> sk = source_key(txn, c);
        for (const auto& t : c.targets) {
          if (!sk) {
            auto target = txn.find_table(namespace_of(c.access_key, t), c.table);
            if (!target) continue;
            sk = target->key;
          }
          if (auto s = apply_change(txn, c, t, *sk); s != storage::Status::ok) return s;
        }
      } else {
        spdlog::warn("replication: dropping an unreadable queue record");
      }
      if (auto s = txn.aux_erase(key); s != storage::Status::ok && s != storage::Status::not_found) return s;
    }
    return storage::Status::ok;
  }

 private:
  std::vector<std::pair<std::string, std::string>> records_;
};

// Copies items of a source replica into a new one (last writer wins, with
// the source's stamps); the last chunk erases the backfill record.
class BackfillOp final : public storage::WriteOp {
 public:
  BackfillOp(std::vector<Change> changes, std::string target_region, storage::KeySchema key, std::string erase)
      : WriteOp(storage::Origin::replication),
        changes_(std::move(changes)),
        target_(std::move(target_region)),
        key_(std::move(key)),
        erase_(std::move(erase)) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult&) const override {
    for (const Change& c : changes_)
      if (auto s = apply_change(txn, c, target_, key_); s != storage::Status::ok) return s;
    if (!erase_.empty())
      if (auto s = txn.aux_erase(erase_); s != storage::Status::ok && s != storage::Status::not_found) return s;
    return storage::Status::ok;
  }

 private:
  std::vector<Change> changes_;
  std::string target_;
  storage::KeySchema key_;
  std::string erase_;
};

std::atomic<uint64_t> g_backfill_seq{1};

// Sleeps `d` or until `stop`.
void sleep_for(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
}

}  // namespace

storage::Status erase_stamps(storage::WriteTxn& txn, uint64_t table_id) {
  const std::string prefix = stamp_prefix(table_id);
  std::vector<std::string> keys;
  {
    auto cur = txn.aux_scan(prefix);
    std::string_view k, v;
    while (cur->next(k, v)) keys.emplace_back(k);
  }
  for (const auto& k : keys)
    if (auto s = txn.aux_erase(k); s != storage::Status::ok && s != storage::Status::not_found) return s;
  return storage::Status::ok;
}

storage::Status leave_group(storage::WriteTxn& txn, const storage::TableDef& table) {
  auto info = info_of(table);
  if (info) {
    std::erase_if(info->replicas, [&](const Replica& r) { return r.region == table.region; });
    const bool alone = info->version == kVersion2019 && info->replicas.size() <= 1 && info->witness_region.empty();
    const std::string blob = alone ? std::string() : encode(*info);
    const std::string_view ak = access_key_of(table.ns);
    for (const Replica& r : info->replicas) {
      auto other = txn.find_table(namespace_of(ak, r.region), table.name);
      if (!other || other->global_table.empty()) continue;
      storage::TableDef def = *other;
      def.global_table = blob;
      if (auto s = txn.update_table(def); s != storage::Status::ok) return s;
    }
  }
  return erase_stamps(txn, table.table_id);
}

storage::Status queue_backfill(storage::WriteTxn& txn, const storage::TableDef& source, std::string_view target_region,
                               double now) {
  std::string key(kBackfillPrefix);
  put_u64(key, micros_of(now));
  put_u64(key, g_backfill_seq++);
  std::string v;
  put_str(v, access_key_of(source.ns));
  put_str(v, source.name);
  put_str(v, source.region);
  put_str(v, target_region);
  return txn.aux_put(key, v);
}

storage::Status Replication::on_change(storage::WriteTxn& txn, const storage::ChangeEvent& event) {
  // The common case (a table of no global table) costs one test.
  if (!event.table || event.table->global_table.empty() || event.origin == storage::Origin::replication)
    return storage::Status::ok;
  const auto table = event.table;  // a copy: the writes below may move `event`
  GlobalInfo info;
  if (!decode(table->global_table, info)) return storage::Status::ok;
  std::vector<std::string> targets;
  for (const Replica& r : info.replicas)
    if (r.region != table->region) targets.push_back(r.region);
  if (targets.empty()) return storage::Status::ok;
  // Stamp the local write after the item's last stamp.
  const std::string sk = stamp_key(*table, event.key);
  Stamp stamp{local_stamp(micros_of(event.time), read_stamp(txn, sk)), table->region};
  if (auto s = write_stamp(txn, sk, stamp); s != storage::Status::ok) return s;
  const std::string_view access_key = access_key_of(table->ns);
  if (info.strong()) {
    // Synchronous replication: every replica has the write before the
    // client's transaction commits.
    Change c;
    c.put = event.has_new();
    c.access_key = std::string(access_key);
    c.table = table->name;
    c.stamp = stamp;
    c.key = event.key;
    if (c.put && !storage::decode_item(event.new_image(), c.item)) return storage::Status::io_error;
    const storage::Origin previous = txn.set_origin(storage::Origin::replication);
    storage::Status s = storage::Status::ok;
    for (const auto& t : targets)
      if (s == storage::Status::ok) s = apply_change(txn, c, t, table->key);
    txn.set_origin(previous);
    return s;
  }
  std::string key(kQueuePrefix);
  put_u64(key, micros_of(event.time));
  put_u64(key, next_seq_++);
  if (auto s = txn.aux_put(key, encode_change(event, access_key, stamp, targets)); s != storage::Status::ok) return s;
  queued_ = true;
  return storage::Status::ok;
}

namespace {
// The running replication service, for backfill_queued(); one per server.
std::atomic<Replication*> g_replication{nullptr};
}  // namespace

Replication::Replication(std::chrono::milliseconds delay) : delay_(delay) { g_replication.store(this); }

Replication::~Replication() {
  Replication* self = this;
  g_replication.compare_exchange_strong(self, nullptr);
}

void backfill_queued() {
  if (Replication* r = g_replication.load()) r->backfill_queued();
}

void Replication::on_commit(const std::vector<storage::ChangeEvent>&) {
  if (queued_.exchange(false)) wake();
}

void Replication::on_start(const ServiceContext&) {
  // Changes queued before a restart (or a kill -9) are forwarded at once.
  wake();
}

bool Replication::forward_due(const ServiceContext& ctx, std::stop_token stop, std::chrono::milliseconds& wait) {
  constexpr std::size_t kBatch = 128;
  std::vector<std::pair<std::string, std::string>> due;
  bool pending = false;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    auto cur = txn.aux_scan(kQueuePrefix);
    std::string_view k, v;
    const double now = ctx.clock.now_seconds();
    const double delay = static_cast<double>(delay_.count()) / 1000.0;
    while (due.size() < kBatch && cur->next(k, v)) {
      Reader r(v);
      r.u8();
      const double queued = r.f64();
      if (r.ok() && queued + delay > now) {
        pending = true;
        wait = std::chrono::milliseconds(static_cast<long long>(std::ceil((queued + delay - now) * 1000.0)));
        break;
      }
      due.emplace_back(std::string(k), std::string(v));
    }
  }
  if (!due.empty()) {
    const bool full = due.size() == kBatch;
    const auto st = submit_and_wait(ctx.engine, std::make_shared<ForwardOp>(std::move(due)), stop);
    if (st != storage::Status::ok) {
      spdlog::warn("replication: forwarding failed ({}), retrying", storage::status_name(st));
      wait = std::chrono::milliseconds(100);
      return false;
    }
    if (full) {
      wait = std::chrono::milliseconds(0);
      return false;
    }
  }
  return !pending;
}

void Replication::backfill(const ServiceContext& ctx, std::stop_token stop) {
  std::vector<std::pair<std::string, std::string>> records;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    auto cur = txn.aux_scan(kBackfillPrefix);
    std::string_view k, v;
    while (cur->next(k, v)) records.emplace_back(std::string(k), std::string(v));
  }
  for (const auto& [rk, rv] : records) {
    if (stop.stop_requested()) return;
    Reader r(rv);
    const std::string access_key(r.str()), name(r.str()), source_region(r.str()), target_region(r.str());
    auto source = ctx.engine.find_table(namespace_of(access_key, source_region), name);
    std::vector<std::vector<Change>> chunks(1);
    if (r.ok() && source) {
      storage::ReadTxn txn = ctx.engine.begin_read();
      auto cursor = txn.scan(*source, storage::ScanSpec{});
      Item item;
      while (cursor->next(item)) {
        Change c;
        c.put = true;
        c.access_key = access_key;
        c.table = name;
        storage::PrimaryKey key;
        if (!storage::extract_key(source->key, item, key)) continue;
        c.stamp = read_stamp(txn, stamp_key(*source, key)).value_or(Stamp{0, source_region});
        c.item = std::move(item);
        item = Item{};
        if (chunks.back().size() == 200) chunks.emplace_back();
        chunks.back().push_back(std::move(c));
      }
    }
    const storage::KeySchema key = source ? source->key : storage::KeySchema{};
    for (std::size_t i = 0; i < chunks.size(); ++i) {
      auto op = std::make_shared<BackfillOp>(std::move(chunks[i]), target_region, key,
                                             i + 1 == chunks.size() ? rk : std::string());
      const auto st = submit_and_wait(ctx.engine, op, stop);
      if (st != storage::Status::ok) {
        spdlog::warn("replication: backfill of {} in {} failed ({}), retrying", name, target_region,
                     storage::status_name(st));
        return;
      }
    }
  }
}

void Replication::run(const ServiceContext& ctx, std::stop_token stop) {
  // Forward what is due, backfill new replicas, and wait for the next
  // queued change to come due (a long --replication-delay does not hold
  // a backfill back).
  while (!stop.stop_requested()) {
    std::chrono::milliseconds wait{0};
    const bool drained = forward_due(ctx, stop, wait);
    if (!stop.stop_requested()) backfill(ctx, stop);
    if (drained) break;
    if (wait.count() > 0) sleep_for(std::min(wait, std::chrono::milliseconds(60000)), stop);
  }
}

}  // namespace ddbd::api::global
