// Engine: the storage layer's façade (LMDB behind a pimpl).
//
// Public headers: the only storage headers api/ (and server/) may include.
//   engine.hh          this file: Engine, ReadTxn, Cursor, WriteTxn, options
//   write_op.hh        WriteOp, WriteResult, ChangeEvent, ChangeObserver
//   types.hh           PrimaryKey, Status, StorageError, extract_key
//   schema.hh          TableDef, IndexDef, KeySchema
//   attribute_value.hh AttributeValue, Item
//   number.hh          DynamoDB numbers
//   clock.hh           Clock, SystemClock, ManualClock
//   encoded_item.hh    decode or visit the stored encoding Cursor returns
//   limits.hh          DynamoDB's documented limits, as named constants
// Everything else in storage/ (key_codec, item_codec, index, catalog,
// lmdb_env, space, stats, stored_value, engine_impl) is internal.
//
// Three kinds of access:
//   - catalog lookups (find_table, list_tables): served from an in-memory
//     snapshot, updated after each commit that changes the catalog;
//   - reads (begin_read): an LMDB read-only snapshot, cheap to open;
//   - writes (submit): a const WriteOp (write_op.hh) applied to a WriteTxn.
//     Writes are serialised: one writer at a time.  Concurrent submissions
//     are combined into one LMDB commit (group commit): the first submitter
//     becomes the leader, applies every queued op in order inside one LMDB
//     write transaction (there are no nested transactions; an op failing
//     after it wrote splits the batch, see submit()), commits once, hands
//     the batch's change events to the observers and then calls every
//     completion.  No thread is created for this; the leader is whichever
//     caller arrived first.
//
// Durability: by default a commit is written to the file (the OS page cache)
// before completions run, so an acknowledged write survives `kill -9` of the
// process; with EngineOptions::sync the commit is also fsync'ed (survives an
// OS crash).
//
// Thread-safety: Engine is safe to use from any number of threads.  A
// ReadTxn belongs to the thread that opened it and must not live across a
// coroutine suspension point.  A WriteTxn exists only inside WriteOp::apply
// and ChangeObserver::on_change.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/attribute_value.hh"
#include "storage/clock.hh"
#include "storage/schema.hh"
#include "storage/limits.hh"
#include "storage/types.hh"
#include "storage/write_op.hh"

namespace ddbd::storage {

struct EngineOptions {
  std::string data_dir = "./data";
  bool in_memory = false;  // throwaway store in a private temporary directory
  bool sync = false;       // fsync every commit
  std::size_t map_size = std::size_t(32) << 30;  // LMDB map size in bytes
  // Largest item collection (the items sharing a partition key, plus their
  // local secondary index entries) of a table with an LSI; DynamoDB's 10 GB.
  uint64_t max_item_collection_bytes = limits::kMaxItemCollectionBytes;
  // How the write leader hands work to "later": the server passes a function
  // that posts to its I/O pool.  Deferring the first drain lets every request
  // that is ready in the same turn of the event loop join one commit.  When
  // empty, submit() drains inline.
  std::function<void(std::function<void()>)> defer;
  // The time stamped on change events; null: the system clock.  Must
  // outlive the engine.
  const Clock* clock = nullptr;
};

struct TableStats {
  uint64_t item_count = 0;
  uint64_t size_bytes = 0;  // sum of item_size() over the items
};

// Where a scan starts and what it covers (Scan and Query).
struct ScanSpec {
  // Scan or query this secondary index instead of the table (the pointer
  // must stay valid while the cursor lives: point into the TableDef).
  // For an index, hash/lower/upper/prefix refer to the index's key, and
  // start_after is the index key of the last item with start_after_base its
  // table key.
  const IndexDef* index = nullptr;
  std::optional<PrimaryKey> start_after_base;
  // Query: only this partition (hash key value).  Scan: nullopt.
  std::optional<AttributeValue> hash;
  // Sort-key bounds for Query, inclusive/exclusive as flagged; unset = open.
  std::optional<AttributeValue> lower;
  bool lower_inclusive = true;
  std::optional<AttributeValue> upper;
  bool upper_inclusive = true;
  // begins_with on the sort key (S or B), applied as a bound pair.
  std::optional<std::string> prefix;
  // A multi-attribute index: `hash` is the partition tuple (index.hh,
  // key_tuple), sort_equal the values of the leading RANGE attributes given
  // with equality, and lower/upper/prefix apply to the RANGE attribute after
  // them.
  std::vector<AttributeValue> sort_equal;
  bool forward = true;
  // Continue strictly after this key (ExclusiveStartKey), if set.
  std::optional<PrimaryKey> start_after;
  // Parallel scan: segment `segment` of `total_segments` (hash ranges).
  uint32_t segment = 0;
  uint32_t total_segments = 1;
};

class Cursor {
 public:
  virtual ~Cursor() = default;
  // Moves to the next item and points `encoded` at its item_codec.hh
  // encoding (for storage::visit_item / decode_item), which stays valid
  // until the next call or the end of the ReadTxn.  Returns false at the end.
  virtual bool next_encoded(std::string_view& encoded) = 0;
  // Decodes the next item into `out`; returns false at the end.  Throws
  // StorageError when the stored item is corrupt.
  bool next(Item& out);
  // item_size() of the item last returned by next() or next_encoded(), as
  // stored (for an index: of the projected entry).
  std::uint32_t last_size() const { return last_size_; }

