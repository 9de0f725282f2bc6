#include "api/meter.hh"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <tuple>

#include "api/dispatch.hh"

namespace ddbd::api {

// ---- TokenBucket ----------------------------------------------------------

void TokenBucket::configure(double rate, double burst_seconds, double now) {
  if (configured_ && rate == rate_) return;
  if (configured_) balance(now);  // refill at the old rate up to now
  rate_ = rate > 0 ? rate : 0;
  capacity_ = rate_ * burst_seconds;
  if (!configured_) tokens_ = 0;
  tokens_ = std::min(tokens_, capacity_);
  last_ = now;
  configured_ = true;
}

double TokenBucket::balance(double now) {
  if (!limited()) return std::numeric_limits<double>::infinity();
  if (now > last_) {
    tokens_ = std::min(capacity_, tokens_ + (now - last_) * rate_);
    last_ = now;
  }
  return tokens_;
}

void TokenBucket::debit(double units, double now) {
  if (!limited() || units <= 0) return;
  balance(now);
  tokens_ -= units;
}

TableMeter::Index& TableMeter::index(std::string_view index_name, bool global) {
  for (Index& ix : indexes)
    if (ix.name == index_name) return ix;
  Index& ix = indexes.emplace_back();
  ix.name = std::string(index_name);
  ix.global = global;
  ix.current = false;
  return ix;
}

// ---- Table lookup -----------------------------------------------------------

struct Meter::KeyView {
  std::string_view ns, name;
};

struct Meter::Key {
  std::string ns, name;
  operator KeyView() const { return KeyView{ns, name}; }
};

struct Meter::KeyHash {
  using is_transparent = void;
  std::size_t operator()(KeyView k) const {
    const std::size_t h = std::hash<std::string_view>{}(k.name);
    return h ^ (std::hash<std::string_view>{}(k.ns) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
  }
};

struct Meter::KeyEq {
  using is_transparent = void;
  bool operator()(KeyView a, KeyView b) const { return a.name == b.name && a.ns == b.ns; }
};

// A thread's cache of table counters, by name and by storage's table id
// (ids are never reused, so a table created again under its name has a new
// one): valid while its meter's generation is unchanged (a forgotten
// table's entry must not be found again).
struct MeterCache {
  uint64_t serial = 0;
  uint64_t generation = 0;
  Meter::Map map;
  std::unordered_map<uint64_t, std::shared_ptr<TableMeter>> by_id;

