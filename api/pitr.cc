// Point-in-time recovery: the change log, the table at T, retention and the
// restore service (see pitr.hh).
#include "api/pitr.hh"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <unordered_map>

#include "api/backups.hh"
#include "storage/encoded_item.hh"
#include "storage/item_codec.hh"

namespace ddbd::api {

namespace {

constexpr std::string_view kLogRoot = "pitr/c/";

void put_be64(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_be64(std::string_view in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<std::size_t>(i)]);
  return v;
}

// Times are stored as microseconds biased by 2^63 so that they order as
// unsigned big-endian bytes (a negative time never occurs, but costs nothing).
constexpr uint64_t kBias = uint64_t(1) << 63;

std::shared_ptr<spdlog::logger> logger() {
  auto l = spdlog::get("api");
  return l ? l : spdlog::default_logger();
}

// The canonical key of a logged item (its key attributes, or the whole old
// image), or nullopt when it has no valid key.
std::optional<std::string> key_of(const storage::TableDef& def, std::string_view encoded, Item& scratch) {
  scratch.clear();
  if (!storage::decode_item(encoded, scratch)) throw storage::StorageError("pitr: a corrupt item in the change log");
  storage::PrimaryKey pk;
  if (!storage::extract_key(def.key, scratch, pk)) return std::nullopt;
  return storage::stored_key(def, pk);
}

// Deletes the target of a restore that can no longer complete.
class AbandonRestoreOp final : public storage::WriteOp {
 public:
  AbandonRestoreOp(std::string ns, std::string name, uint64_t table_id)
      : WriteOp(storage::Origin::service), ns_(std::move(ns)), name_(std::move(name)), table_id_(table_id) {}
  storage::Status apply(storage::WriteTxn& txn, storage::WriteResult&) const override {
    auto cur = txn.find_table(ns_, name_);
    if (!cur || cur->table_id != table_id_) return storage::Status::aborted;
    return txn.delete_table(*cur);
  }

 private:
  std::string ns_, name_;
  uint64_t table_id_;
};

struct TrimOutcome {
  std::size_t deleted = 0;
};

class TrimOp final : public storage::WriteOpOf<TrimOutcome> {
 public:
  TrimOp(const storage::Engine& engine, double now, std::size_t budget)
      : WriteOpOf(storage::Origin::service), engine_(engine), now_(now), budget_(budget) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, TrimOutcome& out) const override {
    out.deleted = trim_pitr_log(txn, engine_.all_tables(), now_, budget_);
    return storage::Status::ok;
  }

 private:
  const storage::Engine& engine_;
  double now_;
  std::size_t budget_;
};

}  // namespace

// ---------------------------------------------------------------- codec

std::string pitr_log_prefix(uint64_t table_id) {
  std::string k(kLogRoot);
  put_be64(k, table_id);
  return k;
}

std::string pitr_log_key(uint64_t table_id, int64_t micros, uint64_t seq) {
  std::string k = pitr_log_prefix(table_id);
  put_be64(k, static_cast<uint64_t>(micros) ^ kBias);
  put_be64(k, seq);
  return k;
}

int64_t pitr_micros(double seconds) { return static_cast<int64_t>(std::floor(seconds * 1e6)); }

std::string encode_pitr_change(const storage::ChangeEvent& event, const storage::KeySchema& key) {
  std::string out;
  if (event.has_old()) {
    const std::string_view img = event.old_image();
    out.reserve(1 + img.size());
    out.push_back('\x01');
    out.append(img);
    return out;
  }
  Item k;
  k.emplace_back(key.hash.name, event.key.hash);
  if (key.range && event.key.range) k.emplace_back(key.range->name, *event.key.range);
  map_normalize(k);
  out.push_back('\x00');
  storage::encode_item(k, out);
  return out;
}

bool decode_pitr_change(std::string_view key, std::string_view value, PitrChange& out) {
  if (!key.starts_with(kLogRoot) || key.size() != kLogRoot.size() + 24 || value.empty()) return false;
  key.remove_prefix(kLogRoot.size());
  out.table_id = get_be64(key);
  out.micros = static_cast<int64_t>(get_be64(key.substr(8)) ^ kBias);
  out.seq = get_be64(key.substr(16));
  if (value[0] != '\x00' && value[0] != '\x01') return false;
  out.existed = value[0] == '\x01';
  out.item = value.substr(1);
  return true;
}