 protected:
  std::uint32_t last_size_ = 0;
};

// Walks auxiliary records (see WriteTxn::aux_put) in key order.
class AuxCursor {
 public:
  virtual ~AuxCursor() = default;
  // Moves to the next record whose key starts with the cursor's prefix and
  // points `key` and `value` at it (valid until the next call, a write
  // through the same transaction, or the end of the transaction).  Returns
  // false at the end.
  virtual bool next(std::string_view& key, std::string_view& value) = 0;
};

class ReadTxn {
 public:
  ReadTxn(ReadTxn&&) noexcept;
  ReadTxn& operator=(ReadTxn&&) = delete;
  ~ReadTxn();
  // Looks up one item.  Returns false (and leaves `out` untouched) when the
  // item does not exist.
  bool get(const TableDef& table, const PrimaryKey& key, Item* out) const;
  // The same without decoding: points `encoded` at the item's encoding (for
  // storage::visit_item / decode_item, valid until the end of this txn) and
  // sets `size` to its item_size().  Throws StorageError when the stored
  // value is corrupt.
  bool get_encoded(const TableDef& table, const PrimaryKey& key, std::string_view& encoded, uint32_t& size) const;
  // Items of `table` in storage order (hash order for Scan, sort-key order
  // within a partition for Query).  The cursor must not outlive this txn.
  std::unique_ptr<Cursor> scan(const TableDef& table, const ScanSpec& spec) const;
  TableStats stats(const TableDef& table) const;
  // Item count and size of one index (IndexSizeBytes counts the projected
  // items as stored).
  TableStats index_stats(const TableDef& table, const IndexDef& index) const;
  // Size in bytes of the item collection of `hash` (tables with an LSI only:
  // the items' sizes plus their LSI entries' sizes; 0 for other tables).
  uint64_t item_collection_size(const TableDef& table, const AttributeValue& hash) const;

  // Auxiliary records (WriteTxn::aux_put).  `out` stays valid until the end
  // of this txn.
  bool aux_get(std::string_view key, std::string_view& out) const;
  // Records whose key starts with `prefix`, from the first key >= `from`
  // (forward) or from the last key <= `from` (backward; an empty `from`
  // starts at the prefix's last record).  `from` should start with
  // `prefix`, or be empty.
  std::unique_ptr<AuxCursor> aux_scan(std::string_view prefix, std::string_view from = {}, bool forward = true) const;

