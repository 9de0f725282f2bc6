// Consumed capacity: the one place where an operation's read and write
// units are computed, for the table and for each index (the response's
// ConsumedCapacity and the server's meter both use the result).
//
// DynamoDB's rules, as the Developer Guide states them ("Capacity unit
// consumption for read/write operations", the GSI and LSI "provisioned
// throughput considerations") and as DynamoDB answers:
//   reads   4 KB units, rounded up per item (GetItem, BatchGetItem,
//           TransactGetItems, a PartiQL get), or over the bytes a Query or
//           Scan page read before its filter and projection, rounded up
//           once per page; at least one unit (a missing item too); half
//           for eventually consistent reads; double in a transaction.
//   writes  1 KB units of the larger of the item before and after the
//           write (a delete: the deleted item), at least one; a write
//           whose condition fails still costs that; double in a
//           transaction.
//   indexes an index write costs per entry written or deleted, in 1 KB
//           units of the projected entry (keys included): a new entry one
//           put, a removed entry one delete, a changed index key a delete
//           plus a put, a changed projection one write of the larger
//           entry, and an entry that stays the same nothing (nor does an
//           item the index does not hold).  A Query or Scan of an index
//           charges the index; reading attributes a local index does not
//           project fetches the items from the table, charged to the table
//           per item.
// Item sizes are storage's item_size() (attribute names plus values).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <vector>

#include "api/shapes.hh"
#include "storage/schema.hh"

namespace ddbd::api {

// A transaction's reads and writes cost twice the plain ones.
inline constexpr double kTransactionFactor = 2;

// Units of a read of `bytes` (4 KB units, at least one; half when
// eventually consistent) and of a write of `bytes` (1 KB units, at least
// one).
double read_units(std::size_t bytes, bool consistent);
double write_units(std::size_t bytes);

// Adds `units` to the entry of `index` in `c` (its GSI or LSI list),
// creating it.
void add_index_units(ConsumedCapacity& c, const storage::IndexDef& index, CapacityUnits units);

// The write units one item write costs on each index of `table`, given the
// item before (`old_item`, null if none) and after (`new_item`, null when
// deleted or not written), times `factor`, added to `c`'s index entries;
// an index the write leaves unchanged gets no entry.  Indexes being deleted
// are skipped, as storage no longer maintains them.
void add_index_writes(ConsumedCapacity& c, const storage::TableDef& table, const Item* old_item, const Item* new_item,
                      double factor = 1);

// The capacity of one Query or Scan page on `table_name`: `entry_bytes`
// read from the table, or from `index` when given; `fetch_units` are the
// read units of items fetched from the table for a local index's
// unprojected attributes.
ConsumedCapacity page_capacity(std::string table_name, const storage::IndexDef* index, std::size_t entry_bytes,
                               double fetch_units, bool consistent);

// Adds `c` (table and index units) to its table's entry in `per_table`,
// appending one in first-use order.
void merge_capacity(std::vector<ConsumedCapacity>& per_table, const ConsumedCapacity& c);
// Adds `from`'s table and index units to `into`.
void add_units(ConsumedCapacity& into, const ConsumedCapacity& from);

}  // namespace ddbd::api
