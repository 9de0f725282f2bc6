// WriteTxn: one op's writes inside the write queue's transaction.  Item
// writes keep the table's indexes and stats records in step in the same
// transaction; catalog changes go to the op's overlay and are published by
// the write queue after the commit.
#include <iterator>

#include "storage/catalog.hh"
#include "storage/engine_impl.hh"
#include "storage/index.hh"
#include "storage/key_codec.hh"
#include "storage/stored_value.hh"

namespace ddbd::storage {

namespace {

// Bytes counted for a stored key and its LMDB node header, beside the item.
constexpr std::size_t kKeyOverhead = 64;

}  // namespace

// ---- WriteTxn::Impl ---------------------------------------------------------

int64_t WriteTxn::Impl::current_bytes(const std::string& key) const {
  auto bytes = static_cast<int64_t>(read_stats(txn, eng->stats, key).size_bytes);
  if (batch_stats)
    if (auto it = batch_stats->find(key); it != batch_stats->end()) bytes += it->second.bytes;
  if (auto it = stats.find(key); it != stats.end()) bytes += it->second.bytes;
  return bytes;
}

std::shared_ptr<const TableDef> WriteTxn::Impl::find(const std::string& key) const {
  if (auto it = overlay.find(key); it != overlay.end()) return it->second;
  if (auto it = batch_overlay->find(key); it != batch_overlay->end()) return it->second;
  return eng->lookup(key);
}

std::shared_ptr<const TableDef> WriteTxn::Impl::live(const TableDef& table) const {
  auto cur = find(catalog_key(table.ns, table.name));
  return cur && cur->table_id == table.table_id ? cur : nullptr;
}

Status WriteTxn::Impl::delete_prefix(MDB_dbi dbi, const std::string& prefix) {
  lmdb::Cursor cur(txn, dbi);
  MDB_val ck = lmdb::val(prefix), cv;
  int rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_SET_RANGE);
  while (rc == MDB_SUCCESS && lmdb::view(ck).starts_with(prefix)) {
    int del = mdb_cursor_del(cur.get(), 0);
    if (del == MDB_MAP_FULL) return Status::map_full;
    lmdb::check("mdb_cursor_del", del);
    rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_GET_CURRENT);
    if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) {
      ck = lmdb::val(prefix);
      rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_SET_RANGE);
    }
  }
  return Status::ok;
}

Status WriteTxn::Impl::update_indexes(const TableDef& def, const PrimaryKey& key, const Item* old, const Item* now) {
  std::string ckey;  // the item collection's record, for LSI entries
  for (const IndexDef& ix : def.indexes) {
    if (ix.status == "DELETING") continue;
    if (!ix.global && ckey.empty()) ckey = collection_stats_key(def.table_id, key.hash);
    std::string skey = index_stats_key(def.table_id, ix.index_id);
    PrimaryKey ik;
    if (old && index_key_of(ix, *old, ik)) {
      std::string k;
      encode_index_key(def.table_id, ix, ik, key, k);
      MDB_val mk = lmdb::val(k), ov;
      if (mdb_get(txn, eng->index, &mk, &ov) == MDB_SUCCESS) {
        const int64_t old_size = stored_size(lmdb::view(ov));
        stats[skey].count -= 1;
        stats[skey].bytes -= old_size;
        if (!ix.global) stats[ckey].bytes -= old_size;
        int rc = mdb_del(txn, eng->index, &mk, nullptr);
        if (rc == MDB_MAP_FULL) return Status::map_full;
        lmdb::check("mdb_del(index)", rc);
      }
    }
    if (now && index_key_of(ix, *now, ik)) {
      std::string k;
      encode_index_key(def.table_id, ix, ik, key, k);
      Item projected = project_for_index(def, ix, *now);
      auto size = static_cast<uint32_t>(item_size(projected));
      std::string v = stored_value(projected, size);
      if (!eng->space.may_grow(k.size() + v.size())) return no_room();
      MDB_val mk = lmdb::val(k), mv = lmdb::val(v);
      int rc = mdb_put(txn, eng->index, &mk, &mv, 0);
      if (rc == MDB_MAP_FULL) return Status::map_full;
      lmdb::check("mdb_put(index)", rc);
      stats[skey].count += 1;
      stats[skey].bytes += size;
      if (!ix.global) stats[ckey].bytes += size;
    }
  }
  return Status::ok;
}

void WriteTxn::Impl::record(std::shared_ptr<const TableDef> def, PrimaryKey key, std::string old_stored,
                            std::string new_stored) {
  ChangeEvent& e = events->emplace_back();
  e.kind = old_stored.empty() ? ChangeKind::insert : new_stored.empty() ? ChangeKind::remove : ChangeKind::modify;
  e.table = std::move(def);
  e.key = std::move(key);
  e.time = time;
  e.origin = origin;
  e.old_stored = std::move(old_stored);
  e.new_stored = std::move(new_stored);
}

