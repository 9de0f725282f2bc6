// Stats records: the `stats` database, which keeps DescribeTable's
// ItemCount / TableSizeBytes, each index's ItemCount / IndexSizeBytes and the
// size of each item collection (tables with an LSI) exact across restarts.
//
//   record       key                                              value
//   table        table_id (8 B BE)                                count (8 B BE), bytes (8 B BE)
//   index        table_id, index_id (4 B BE)                      count, bytes
//   collection   table_id, 0xFFFFFFFF, partition prefix of the    count, bytes
//                hash key (key_codec.hh)
//
// A collection key is the index-stats layout with an index id no index has,
// then the partition prefix, so it is longer than any table or index key.
// Every key starts with the table's 8-byte prefix, so DeleteTable removes a
// table's records with its items.
//
// Writes do not touch the records: each WriteTxn op collects deltas per
// record key; the write queue adds up the deltas of the ops it keeps and
// folds them into the records in the same commit (fold_stats).
//
// Internal to storage/.  Thread-safety: pure functions, plus reads and writes
// in the LMDB transaction passed in.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "storage/engine.hh"
#include "storage/lmdb_env.hh"

namespace ddbd::storage {

// A change to one record.  Either may be negative.
struct StatsDelta {
  int64_t count = 0;
  int64_t bytes = 0;
};
using StatsDeltas = std::map<std::string, StatsDelta>;  // by record key

// The record of the table is keyed by key_codec.hh's table_prefix().
std::string index_stats_key(uint64_t table_id, uint32_t index_id);
std::string collection_stats_key(uint64_t table_id, const AttributeValue& hash);

// Whether the table has a local secondary index (and so collection records).
bool has_lsi(const TableDef& def);

// The record under `key` as committed in `txn`; zeros when there is none.
TableStats read_stats(MDB_txn* txn, MDB_dbi stats, const std::string& key);

// Adds every delta of `from` into `into`.
void add_stats(StatsDeltas& into, const StatsDeltas& from);

// Applies `deltas` to the records in `txn`.  Counts and sizes never go below
// zero; an emptied item collection's record is deleted.  Throws StorageError
// when LMDB refuses a write.
void fold_stats(MDB_txn* txn, MDB_dbi stats, const StatsDeltas& deltas);

}  // namespace ddbd::storage
