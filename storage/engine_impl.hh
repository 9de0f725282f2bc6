// The engine's internals, shared by its source files (never included by
// api/ or any other layer):
//
//   engine.cc       opening the store, the catalog snapshot, begin_read,
//                   the façade's free functions
//   write_queue.cc  group commit: submit, drain, run_batch, run_range
//   write_txn.cc    WriteTxn: item writes, index upkeep, catalog changes
//   read_txn.cc     ReadTxn::get and range scans (RangeCursor, bounds)
//   stats.cc        stats records (keys, read, fold) and ReadTxn's stats calls
//   types.cc        status_name, extract_key
//   aux.cc          auxiliary records (WriteTxn / ReadTxn aux_*)
//
// Databases (named DBIs) in one LMDB environment:
//   meta     "format" -> u64 format version; "next_table_id" -> u64
//   catalog  ns '\0' name -> TableDef (catalog.hh)
//   stats    stats.hh records
//   items    key_codec.hh key -> stored_value.hh value
//   index    key_codec.hh index key -> stored_value.hh value (projected item)
//   aux      auxiliary records (aux.cc): keys and values owned by the caller
//
// Thread-safety: Engine::Impl's catalog map is guarded by catalog_mu and its
// queue by queue_mu; everything marked "writer-owned" (and every WriteTxn)
// is used only by the current write leader, one thread at a time.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/engine.hh"
#include "storage/lmdb_env.hh"
#include "storage/space.hh"
#include "storage/stats.hh"

namespace ddbd::storage {

// Catalog changes not yet published to Engine::Impl::tables, by catalog key;
// nullptr = deleted.
using CatalogOverlay = std::map<std::string, std::shared_ptr<const TableDef>>;

struct Engine::Impl {
  EngineOptions options;
  std::filesystem::path dir;
  bool remove_dir_on_close = false;
  MDB_env* env = nullptr;
  MDB_dbi meta = 0, catalog = 0, stats = 0, items = 0, index = 0, aux = 0;
  Space space;  // writer-owned

  mutable std::shared_mutex catalog_mu;
  std::unordered_map<std::string, std::shared_ptr<const TableDef>> tables;  // by catalog_key
  uint64_t next_table_id = 1;  // writer-owned

  struct Pending {
    const WriteOp* op;
    WriteResult* result;
    WriteDone done;
  };
  std::mutex queue_mu;
  std::vector<Pending> queue;
  bool draining = false;  // a leader is running or scheduled

  SystemClock system_clock;
  const Clock* clock = &system_clock;
  std::vector<ChangeObserver*> observers;  // registered before the first write

  ~Impl();
  // Opens the environment in `dir`, its databases and the catalog snapshot.
  // Throws StorageError when the directory cannot be used.
  void open();

  static void check(const char* origin, int rc) { lmdb::check(origin, rc); }

  // The published definition under catalog key `key`, or nullptr.
  std::shared_ptr<const TableDef> lookup(const std::string& key) const {
    std::shared_lock lock(catalog_mu);
    auto it = tables.find(key);
    return it == tables.end() ? nullptr : it->second;
  }

  // write_queue.cc
  void submit(const WriteOp& op, WriteResult& result, WriteDone done);
  // The leader: runs batches until the queue is empty (or hands on after a
  // few rounds so one I/O thread is not captured for ever).
  void drain();
  // Runs a batch and calls every completion.
  void run_batch(std::vector<Pending>& batch);
  // Runs batch[a, b) in one transaction and commits it, then hands its
  // change events to the observers; returns b, or the index of an op that
  // failed after writing (then nothing is committed).
  std::size_t run_range(std::vector<Pending>& batch, std::size_t a, std::size_t b, std::vector<Status>& results);
  // Applies one op of a batch in `wt` (its result reset first), then passes
  // its events to the observers' on_change.  Returns the op's status.
  Status apply_one(const Pending& p, WriteTxn::Impl& wi);
  // Makes a committed batch's catalog changes visible to find_table.
  void publish(const CatalogOverlay& changes);
};

// One op's view of the batch's transaction (write_txn.cc).
struct WriteTxn::Impl {
  Engine::Impl* eng;
  MDB_txn* txn;
  CatalogOverlay* batch_overlay;  // catalog changes of earlier ops in this commit
  CatalogOverlay overlay;         // this op's own catalog changes
  StatsDeltas stats;              // this op's stats deltas
  uint64_t next_table_id;
  bool wrote = false;  // this op has changed the transaction
  const StatsDeltas* batch_stats = nullptr;  // earlier ops' deltas in this commit
  // The batch's change events: this op appends its own after events_begin
  // (a failed op's are dropped with the transaction).
  std::vector<ChangeEvent>* events = nullptr;
  std::size_t events_begin = 0;
  double time = 0;
  Origin origin = Origin::user;

  // Bytes now in a stats record: committed value + this commit's earlier
  // ops + this op.
  int64_t current_bytes(const std::string& key) const;
  // The definition under catalog key `key` as this op sees it, or nullptr.
  std::shared_ptr<const TableDef> find(const std::string& key) const;
  // The current definition of `table`, or nullptr when it was dropped
  // (possibly re-created under a new id) since the caller looked it up.
  std::shared_ptr<const TableDef> live(const TableDef& table) const;
  // Deletes every key starting with `prefix`.  map_full when even the map
  // reserve is exhausted (deletes copy the pages they change).
  Status delete_prefix(MDB_dbi dbi, const std::string& prefix);
  // Status for a write refused by the space check.
  Status no_room() const { return eng->space.disk_full() ? Status::no_space : Status::map_full; }
  // Removes `old`'s entries from and adds `now`'s entries to every index.
  // Either may be null.
  Status update_indexes(const TableDef& def, const PrimaryKey& key, const Item* old, const Item* now);
  // Records the change event of a completed item write (old_stored /
  // new_stored: the stored values, empty when absent).
  void record(std::shared_ptr<const TableDef> def, PrimaryKey key, std::string old_stored, std::string new_stored);
  // Writes `def` to the catalog under `key` and into this op's overlay.
  Status put_catalog(const std::string& key, const TableDef& def);
};

struct ReadTxn::Impl {
  const Engine::Impl* eng;
  lmdb::Txn txn;
};

}  // namespace ddbd::storage