storage::Status PitrRecorder::on_change(storage::WriteTxn& txn, const storage::ChangeEvent& event) {
  const storage::TableDef& def = *event.table;
  if (!def.pitr_enabled) return storage::Status::ok;  // the hot path: one load and a branch
  const storage::Status st =
      txn.aux_put(pitr_log_key(def.table_id, pitr_micros(event.time), seq_++), encode_pitr_change(event, def.key));
  if (st == storage::Status::ok) written_.fetch_add(1, std::memory_order_relaxed);
  return st;
}

// ---------------------------------------------------------------- window

PitrWindow restorable_window(const storage::TableDef& def, double now, double lag_seconds) {
  PitrWindow w;
  w.earliest = std::max(def.pitr_enabled_time, now - double(def.pitr_recovery_days) * 86400);
  w.latest = std::max(w.earliest, now - lag_seconds);
  return w;
}

// ---------------------------------------------------------------- the table at T

void items_at(const storage::ReadTxn& txn, const storage::TableDef& def, double t,
              const std::function<bool(std::string_view)>& emit) {
  // The first change of each key after t: its old image (or absent).
  std::unordered_map<std::string, std::optional<std::string>> first;
  Item scratch;
  {
    const std::string prefix = pitr_log_prefix(def.table_id);
    auto cur = txn.aux_scan(prefix, pitr_log_key(def.table_id, pitr_micros(t) + 1, 0));
    std::string_view k, v;
    PitrChange c;
    while (cur->next(k, v)) {
      if (!decode_pitr_change(k, v, c)) throw storage::StorageError("pitr: a corrupt change log record");
      auto key = key_of(def, c.item, scratch);
      if (!key) continue;
      auto [it, fresh] = first.try_emplace(std::move(*key));
      if (fresh && c.existed) it->second.emplace(c.item);
    }
  }
  // The items as they are now, less those changed after t.
  auto cur = txn.scan(def, storage::ScanSpec{});
  std::string_view encoded;
  while (cur->next_encoded(encoded)) {
    if (!first.empty()) {
      auto key = key_of(def, encoded, scratch);
      if (key && first.count(*key)) continue;
    }
    if (!emit(encoded)) return;
  }
  // The changed ones as they were at t.
  for (const auto& [key, image] : first)
    if (image && !emit(*image)) return;
}

// ---------------------------------------------------------------- retention

