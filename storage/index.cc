#include "storage/index.hh"

#include <algorithm>

namespace ddbd::storage {

bool index_key_of(const IndexDef& index, const Item& item, PrimaryKey& out) {
  return extract_key(index.key, item, out);
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
