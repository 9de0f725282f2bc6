// Storage's basic types: primary keys and the outcomes of storage calls.
//
// The low-level storage headers (key_codec.hh, index.hh, lmdb_env.hh, ...)
// include this header rather than the engine's façade; api/ gets it through
// engine.hh.
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <optional>
#include <stdexcept>
#include <string_view>

#include "storage/attribute_value.hh"
#include "storage/schema.hh"

namespace ddbd::storage {

// Outcomes of storage calls.  Expected outcomes are values; "should never
// happen" conditions (corruption, a failing disk at open) are StorageError
// exceptions.
enum class Status {
  ok,
  not_found,        // table (or item, where documented) does not exist
  already_exists,   // create_table: the name is taken in that namespace
  aborted,          // a WriteOp chose to roll back its writes
  map_full,         // the store is at its cap (--map-size); deletes still work
  no_space,         // the disk holding the store is full; deletes still work
  collection_full,  // put: the item collection (tables with an LSI) is over its size limit
  io_error,         // the commit failed
};
// The enumerator's name ("ok", "not_found", ...), for logs.
std::string_view status_name(Status s);

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A primary key: the hash key value and, for composite keys, the range value.
struct PrimaryKey {
  AttributeValue hash;
  std::optional<AttributeValue> range;
};

// Extracts the key attributes named by `schema` from `item`.  Returns false
// when one is missing or has the wrong type.
bool extract_key(const KeySchema& schema, const Item& item, PrimaryKey& out);

}  // namespace ddbd::storage
