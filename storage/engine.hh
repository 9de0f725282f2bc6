// Engine: the storage layer's one public interface (LMDB behind a pimpl).
//
// api/ includes this header and schema.hh / attribute_value.hh only; it never
// sees LMDB.  Three kinds of access:
//   - catalog lookups (find_table, list_tables): served from an in-memory
//     snapshot, updated after each commit that changes the catalog;
//   - reads (begin_read): an LMDB read-only snapshot, cheap to open;
//   - writes (submit): a function run against a WriteTxn.  Writes are
//     serialised: one writer at a time.  Concurrent submissions are combined
//     into one LMDB commit (group commit): the first submitter becomes the
//     leader, runs every queued function, each in its own nested
//     transaction, commits once and then calls every completion.  No thread
//     is created for this; the leader is whichever caller arrived first.
//
// Durability: by default a commit is written to the file (the OS page cache)
// before completions run, so an acknowledged write survives `kill -9` of the
// process; with EngineOptions::sync the commit is also fsync'ed (survives an
// OS crash).
//
// Thread-safety: Engine is safe to use from any number of threads.  A
// ReadTxn belongs to the thread that opened it and must not live across a
// coroutine suspension point.  A WriteTxn exists only inside a WriteFn.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/attribute_value.hh"
#include "storage/schema.hh"
#include "storage/limits.hh"

namespace ddbd::storage {

// Outcomes of storage calls.  Expected outcomes are values; "should never
// happen" conditions (corruption, a failing disk at open) are StorageError
// exceptions.
enum class Status {
  ok,
  not_found,        // table (or item, where documented) does not exist
  already_exists,   // create_table: the name is taken in that namespace
  aborted,          // a WriteFn chose to roll back its writes
  map_full,         // the store is at its cap (--map-size); deletes still work
  no_space,         // the disk holding the store is full; deletes still work
  collection_full,  // put: the item collection (tables with an LSI) is over its size limit
  io_error,         // the commit failed
};
std::string_view status_name(Status s);

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

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
};

// A primary key: the hash key value and, for composite keys, the range value.
struct PrimaryKey {
  AttributeValue hash;
  std::optional<AttributeValue> range;
};

// Extracts the key attributes named by `schema` from `item`.  Returns false
// when one is missing or has the wrong type.
bool extract_key(const KeySchema& schema, const Item& item, PrimaryKey& out);

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

class ReadTxn {
 public:
  ReadTxn(ReadTxn&&) noexcept;
  ReadTxn& operator=(ReadTxn&&) = delete;
  ~ReadTxn();
  // Looks up one item.  Returns false (and leaves `out` untouched) when the
  // item does not exist.
  bool get(const TableDef& table, const PrimaryKey& key, Item* out) const;
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

  struct Impl;
  explicit ReadTxn(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

class WriteTxn {
 public:
  // Reads see this transaction's own earlier writes.
  bool get(const TableDef& table, const PrimaryKey& key, Item* out);
  // Inserts or replaces the item whose key `item` carries (the caller has
  // validated it against the schema).
  Status put(const TableDef& table, const Item& item);
  // Removes the item; returns not_found if it did not exist (not an error).
  Status erase(const TableDef& table, const PrimaryKey& key);
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

  struct Impl;
  explicit WriteTxn(Impl* impl) : impl_(impl) {}

 private:
  Impl* impl_;
};

// A write: runs exactly once, on the leader's thread, inside its own nested
// transaction.  Return Status::ok to keep its writes; any other status rolls
// back everything it wrote.  It must not block or suspend.  Results go out
// through whatever the function captured.
using WriteFn = std::function<Status(WriteTxn&)>;
// Called once after the commit (or its failure) with the WriteFn's status,
// or map_full / io_error if the commit itself failed.  May run on any thread.
using WriteDone = std::function<void(Status)>;

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
  void submit(WriteFn fn, WriteDone done);

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ddbd::storage