Origin WriteTxn::set_origin(Origin origin) {
  const Origin previous = impl_->origin;
  impl_->origin = origin;
  return previous;
}

Status WriteTxn::Impl::put_catalog(const std::string& key, const TableDef& def) {
  std::string v;
  encode_table_def(def, v);
  MDB_val mk = lmdb::val(key), mv = lmdb::val(v);
  int rc = mdb_put(txn, eng->catalog, &mk, &mv, 0);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_put(catalog)", rc);
  overlay[key] = std::make_shared<const TableDef>(def);
  return Status::ok;
}

// ---- item writes ------------------------------------------------------------

bool WriteTxn::get(const TableDef& table, const PrimaryKey& key, Item* out) {
  std::string k;
  encode_primary_key(table.table_id, key, k);
  MDB_val mk = lmdb::val(k), mv;
  int rc = mdb_get(impl_->txn, impl_->eng->items, &mk, &mv);
  if (rc == MDB_NOTFOUND) return false;
  lmdb::check("mdb_get(items)", rc);
  if (out) {
    out->clear();
    if (!decode_stored(lmdb::view(mv), *out)) throw StorageError("corrupt item");
  }
  return true;
}

Status WriteTxn::put(const TableDef& table, const Item& item, Replaced* replaced) {
  auto def = impl_->live(table);
  if (!def) return Status::not_found;
  const auto size = static_cast<uint32_t>(item_size(item));
  // Refused before anything is written, so the rest of the batch stands.
  if (!impl_->eng->space.may_grow(size + kKeyOverhead)) return impl_->no_room();
  impl_->wrote = true;
  PrimaryKey key;
  if (!extract_key(def->key, item, key)) throw StorageError("put: item lacks its key");
  std::string k;
  encode_primary_key(def->table_id, key, k);
  MDB_val mk = lmdb::val(k), old;
  auto& st = impl_->stats[table_prefix(def->table_id)];
  Item old_item;
  bool had_old = false;
  int64_t old_size = 0;
  std::string old_stored;  // for the change event
  int rc = mdb_get(impl_->txn, impl_->eng->items, &mk, &old);
  if (rc == MDB_SUCCESS) {
    had_old = true;
    old_stored = lmdb::view(old);
    old_size = stored_size(old_stored);
    st.count -= 1;
    st.bytes -= old_size;
    if (!def->indexes.empty() && !decode_stored(old_stored, old_item)) throw StorageError("corrupt item");
  } else if (rc != MDB_NOTFOUND) {
    lmdb::raise("mdb_get(items)", rc);
  }
  if (replaced) *replaced = Replaced{had_old, static_cast<uint32_t>(old_size)};
  std::string v = stored_value(item, size);
  MDB_val mv = lmdb::val(v);
  rc = mdb_put(impl_->txn, impl_->eng->items, &mk, &mv, 0);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_put(items)", rc);
  st.count += 1;
  st.bytes += size;
  if (def->indexes.empty()) {
    impl_->record(std::move(def), std::move(key), std::move(old_stored), std::move(v));
    return Status::ok;
  }
  const bool lsi = has_lsi(*def);
  std::string ckey;
  if (lsi) {
    ckey = collection_stats_key(def->table_id, key.hash);
    auto& cs = impl_->stats[ckey];
    cs.count += had_old ? 0 : 1;
    cs.bytes += static_cast<int64_t>(size) - old_size;
  }
  Status s = impl_->update_indexes(*def, key, had_old ? &old_item : nullptr, &item);
  if (s != Status::ok) return s;
  if (lsi && impl_->current_bytes(ckey) > static_cast<int64_t>(impl_->eng->options.max_item_collection_bytes))
    return Status::collection_full;
  impl_->record(std::move(def), std::move(key), std::move(old_stored), std::move(v));
  return Status::ok;
}

