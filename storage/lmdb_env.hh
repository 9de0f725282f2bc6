// Thin checked wrappers over liblmdb: the only header that includes <lmdb.h>,
// included only by storage's own .cc files.
//
// Error strategy (as PowerDNS lmdb-safe states it): anything that should
// never happen throws StorageError naming the failing C function; expected
// outcomes (MDB_NOTFOUND, MDB_KEYEXIST, MDB_MAP_FULL) are return values.
//
// Thread-safety: as LMDB's.  A transaction and its cursors belong to one
// thread; read transactions use MDB_NOTLS so they are not tied to a thread
// slot, but must still not be used by two threads at once.
#pragma once

#include <lmdb.h>

#include <string>
#include <string_view>

#include "storage/types.hh"

namespace ddbd::storage::lmdb {

[[noreturn]] inline void raise(const char* origin, int rc) {
  throw StorageError(std::string(origin) + ": " + mdb_strerror(rc));
}

inline void check(const char* origin, int rc) {
  if (rc != MDB_SUCCESS) raise(origin, rc);
}

inline MDB_val val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}

inline std::string_view view(const MDB_val& v) {
  return std::string_view(static_cast<const char*>(v.mv_data), v.mv_size);
}

// A transaction that aborts in its destructor unless committed.
class Txn {
 public:
  Txn() = default;
  Txn(MDB_env* env, MDB_txn* parent, unsigned flags) {
    check("mdb_txn_begin", mdb_txn_begin(env, parent, flags, &txn_));
  }
  Txn(Txn&& o) noexcept : txn_(o.txn_) { o.txn_ = nullptr; }
  Txn& operator=(Txn&& o) noexcept {
    if (this != &o) {
      abort();
      txn_ = o.txn_;
      o.txn_ = nullptr;
    }
    return *this;
  }
  ~Txn() { abort(); }

  MDB_txn* get() const { return txn_; }
  // Returns the LMDB code (MDB_SUCCESS, MDB_MAP_FULL, an errno ...).
  int commit() {
    int rc = mdb_txn_commit(txn_);
    txn_ = nullptr;
    return rc;
  }
  void abort() {
    if (txn_) mdb_txn_abort(txn_);
    txn_ = nullptr;
  }

 private:
  MDB_txn* txn_ = nullptr;
};

// A cursor closed in its destructor.  Close cursors of a write transaction
// before committing it.
class Cursor {
 public:
  Cursor(MDB_txn* txn, MDB_dbi dbi) { check("mdb_cursor_open", mdb_cursor_open(txn, dbi, &c_)); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  ~Cursor() {
    if (c_) mdb_cursor_close(c_);
  }
  MDB_cursor* get() const { return c_; }

 private:
  MDB_cursor* c_ = nullptr;
};

}  // namespace ddbd::storage::lmdb
