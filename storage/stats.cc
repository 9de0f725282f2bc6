#include "storage/stats.hh"

#include <algorithm>

#include "storage/engine_impl.hh"
#include "storage/key_codec.hh"

namespace ddbd::storage {

namespace {

constexpr uint32_t kCollectionStatsId = 0xFFFFFFFFu;
constexpr std::size_t kIndexStatsKeySize = 8 + 4;

bool is_collection_stats_key(std::string_view k) { return k.size() > kIndexStatsKeySize; }

}  // namespace

std::string index_stats_key(uint64_t table_id, uint32_t index_id) {
  std::string p;
  encode_index_prefix(table_id, index_id, p);
  return p;
}

std::string collection_stats_key(uint64_t table_id, const AttributeValue& hash) {
  std::string p;
  encode_index_partition_prefix(table_id, kCollectionStatsId, hash, p);
  return p;
}

bool has_lsi(const TableDef& def) {
  for (const auto& ix : def.indexes)
    if (!ix.global) return true;
  return false;
}

TableStats read_stats(MDB_txn* txn, MDB_dbi stats, const std::string& key) {
  MDB_val mk = lmdb::val(key), mv;
  TableStats s;
  if (mdb_get(txn, stats, &mk, &mv) == MDB_SUCCESS && mv.mv_size == 16) {
    s.item_count = get_u64_be(static_cast<const char*>(mv.mv_data));
    s.size_bytes = get_u64_be(static_cast<const char*>(mv.mv_data) + 8);
  }
  return s;
}

void add_stats(StatsDeltas& into, const StatsDeltas& from) {
  for (const auto& [key, d] : from) {
    into[key].count += d.count;
    into[key].bytes += d.bytes;
  }
}

void fold_stats(MDB_txn* txn, MDB_dbi stats, const StatsDeltas& deltas) {
  for (const auto& [k, d] : deltas) {
    if (d.count == 0 && d.bytes == 0) continue;
    const TableStats now = read_stats(txn, stats, k);
    const int64_t count = std::max<int64_t>(0, static_cast<int64_t>(now.item_count) + d.count);
    const int64_t bytes = std::max<int64_t>(0, static_cast<int64_t>(now.size_bytes) + d.bytes);
    MDB_val mk = lmdb::val(k);
    if (count == 0 && is_collection_stats_key(k)) {  // an emptied item collection's record
      int rc = mdb_del(txn, stats, &mk, nullptr);
      if (rc != MDB_NOTFOUND) lmdb::check("mdb_del(stats)", rc);
      continue;
    }
    std::string v;
    put_u64_be(v, static_cast<uint64_t>(count));
    put_u64_be(v, static_cast<uint64_t>(bytes));
    MDB_val nv = lmdb::val(v);
    lmdb::check("mdb_put(stats)", mdb_put(txn, stats, &mk, &nv, 0));
  }
}

// ---- ReadTxn's stats calls --------------------------------------------------

TableStats ReadTxn::stats(const TableDef& table) const {
  return read_stats(impl_->txn.get(), impl_->eng->stats, table_prefix(table.table_id));
}

TableStats ReadTxn::index_stats(const TableDef& table, const IndexDef& index) const {
  return read_stats(impl_->txn.get(), impl_->eng->stats, index_stats_key(table.table_id, index.index_id));
}

uint64_t ReadTxn::item_collection_size(const TableDef& table, const AttributeValue& hash) const {
  if (!has_lsi(table)) return 0;
  return read_stats(impl_->txn.get(), impl_->eng->stats, collection_stats_key(table.table_id, hash)).size_bytes;
}

}  // namespace ddbd::storage