Status WriteTxn::erase(const TableDef& table, const PrimaryKey& key, Replaced* replaced) {
  auto def = impl_->live(table);
  if (!def) return Status::not_found;
  std::string k;
  encode_primary_key(def->table_id, key, k);
  MDB_val mk = lmdb::val(k), old;
  int rc = mdb_get(impl_->txn, impl_->eng->items, &mk, &old);
  if (rc == MDB_NOTFOUND) return Status::not_found;
  lmdb::check("mdb_get(items)", rc);
  impl_->wrote = true;
  std::string old_stored(lmdb::view(old));  // for the change event
  uint32_t size = stored_size(old_stored);
  if (replaced) *replaced = Replaced{true, size};
  Item old_item;
  if (!def->indexes.empty() && !decode_stored(old_stored, old_item)) throw StorageError("corrupt item");
  rc = mdb_del(impl_->txn, impl_->eng->items, &mk, nullptr);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_del(items)", rc);
  impl_->record(def, key, std::move(old_stored), {});
  auto& st = impl_->stats[table_prefix(def->table_id)];
  st.count -= 1;
  st.bytes -= size;
  if (def->indexes.empty()) return Status::ok;
  if (has_lsi(*def)) {
    auto& cs = impl_->stats[collection_stats_key(def->table_id, key.hash)];
    cs.count -= 1;
    cs.bytes -= size;
  }
  return impl_->update_indexes(*def, key, &old_item, nullptr);
}

// ---- index builds -----------------------------------------------------------

Status WriteTxn::build_index(const TableDef& table, uint32_t index_id) {
  auto def = impl_->live(table);
  if (!def) return Status::not_found;
  const IndexDef* ix = nullptr;
  for (const auto& i : def->indexes)
    if (i.index_id == index_id) ix = &i;
  if (!ix) return Status::not_found;
  impl_->wrote = true;
  TableDef only = *def;
  only.indexes = {*ix};
  std::string prefix = table_prefix(def->table_id);
  lmdb::Cursor cur(impl_->txn, impl_->eng->items);
  MDB_val ck = lmdb::val(prefix), cv;
  for (int rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_SET_RANGE);
       rc == MDB_SUCCESS && lmdb::view(ck).starts_with(prefix); rc = mdb_cursor_get(cur.get(), &ck, &cv, MDB_NEXT)) {
    Item item;
    if (!decode_stored(lmdb::view(cv), item)) throw StorageError("corrupt item");
    PrimaryKey key;
    if (!extract_key(def->key, item, key)) continue;
    Status st = impl_->update_indexes(only, key, nullptr, &item);
    if (st != Status::ok) return st;
  }
  return Status::ok;
}

Status WriteTxn::drop_index(const TableDef& table, uint32_t index_id) {
  impl_->wrote = true;
  std::string prefix;
  encode_index_prefix(table.table_id, index_id, prefix);
  if (Status s = impl_->delete_prefix(impl_->eng->index, prefix); s != Status::ok) return s;
  MDB_val sk = lmdb::val(prefix);
  int rc = mdb_del(impl_->txn, impl_->eng->stats, &sk, nullptr);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  if (rc != MDB_NOTFOUND) lmdb::check("mdb_del(stats)", rc);
  impl_->stats.erase(prefix);
  return Status::ok;
}

// ---- catalog changes --------------------------------------------------------

std::shared_ptr<const TableDef> WriteTxn::find_table(std::string_view ns, std::string_view name) {
  return impl_->find(catalog_key(ns, name));
}

Status WriteTxn::create_table(TableDef& def) {
  std::string key = catalog_key(def.ns, def.name);
  if (impl_->find(key)) return Status::already_exists;
  if (!impl_->eng->space.may_grow(kKeyOverhead + 1024)) return impl_->no_room();
  impl_->wrote = true;
  def.table_id = impl_->next_table_id++;
  return impl_->put_catalog(key, def);
}

Status WriteTxn::update_table(const TableDef& def) {
  std::string key = catalog_key(def.ns, def.name);
  auto cur = impl_->find(key);
  if (!cur || cur->table_id != def.table_id) return Status::not_found;
  if (!impl_->eng->space.may_grow(kKeyOverhead + 1024)) return impl_->no_room();
  impl_->wrote = true;
  return impl_->put_catalog(key, def);
}

Status WriteTxn::delete_table(const TableDef& def) {
  std::string key = catalog_key(def.ns, def.name);
  auto cur = impl_->find(key);
  if (!cur || cur->table_id != def.table_id) return Status::not_found;
  impl_->wrote = true;
  MDB_val mk = lmdb::val(key);
  int rc = mdb_del(impl_->txn, impl_->eng->catalog, &mk, nullptr);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_del(catalog)", rc);
  // Remove the items, index entries and stats: every key with the table's
  // 8-byte prefix in those databases.
  std::string prefix = table_prefix(def.table_id);
  for (MDB_dbi dbi : {impl_->eng->items, impl_->eng->index, impl_->eng->stats})
    if (Status s = impl_->delete_prefix(dbi, prefix); s != Status::ok) return s;
  for (auto it = impl_->stats.begin(); it != impl_->stats.end();)
    it = it->first.starts_with(prefix) ? impl_->stats.erase(it) : std::next(it);
  impl_->overlay[key] = nullptr;
  return Status::ok;
}

}  // namespace ddbd::storage
