// Auxiliary records: the `aux` database, an ordered key -> value space whose
// keys and values belong to the caller (engine.hh, WriteTxn::aux_put).
#include "storage/engine_impl.hh"

namespace ddbd::storage {

namespace {

// Bytes counted for an aux record's key and LMDB node header, beside the
// value (as write_txn.cc counts for items).
constexpr std::size_t kAuxOverhead = 64;

void check_key(std::string_view key) {
  if (key.empty() || key.size() > limits::kMaxAuxKeyBytes) throw StorageError("aux key length out of range");
}

// A cursor over the records of one prefix, in either direction.
class LmdbAuxCursor final : public AuxCursor {
 public:
  LmdbAuxCursor(MDB_txn* txn, MDB_dbi dbi, std::string_view prefix, std::string_view from, bool forward)
      : cur_(txn, dbi), prefix_(prefix), from_(from.empty() ? std::string(prefix) : std::string(from)), forward_(forward) {}

  bool next(std::string_view& key, std::string_view& value) override {
    if (done_) return false;
    MDB_val k, v;
    int rc = first_ ? position(k, v) : mdb_cursor_get(cur_.get(), &k, &v, forward_ ? MDB_NEXT : MDB_PREV);
    first_ = false;
    if (rc == MDB_NOTFOUND || (rc == MDB_SUCCESS && !lmdb::view(k).starts_with(prefix_))) {
      done_ = true;
      return false;
    }
    lmdb::check("mdb_cursor_get(aux)", rc);
    key = lmdb::view(k);
    value = lmdb::view(v);
    return true;
  }

 private:
  // The first record: forward, the first key >= from; backward, the last key
  // <= from, or, when `from` is the bare prefix, the prefix's last key (the
  // last key below the prefix's successor).
  int position(MDB_val& k, MDB_val& v) {
    if (forward_) {
      if (from_.empty()) return mdb_cursor_get(cur_.get(), &k, &v, MDB_FIRST);
      k = lmdb::val(from_);
      return mdb_cursor_get(cur_.get(), &k, &v, MDB_SET_RANGE);
    }
    std::string bound = from_;
    bool inclusive = true;
    if (bound == prefix_) {
      bound = successor(prefix_);
      inclusive = false;
    }
    if (bound.empty()) return mdb_cursor_get(cur_.get(), &k, &v, MDB_LAST);
    k = lmdb::val(bound);
    int rc = mdb_cursor_get(cur_.get(), &k, &v, MDB_SET_RANGE);
    if (rc == MDB_NOTFOUND) return mdb_cursor_get(cur_.get(), &k, &v, MDB_LAST);
    lmdb::check("mdb_cursor_get(aux)", rc);
    if (inclusive && lmdb::view(k) == bound) return MDB_SUCCESS;
    return mdb_cursor_get(cur_.get(), &k, &v, MDB_PREV);
  }

  // The smallest string greater than every string starting with `p`; empty
  // when there is none (p is all 0xff bytes).
  static std::string successor(std::string p) {
    while (!p.empty() && static_cast<unsigned char>(p.back()) == 0xff) p.pop_back();
    if (!p.empty()) p.back() = static_cast<char>(static_cast<unsigned char>(p.back()) + 1);
    return p;
  }

  lmdb::Cursor cur_;
  std::string prefix_;
  std::string from_;
  bool forward_;
  bool first_ = true;
  bool done_ = false;
};

}  // namespace

Status WriteTxn::aux_put(std::string_view key, std::string_view value) {
  check_key(key);
  if (!impl_->eng->space.may_grow(value.size() + kAuxOverhead)) return impl_->no_room();
  impl_->wrote = true;
  MDB_val mk = lmdb::val(key), mv = lmdb::val(value);
  int rc = mdb_put(impl_->txn, impl_->eng->aux, &mk, &mv, 0);
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_put(aux)", rc);
  return Status::ok;
}

Status WriteTxn::aux_erase(std::string_view key) {
  check_key(key);
  MDB_val mk = lmdb::val(key);
  int rc = mdb_del(impl_->txn, impl_->eng->aux, &mk, nullptr);
  if (rc == MDB_NOTFOUND) return Status::not_found;
  impl_->wrote = true;
  if (rc == MDB_MAP_FULL) return Status::map_full;
  lmdb::check("mdb_del(aux)", rc);
  return Status::ok;
}

bool WriteTxn::aux_get(std::string_view key, std::string& out) {
  check_key(key);
  MDB_val mk = lmdb::val(key), mv;
  int rc = mdb_get(impl_->txn, impl_->eng->aux, &mk, &mv);
  if (rc == MDB_NOTFOUND) return false;
  lmdb::check("mdb_get(aux)", rc);
  out.assign(lmdb::view(mv));
  return true;
}

std::unique_ptr<AuxCursor> WriteTxn::aux_scan(std::string_view prefix, std::string_view from, bool forward) {
  return std::make_unique<LmdbAuxCursor>(impl_->txn, impl_->eng->aux, prefix, from, forward);
}

bool ReadTxn::aux_get(std::string_view key, std::string_view& out) const {
  check_key(key);
  MDB_val mk = lmdb::val(key), mv;
  int rc = mdb_get(impl_->txn.get(), impl_->eng->aux, &mk, &mv);
  if (rc == MDB_NOTFOUND) return false;
  lmdb::check("mdb_get(aux)", rc);
  out = lmdb::view(mv);
  return true;
}

std::unique_ptr<AuxCursor> ReadTxn::aux_scan(std::string_view prefix, std::string_view from, bool forward) const {
  return std::make_unique<LmdbAuxCursor>(impl_->txn.get(), impl_->eng->aux, prefix, from, forward);
}

}  // namespace ddbd::storage
