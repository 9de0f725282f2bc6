// Catalog codec: TableDef <-> bytes, stored in the `catalog` database under
// the key  ns '\0' name.
//
// The encoding is a sequence of fields  varint(tag) varint(len) payload.
// Unknown tags are skipped when decoding, so a field can be added by giving
// it a new tag.  Tags are on disk: never reuse or renumber one (see the
// enum in catalog.cc).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "storage/schema.hh"

namespace ddbd::storage {

void encode_table_def(const TableDef& def, std::string& out);
// Returns false on malformed input.
bool decode_table_def(std::string_view bytes, TableDef& out);
// The catalog key of a table.
std::string catalog_key(std::string_view ns, std::string_view name);

}  // namespace ddbd::storage