  struct Impl;
  explicit ReadTxn(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

// What a put or an erase replaced: whether the item existed, and its
// item_size() (from the stored value's prefix: the item is not decoded).
struct Replaced {
  bool existed = false;
  uint32_t size = 0;
};

class WriteTxn {
 public:
  // Reads see this op's own earlier writes and those of the batch's earlier
  // ops.
  bool get(const TableDef& table, const PrimaryKey& key, Item* out);
  // Inserts or replaces the item whose key `item` carries (the caller has
  // validated it against the schema).  `replaced`, if given, tells what it
  // replaced (set once the put is past its checks), so a caller that needs
  // only that need not get() the old item first.
  Status put(const TableDef& table, const Item& item, Replaced* replaced = nullptr);
  // Removes the item; returns not_found if it did not exist (not an error).
  // `replaced`, if given, tells what it removed.
  Status erase(const TableDef& table, const PrimaryKey& key, Replaced* replaced = nullptr);
  // put() and erase() maintain every index of the table's *current*
  // definition in the same transaction.

  // Fills index `index_id` of `table` (already in the catalog) from the
  // table's items (UpdateTable Create GSI backfill).
  Status build_index(const TableDef& table, uint32_t index_id);
  // Removes every entry of index `index_id` of `table`.
  Status drop_index(const TableDef& table, uint32_t index_id);

  // Catalog changes; they become visible to find_table after the commit.
  // create_table assigns table_id; already_exists if the name is taken.
  Status create_table(TableDef& def);
  // Replaces the stored definition of an existing table (same ns, name, id).
  Status update_table(const TableDef& def);
  // Removes the table and all its items.
  Status delete_table(const TableDef& def);
  // The definition as this transaction sees it (including its own changes).
  std::shared_ptr<const TableDef> find_table(std::string_view ns, std::string_view name);

  // The origin this op's later item writes record in their change events
  // (the op's own origin until changed); returns the previous one.  For an
  // observer that writes other tables from on_change (global tables'
  // synchronous replication marks its writes Origin::replication).
  Origin set_origin(Origin origin);

  // Auxiliary records: one ordered key -> value space beside the tables, for
  // what is built on the engine (stream records, event source mappings,
  // counters).  Keys are byte strings compared bytewise, at most
  // limits::kMaxAuxKeyBytes long; storage gives them no meaning and deletes
  // none of them with a table.  A put is refused (map_full / no_space)
  // before writing when the store has no room.
  Status aux_put(std::string_view key, std::string_view value);
  // not_found when there was no such record (not an error).
  Status aux_erase(std::string_view key);
  bool aux_get(std::string_view key, std::string& out);
  // As ReadTxn::aux_scan, seeing this transaction's writes.  Do not write
  // through this txn while the cursor is in use.
  std::unique_ptr<AuxCursor> aux_scan(std::string_view prefix, std::string_view from = {}, bool forward = true);

  struct Impl;
  explicit WriteTxn(Impl* impl) : impl_(impl) {}

 private:
  Impl* impl_;
};

// Called once per submit, when every transaction of its batch has committed
// or failed: with the op's status, or, when that was ok but its commit
// failed, map_full / no_space / io_error; io_error for every op of a
// transaction that failed outside the ops (a StorageError).  Runs on the
// leader's thread, which may be any thread.
using WriteDone = std::function<void(Status)>;

// The item's key as the store keys it: two keys of `table` give equal strings
// exactly when they name the same item (numbers by value: 1 and 1.0 are one
// key).  The table id is part of it, so keys of different tables differ.  For
// duplicate-key checks (BatchGetItem, BatchWriteItem, Transact*Items).
std::string stored_key(const TableDef& table, const PrimaryKey& key);

// A table definition as bytes (the catalog's own encoding, catalog.cc) and
// back, for records that keep a copy of one (backups).  decode returns false
// on malformed input.
std::string encode_definition(const TableDef& def);
bool decode_definition(std::string_view bytes, TableDef& out);

class Engine {
 public:
  // Opens (creating if needed) the store.  Throws StorageError with a clear
  // message when the directory cannot be used.
  static std::unique_ptr<Engine> open(const EngineOptions& options);
  ~Engine();

  std::shared_ptr<const TableDef> find_table(std::string_view ns, std::string_view name) const;
  // Table names of a namespace, sorted (bytewise).
  std::vector<std::string> list_tables(std::string_view ns) const;
  // Every table of every namespace (for background services).
  std::vector<std::shared_ptr<const TableDef>> all_tables() const;

  ReadTxn begin_read() const;

  // Queues `op` to be applied with `result` (see write_op.hh), then calls
  // `done` once.  `op` and `result` must live until `done` has run.
  //
  // The op runs on the leader's thread inside the transaction its batch
  // shares and sees the writes of the ops before it.  It must not block or
  // suspend.  A status other than ok (or an exception, which counts as
  // io_error) discards its writes, in one of two ways:
  //   - none of its WriteTxn calls changed the transaction (its condition
  //     failed, its table is gone, its first put was refused for space, ...):
  //     the transaction is as it was, and the next op follows in it;
  //   - it changed the transaction (a WriteTxn write call counts once past
  //     its own checks, even if it then fails with map_full or
  //     collection_full): one op's writes cannot be undone alone, so the
  //     leader aborts the transaction, applies the earlier ops of that
  //     transaction AGAIN in a new one and commits them, keeps the failed
  //     op's status without running it again, and runs the later ops in the
  //     next transaction.
  // So an op may be applied more than once, each time with its result
  // reset; only the last run is committed and reported.
  void submit(const WriteOp& op, WriteResult& result, WriteDone done);

  // Registers an observer of committed changes (write_op.hh).  Call before
  // the first submit; the engine does not own it, and it must outlive the
  // engine's last write.
  void add_observer(ChangeObserver* observer);

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddbd::storage
