// Secondary-index entries derived from items.
//
// An item is in an index when it has every key attribute of the index with
// the declared type (indexes are sparse).  The entry holds the projected
// item: the table's key attributes, the index's key attributes, and
// INCLUDE's non-key attributes (or everything for ALL).
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Projections
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "storage/schema.hh"
#include "storage/types.hh"

namespace ddbd::storage {

// The index key of `item`, or false when the item is not in the index: a
// key attribute is missing or not of the declared type, or its value is one
// an index key cannot have (empty, over 2048 bytes for a partition key
// attribute or 1024 for a sort key attribute; writes refuse those, but a GSI
// backfill finds them).  For a multi-attribute key it is the pair of tuples
// key_codec.hh describes.
bool index_key_of(const IndexDef& index, const Item& item, PrimaryKey& out);

// The tuple of `values` (in KeySchema order) as a multi-attribute index key
// component: what index_key_of puts in PrimaryKey::hash, for a Query's
// partition.
AttributeValue key_tuple(const std::vector<const AttributeValue*>& values);

// The attributes of `item` that `index` projects.
Item project_for_index(const TableDef& table, const IndexDef& index, const Item& item);

}  // namespace ddbd::storage
