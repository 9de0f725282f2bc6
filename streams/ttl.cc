#include "streams/ttl.hh"

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>

namespace ddbd::streams {

bool ttl_expired(const AttributeValue* value, double now) {
  if (!value || value->type != AttrType::N) return false;
  // Canonical number text has no exponent; strtod reads every stored
  // magnitude (< 1E+126) into a finite double.
  const double t = std::strtod(value->str.c_str(), nullptr);
  return t <= now && t >= now - kTtlMaxAgeSeconds;
}

bool item_expired(const Item& item, const std::string& attribute, double now) {
  return ttl_expired(map_find(item, attribute), now);
}

storage::Status TtlDeleteOp::run(storage::WriteTxn& txn, TtlDeleteOutcome& out) const {
  auto def = txn.find_table(table_->ns, table_->name);
  if (!def || def->table_id != table_->table_id || !def->ttl_enabled) return storage::Status::ok;
  for (const auto& key : keys_) {
    Item item;
    if (!txn.get(*def, key, &item) || !item_expired(item, def->ttl_attribute, now_)) continue;
    const storage::Status s = txn.erase(*def, key);
    if (s == storage::Status::ok) ++out.deleted;
    else if (s != storage::Status::not_found) return s;
  }
  return storage::Status::ok;
}

namespace {

// One submitted delete: shared with the engine's done callback, so that the
// op and its result outlive a sweep that stopped waiting.
struct Pending {
  std::shared_ptr<TtlDeleteOp> op;
  TtlDeleteOp::Result result;
  std::mutex mu;
  std::condition_variable_any cv;
  bool done = false;
  storage::Status status = storage::Status::ok;
};

// Deletes `keys` (when any); returns how many went, or nullopt when `stop`
// came first.  Throws StorageError when the write failed.
std::optional<std::size_t> delete_chunk(storage::Engine& engine, const std::shared_ptr<const storage::TableDef>& table,
                                        std::vector<storage::PrimaryKey>& keys, double now, std::stop_token stop) {
  if (keys.empty()) return 0;
  auto p = std::make_shared<Pending>();
  p->op = std::make_shared<TtlDeleteOp>(table, std::move(keys), now);
  keys.clear();
  engine.submit(*p->op, p->result, [p](storage::Status s) {
    std::lock_guard lock(p->mu);
    p->done = true;
    p->status = s;
    p->cv.notify_all();
  });
  std::unique_lock lock(p->mu);
  p->cv.wait(lock, stop, [&] { return p->done; });
  if (!p->done) return std::nullopt;
  if (p->status != storage::Status::ok)
    throw storage::StorageError("TTL delete in table " + table->name + " failed: " + std::string(storage::status_name(p->status)));
  return p->result.out.deleted;
}

// Reads up to limits.items_per_snapshot items after `spec.start_after`
// (advancing it), collecting expired keys into `keys` until a chunk is
// full.  Returns false when the table has no more items.
bool collect(storage::Engine& engine, const storage::TableDef& table, double now, const SweepLimits& limits,
             storage::ScanSpec& spec, std::vector<storage::PrimaryKey>& keys) {
  storage::ReadTxn txn = engine.begin_read();
  auto cursor = txn.scan(table, spec);
  Item item;
  for (std::size_t n = 0; n < limits.items_per_snapshot && keys.size() < limits.keys_per_delete; ++n) {
    if (!cursor->next(item)) return false;
    storage::PrimaryKey key;
    if (!storage::extract_key(table.key, item, key)) continue;
    if (item_expired(item, table.ttl_attribute, now)) keys.push_back(key);
    spec.start_after = std::move(key);
  }
  return true;
}

}  // namespace

std::size_t sweep_table(storage::Engine& engine, const std::shared_ptr<const storage::TableDef>& table, double now,
                        std::stop_token stop, SweepLimits limits) {
  if (limits.keys_per_delete == 0) limits.keys_per_delete = 1;
  if (limits.items_per_snapshot == 0) limits.items_per_snapshot = 1;
  std::size_t deleted = 0;
  storage::ScanSpec spec;
  std::vector<storage::PrimaryKey> keys;
  for (bool more = true; more && !stop.stop_requested();) {
    more = collect(engine, *table, now, limits, spec, keys);
    if (keys.size() < limits.keys_per_delete && more) continue;
    auto n = delete_chunk(engine, table, keys, now, stop);
    if (!n) break;
    deleted += *n;
  }
  return deleted;
}

std::size_t sweep_all(storage::Engine& engine, double now, std::stop_token stop, SweepLimits limits) {
  std::size_t deleted = 0;
  for (const auto& table : engine.all_tables()) {
    if (stop.stop_requested()) break;
    if (table->ttl_enabled && !table->ttl_attribute.empty()) deleted += sweep_table(engine, table, now, stop, limits);
  }
  return deleted;
}

}  // namespace ddbd::streams
