#include "storage/index.hh"

#include <algorithm>

#include "storage/limits.hh"

namespace ddbd::storage {

namespace {

// A key value an index can hold: not an empty string or binary, and at most
// 2048 bytes for a partition key, 1024 for a sort key.  Writes refuse items
// that break this; a backfill meets such items already stored and leaves
// them out of the index.
bool key_value_fits(const AttributeValue& v, std::size_t max_bytes) {
  if (v.type != AttrType::S && v.type != AttrType::B) return true;
  return !v.str.empty() && v.str.size() <= max_bytes;
}

}  // namespace

bool index_key_of(const IndexDef& index, const Item& item, PrimaryKey& out) {
  return extract_key(index.key, item, out) && key_value_fits(out.hash, limits::kMaxHashKeyBytes) &&
         (!out.range || key_value_fits(*out.range, limits::kMaxRangeKeyBytes));
}

Item project_for_index(const TableDef& table, const IndexDef& index, const Item& item) {
  if (index.projection == ProjectionType::ALL) return item;
  auto wanted = [&](const std::string& name) {
    if (name == table.key.hash.name || (table.key.range && name == table.key.range->name)) return true;
    if (name == index.key.hash.name || (index.key.range && name == index.key.range->name)) return true;
    if (index.projection == ProjectionType::INCLUDE)
      return std::find(index.non_key_attributes.begin(), index.non_key_attributes.end(), name) !=
             index.non_key_attributes.end();
    return false;
  };
  Item out;
  for (const auto& [name, value] : item)
    if (wanted(name)) out.emplace_back(name, value);  // stays sorted
  return out;
}

}  // namespace ddbd::storage