  // This thread's cache, emptied first when it belongs to another meter or
  // generation.
  static MeterCache& of(const Meter& meter);
  // The counters of table `def`: require_table's lookup, which hashes an
  // integer instead of two strings.
  static std::shared_ptr<TableMeter> table(Meter& meter, const storage::TableDef& def);
};

namespace {

thread_local MeterCache t_cache;
std::atomic<uint64_t> g_next_serial{1};

constexpr std::string_view kTableMessage =
    "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
    "provisioning level with the UpdateTable API.";
constexpr std::string_view kGsiMessage =
    "The level of configured provisioned throughput for one or more global secondary indexes of the table was "
    "exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes "
    "with the UpdateTable API.";

uint64_t milli(double units) { return units > 0 ? static_cast<uint64_t>(std::llround(units * 1000)) : 0; }

}  // namespace

Meter::Meter(MeterOptions options, const storage::Clock& clock)
    : options_(options),
      clock_(clock),
      serial_(g_next_serial.fetch_add(1)),
      tables_(std::make_unique<Map>()),
      no_table_(std::make_shared<TableMeter>("", "")),
      other_(std::make_shared<TableMeter>("", "_other")) {}

Meter::~Meter() = default;

MeterCache& MeterCache::of(const Meter& meter) {
  MeterCache& c = t_cache;
  const uint64_t gen = meter.generation_.load(std::memory_order_acquire);
  if (c.serial != meter.serial_ || c.generation != gen) {
    c.map.clear();
    c.by_id.clear();
    c.serial = meter.serial_;
    c.generation = gen;
  }
  return c;
}

std::shared_ptr<TableMeter> MeterCache::table(Meter& meter, const storage::TableDef& def) {
  if (def.table_id != 0) {
    MeterCache& c = of(meter);
    if (auto it = c.by_id.find(def.table_id); it != c.by_id.end()) return it->second;
  }
  std::shared_ptr<TableMeter> m = meter.table(def.ns, def.name);
  if (m == meter.other_) return m;
  const uint64_t id = m->table_id.load(std::memory_order_relaxed);
  if (id != def.table_id) {
    if (id != 0) {
      // The table was dropped and created again: its series start afresh.
      meter.forget(def.ns, def.name);
      m = meter.table(def.ns, def.name);
    }
    m->table_id.store(def.table_id, std::memory_order_relaxed);
  }
  MeterCache& c = of(meter);
  if (def.table_id != 0) {
    if (c.by_id.size() >= meter.options_.max_tables) c.by_id.clear();
    c.by_id.emplace(def.table_id, m);
  }
  return m;
}

std::shared_ptr<TableMeter> Meter::table(std::string_view ns, std::string_view name) {
  MeterCache& c = MeterCache::of(*this);
  if (auto it = c.map.find(KeyView{ns, name}); it != c.map.end()) return it->second;
  std::shared_ptr<TableMeter> m = lookup_slow(ns, name);
  if (c.map.size() >= options_.max_tables) c.map.clear();
  c.map.emplace(Key{std::string(ns), std::string(name)}, m);
  return m;
}

std::shared_ptr<TableMeter> Meter::lookup_slow(std::string_view ns, std::string_view name) {
  std::lock_guard g(mu_);
  if (auto it = tables_->find(KeyView{ns, name}); it != tables_->end()) return it->second;
  if (tables_->size() >= options_.max_tables) return other_;
  auto m = std::make_shared<TableMeter>(std::string(ns), std::string(name));
  tables_->emplace(Key{std::string(ns), std::string(name)}, m);
  return m;
}

void Meter::forget(std::string_view ns, std::string_view name) {
  std::lock_guard g(mu_);
  if (auto it = tables_->find(KeyView{ns, name}); it != tables_->end()) tables_->erase(it);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

// ---- Admission --------------------------------------------------------------

void Meter::sync_buckets(TableMeter& m, const storage::TableDef& def, double now) const {
  const bool provisioned = def.billing_mode == "PROVISIONED";
  const double burst = options_.burst_seconds;
  m.read.configure(provisioned ? static_cast<double>(def.read_capacity) : 0, burst, now);
  m.write.configure(provisioned ? static_cast<double>(def.write_capacity) : 0, burst, now);
  for (TableMeter::Index& ix : m.indexes) ix.current = false;
  for (const storage::IndexDef& idx : def.indexes) {
    if (!idx.global) continue;
    TableMeter::Index& ix = m.index(idx.name, true);
    ix.current = true;
    ix.read.configure(provisioned ? static_cast<double>(idx.read_capacity) : 0, burst, now);
    ix.write.configure(provisioned ? static_cast<double>(idx.write_capacity) : 0, burst, now);
  }
  for (TableMeter::Index& ix : m.indexes)
    if (!ix.current) {
      ix.read.configure(0, burst, now);
      ix.write.configure(0, burst, now);
    }
}

void Meter::on_table(const RequestContext& ctx, const storage::TableDef& def, bool for_item_op) {
  std::shared_ptr<TableMeter> m = MeterCache::table(*this, def);
  if (options_.enforce_throughput && for_item_op && ctx.metering.access != Access::none && m != other_ &&
      def.billing_mode == "PROVISIONED") {
    const double now = clock_.now_seconds();
    bool table_ok = true, gsi_ok = true;
    {
      std::lock_guard g(m->mu);
      sync_buckets(*m, def, now);
      if (ctx.metering.access == Access::read) {
        TokenBucket* bucket = &m->read;
        if (!ctx.metering.index.empty())
          for (TableMeter::Index& ix : m->indexes)
            if (ix.current && ix.name == ctx.metering.index) bucket = &ix.read;
        const bool ok = bucket->admits(now);
        (bucket == &m->read ? table_ok : gsi_ok) = ok;
      } else {
        table_ok = m->write.admits(now);
        for (TableMeter::Index& ix : m->indexes) gsi_ok = gsi_ok && (!ix.current || ix.write.admits(now));
      }
    }
    if (!table_ok || !gsi_ok) {
      m->throttled[ctx.metering.op].fetch_add(1, std::memory_order_relaxed);
      if (!ctx.metering.table) ctx.metering.table = std::move(m);
      throw throughput_exceeded(table_ok);
    }
  }
  if (!ctx.metering.table) ctx.metering.table = std::move(m);
}

double Meter::headroom(const RequestContext&, const storage::TableDef& def, Access access) {
  constexpr double kUnlimited = std::numeric_limits<double>::infinity();
  if (!options_.enforce_throughput || def.billing_mode != "PROVISIONED" || access == Access::none) return kUnlimited;
  std::shared_ptr<TableMeter> m = MeterCache::table(*this, def);
  if (m == other_) return kUnlimited;
  const double now = clock_.now_seconds();
  std::lock_guard g(m->mu);
  sync_buckets(*m, def, now);
  if (access == Access::read) return m->read.balance(now);
  double h = m->write.balance(now);
  for (TableMeter::Index& ix : m->indexes)
    if (ix.current) h = std::min(h, ix.write.balance(now));
  return h;
}

void Meter::count_throttled(const RequestContext& ctx, const storage::TableDef& def) {
  MeterCache::table(*this, def)->throttled[ctx.metering.op].fetch_add(1, std::memory_order_relaxed);
}

ApiError Meter::throughput_exceeded(bool gsi) {
  return ApiError(ErrorCode::ProvisionedThroughputExceededException, std::string(gsi ? kGsiMessage : kTableMessage));
}

// ---- Consumption ------------------------------------------------------------

void Meter::add(TableMeter& m, const ConsumedCapacity& c, double now) {
  m.read_milli.fetch_add(milli(c.table.read), std::memory_order_relaxed);
  m.write_milli.fetch_add(milli(c.table.write), std::memory_order_relaxed);
  const bool enforce = options_.enforce_throughput && &m != other_.get();
  if (c.global_indexes.empty() && c.local_indexes.empty() && !enforce) return;
  std::lock_guard g(m.mu);
  // LSIs draw on the table's own capacity; each GSI on its own.
  CapacityUnits table_units = c.table;
  for (const IndexCapacity& ic : c.local_indexes) {
    TableMeter::Index& ix = m.index(ic.index_name, false);
    ix.read_milli += milli(ic.units.read);
    ix.write_milli += milli(ic.units.write);
    table_units += ic.units;
  }
  for (const IndexCapacity& ic : c.global_indexes) {
    TableMeter::Index& ix = m.index(ic.index_name, true);
    ix.read_milli += milli(ic.units.read);
    ix.write_milli += milli(ic.units.write);
    if (enforce) {
      ix.read.debit(ic.units.read, now);
      ix.write.debit(ic.units.write, now);
    }
  }
  if (enforce) {
    m.read.debit(table_units.read, now);
    m.write.debit(table_units.write, now);
  }
}

void Meter::consumed(const RequestContext& ctx, const ConsumedCapacity& c) {
  if (c.table_name.empty()) return;
  const double now = options_.enforce_throughput ? clock_.now_seconds() : 0;
  TableMeter* m = ctx.metering.table.get();
  if (m && m->name == c.table_name && m->ns == ctx.ns) {
    add(*m, c, now);
    return;
  }
  add(*table(ctx.ns, c.table_name), c, now);
}

void Meter::consumed(const RequestContext& ctx, const std::vector<ConsumedCapacity>& per_table) {
  for (const ConsumedCapacity& c : per_table) consumed(ctx, c);
}

// ---- Requests ---------------------------------------------------------------

void Meter::finish(const RequestContext& ctx, double seconds, const ErrorCode* error) {
  const std::size_t op = ctx.metering.op;
  TableMeter& m = ctx.metering.table ? *ctx.metering.table : *no_table_;
  m.requests[op].fetch_add(1, std::memory_order_relaxed);
  Histogram& h = durations_[op];
  std::size_t b = 0;
  while (b < kDurationBounds.size() && seconds > kDurationBounds[b]) ++b;
  h.buckets[b].fetch_add(1, std::memory_order_relaxed);
  h.count.fetch_add(1, std::memory_order_relaxed);
  h.sum_ns.fetch_add(static_cast<uint64_t>(std::max(0.0, seconds) * 1e9), std::memory_order_relaxed);
  if (error) count_error(*error);
}

void Meter::count_error(ErrorCode code) {
  const auto i = static_cast<std::size_t>(code);
  if (i < errors_.size()) errors_[i].fetch_add(1, std::memory_order_relaxed);
}

// ---- Exposition -------------------------------------------------------------

namespace {

// A label value with \, " and newline escaped (text format 0.0.4).
void append_escaped(std::string& out, std::string_view v) {
  for (char ch : v) {
    if (ch == '\\') out += "\\\\";
    else if (ch == '"') out += "\\\"";
    else if (ch == '\n') out += "\\n";
    else out += ch;
  }
}

void append_number(std::string& out, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_number(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// name{k1="v1",k2="v2"} value
struct Sample {
  std::string& out;
  explicit Sample(std::string& o, std::string_view name) : out(o) { out += name; }
  bool first = true;
  Sample& label(std::string_view k, std::string_view v) {
    out += first ? '{' : ',';
    first = false;
    out += k;
    out += "=\"";
    append_escaped(out, v);
    out += '"';
    return *this;
  }
  template <class V>
  void value(V v) {
    if (!first) out += '}';
    out += ' ';
    append_number(out, v);
    out += '\n';
  }
};

}  // namespace

std::string Meter::prometheus(const storage::Engine& engine) {
  // Forget tables that are gone (or were created again under their name).
  std::vector<std::shared_ptr<TableMeter>> metered;
  {
    std::lock_guard g(mu_);
    bool forgot = false;
    for (auto it = tables_->begin(); it != tables_->end();) {
      auto def = engine.find_table(it->first.ns, it->first.name);
      const uint64_t id = it->second->table_id.load(std::memory_order_relaxed);
      if (!def || (id != 0 && id != def->table_id)) {
        it = tables_->erase(it);
        forgot = true;
      } else {
        metered.push_back(it->second);
        ++it;
      }
    }
    if (forgot) generation_.fetch_add(1, std::memory_order_acq_rel);
  }
  metered.push_back(no_table_);
  if (std::any_of(other_->requests.begin(), other_->requests.end(),
                                                 [](const auto& a) { return a.load(std::memory_order_relaxed) != 0; }))
    metered.push_back(other_);
  std::sort(metered.begin(), metered.end(), [](const auto& a, const auto& b) {
    return std::tie(a->ns, a->name) < std::tie(b->ns, b->name);
  });

  std::string out;
  out.reserve(4096 + metered.size() * 512);
  const std::size_t n_ops = std::min(operation_count(), kMaxOperations);

  header(out, "ddbd_requests_total", "counter", "DynamoDB API requests answered, by operation and table.");
  for (const auto& m : metered)
    for (std::size_t op = 0; op < n_ops; ++op)
      if (uint64_t v = m->requests[op].load(std::memory_order_relaxed))
        Sample(out, "ddbd_requests_total").label("namespace", m->ns).label("table", m->name)
            .label("operation", operation_name_at(op)).value(v);

  header(out, "ddbd_errors_total", "counter", "Error responses, by DynamoDB error type.");
  for (std::size_t i = 0; i <= static_cast<std::size_t>(ErrorCode::UnsupportedOperationException) && i < errors_.size(); ++i)
    if (uint64_t v = errors_[i].load(std::memory_order_relaxed))
      Sample(out, "ddbd_errors_total").label("type", error_info(static_cast<ErrorCode>(i)).name).value(v);

  header(out, "ddbd_throttled_requests_total", "counter",
         "Requests refused (or batches cut short) by --enforce-throughput, by table and operation.");
  for (const auto& m : metered)
    for (std::size_t op = 0; op < n_ops; ++op)
      if (uint64_t v = m->throttled[op].load(std::memory_order_relaxed))
        Sample(out, "ddbd_throttled_requests_total").label("namespace", m->ns).label("table", m->name)
            .label("operation", operation_name_at(op)).value(v);

  // Consumed units: the base table (index="") and each index.
  struct Units {
    const TableMeter* m;
    std::string index;
    uint64_t read, write;
  };
  std::vector<Units> units;
  for (const auto& m : metered) {
    if (m == no_table_) continue;
    units.push_back({m.get(), "", m->read_milli.load(std::memory_order_relaxed), m->write_milli.load(std::memory_order_relaxed)});
    std::lock_guard g(m->mu);
    for (const TableMeter::Index& ix : m->indexes)
      if (ix.read_milli || ix.write_milli) units.push_back({m.get(), ix.name, ix.read_milli, ix.write_milli});
  }
  header(out, "ddbd_consumed_read_capacity_units_total", "counter",
         "Read capacity units consumed, by table and index (index=\"\": the table itself).");
  for (const Units& u : units)
    Sample(out, "ddbd_consumed_read_capacity_units_total").label("namespace", u.m->ns).label("table", u.m->name)
        .label("index", u.index).value(static_cast<double>(u.read) / 1000);
  header(out, "ddbd_consumed_write_capacity_units_total", "counter",
         "Write capacity units consumed, by table and index (index=\"\": the table itself).");
  for (const Units& u : units)
    Sample(out, "ddbd_consumed_write_capacity_units_total").label("namespace", u.m->ns).label("table", u.m->name)
        .label("index", u.index).value(static_cast<double>(u.write) / 1000);

  header(out, "ddbd_request_duration_seconds", "histogram", "Time from a request's dispatch to its answer, by operation.");
  for (std::size_t op = 0; op < n_ops; ++op) {
    const Histogram& h = durations_[op];
    const uint64_t count = h.count.load(std::memory_order_relaxed);
    if (!count) continue;
    const std::string_view name = operation_name_at(op);
    uint64_t cumulative = 0;
    for (std::size_t b = 0; b < h.buckets.size(); ++b) {
      cumulative += h.buckets[b].load(std::memory_order_relaxed);
      std::string le;
      if (b < kDurationBounds.size()) {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, kDurationBounds[b], std::chars_format::fixed);
        le.assign(buf, r.ptr);
      }
      else le = "+Inf";
      Sample(out, "ddbd_request_duration_seconds_bucket").label("operation", name).label("le", le).value(cumulative);
    }
    Sample(out, "ddbd_request_duration_seconds_sum").label("operation", name)
        .value(static_cast<double>(h.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    Sample(out, "ddbd_request_duration_seconds_count").label("operation", name).value(cumulative);
  }

  // Item counts and sizes from storage's statistics, for every table.
  std::vector<std::shared_ptr<const storage::TableDef>> defs = engine.all_tables();
  std::sort(defs.begin(), defs.end(), [](const auto& a, const auto& b) { return std::tie(a->ns, a->name) < std::tie(b->ns, b->name); });
  if (defs.size() > options_.max_tables) defs.resize(options_.max_tables);
  std::vector<storage::TableStats> stats;
  stats.reserve(defs.size());
  {
    storage::ReadTxn txn = engine.begin_read();
    for (const auto& d : defs) stats.push_back(txn.stats(*d));
  }
  header(out, "ddbd_table_items", "gauge", "Items in the table.");
  for (std::size_t i = 0; i < defs.size(); ++i)
    Sample(out, "ddbd_table_items").label("namespace", defs[i]->ns).label("table", defs[i]->name).value(stats[i].item_count);
  header(out, "ddbd_table_size_bytes", "gauge", "Size of the table's items in bytes (DynamoDB's item sizes).");
  for (std::size_t i = 0; i < defs.size(); ++i)
    Sample(out, "ddbd_table_size_bytes").label("namespace", defs[i]->ns).label("table", defs[i]->name).value(stats[i].size_bytes);
  return out;
}

}  // namespace ddbd::api