std::size_t trim_pitr_log(storage::WriteTxn& txn, const std::vector<std::shared_ptr<const storage::TableDef>>& live,
                          double now, std::size_t budget) {
  std::unordered_map<uint64_t, const storage::TableDef*> by_id;
  for (const auto& t : live) by_id.emplace(t->table_id, t.get());
  std::vector<std::string> doomed;
  std::string from(kLogRoot);
  while (doomed.size() < budget) {
    // The next table with a log.
    uint64_t id;
    {
      auto cur = txn.aux_scan(kLogRoot, from);
      std::string_view k, v;
      if (!cur->next(k, v)) break;
      PitrChange c;
      if (!decode_pitr_change(k, v, c)) {  // not ours: skip it
        doomed.emplace_back(k);
        from.assign(k);
        from.push_back('\0');
        continue;
      }
      id = c.table_id;
    }
    auto it = by_id.find(id);
    const storage::TableDef* def = it == by_id.end() ? nullptr : it->second;
    // Everything of a table gone or with PITR off; else what is older than
    // the earliest restorable time (a restore needs the changes after T >=
    // earliest only).
    const int64_t keep_from = def && def->pitr_enabled
                                  ? pitr_micros(restorable_window(*def, now, 0).earliest - kPitrTrimMarginSeconds)
                                  : std::numeric_limits<int64_t>::max();
    const std::string prefix = pitr_log_prefix(id);
    {
      auto cur = txn.aux_scan(prefix);
      std::string_view k, v;
      PitrChange c;
      while (doomed.size() < budget && cur->next(k, v)) {
        if (decode_pitr_change(k, v, c) && c.micros >= keep_from) break;
        doomed.emplace_back(k);
      }
    }
    if (id == std::numeric_limits<uint64_t>::max()) break;
    from = pitr_log_prefix(id + 1);
  }
  std::size_t n = 0;
  for (const auto& k : doomed) n += txn.aux_erase(k) == storage::Status::ok ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------- service

void PitrService::enqueue_restore(std::string ns, std::string table_name, uint64_t table_id) {
  {
    std::lock_guard lock(mu_);
    jobs_.push_back(Job{std::move(ns), std::move(table_name), table_id});
  }
  wake();
}

void PitrService::on_start(const ServiceContext& ctx) {
  for (const auto& t : ctx.engine.all_tables())
    if (t->restore_in_progress && t->restore_source_backup_arn.empty()) {
      logger()->info("pitr: resuming the point-in-time restore of table {}", t->name);
      enqueue_restore(t->ns, t->name, t->table_id);
    }
}

void PitrService::run(const ServiceContext& ctx, std::stop_token stop) {
  while (!stop.stop_requested()) {
    std::optional<Job> job;
    {
      std::lock_guard lock(mu_);
      if (jobs_.empty()) break;
      job.emplace(std::move(jobs_.front()));
      jobs_.pop_front();
    }
    try {
      run_restore(ctx, *job, stop);
    } catch (const std::exception& e) {
      logger()->error("pitr: the restore of table {} failed: {}", job->table_name, e.what());
    }
  }
  const auto now = std::chrono::steady_clock::now();
  if (!stop.stop_requested() && now - last_trim_ >= kTrimInterval) {
    last_trim_ = now;
    trim(ctx, stop);
  }
}

void PitrService::trim(const ServiceContext& ctx, std::stop_token stop) {
  constexpr std::size_t kBudget = 4096;  // records per write transaction
  while (!stop.stop_requested()) {
    auto op = std::make_shared<TrimOp>(ctx.engine, ctx.clock.now_seconds(), kBudget);
    auto result = std::make_shared<TrimOp::Result>();
    const storage::Status st = submit_and_wait(ctx.engine, op, result, stop);
    if (st != storage::Status::ok || result->out.deleted < kBudget) return;
  }
}

void PitrService::run_restore(const ServiceContext& ctx, const Job& job, std::stop_token stop) {
  auto target = ctx.engine.find_table(job.ns, job.table_name);
  if (!target || target->table_id != job.table_id || !target->restore_in_progress) return;
  std::shared_ptr<const storage::TableDef> source;
  for (const auto& t : ctx.engine.all_tables())
    if (t->table_id == target->restore_source_table_id) source = t;
  const double t = target->restore_time;
  auto abandon = [&](std::string_view why) {
    logger()->error("pitr: the restore of table {} cannot complete ({}); deleting it", job.table_name, why);
    submit_and_wait(ctx.engine, std::make_shared<AbandonRestoreOp>(job.ns, job.table_name, job.table_id), stop);
  };
  if (!source) return abandon("the source table was deleted");
  storage::ReadTxn txn = ctx.engine.begin_read();
  if (!source->pitr_enabled) return abandon("point-in-time recovery was disabled on the source table");
  if (t < std::max(source->pitr_enabled_time,
                   restorable_window(*source, ctx.clock.now_seconds(), 0).earliest - kPitrTrimMarginSeconds))
    return abandon("the restore time left the recovery window");

  std::string chunk;
  bool failed = false, gone = false;
  auto flush = [&]() {
    if (chunk.empty()) return true;
    auto st = submit_and_wait(
        ctx.engine, std::make_shared<RestoreChunkOp>(job.ns, job.table_name, job.table_id, std::move(chunk)), stop);
    chunk.clear();
    if (st == storage::Status::aborted) gone = true;
    else if (st != storage::Status::ok) failed = true;
    return st == storage::Status::ok;
  };
  items_at(txn, *source, t, [&](std::string_view encoded) {
    if (stop.stop_requested()) return false;
    storage::put_varint(chunk, encoded.size());
    chunk.append(encoded);
    return chunk.size() < BackupService::kChunkBytes || flush();
  });
  if (stop.stop_requested() || gone) return;  // stopped: on_start() of the next run starts it again
  if (failed || !flush()) {
    if (gone) return;
    throw std::runtime_error("writing a chunk failed");
  }
  submit_and_wait(ctx.engine, std::make_shared<FinishRestoreOp>(job.ns, job.table_name, job.table_id), stop);
}

}  // namespace ddbd::api
