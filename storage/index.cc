#include "storage/index.hh"

#include <algorithm>

#include "storage/key_codec.hh"
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

// The tuple of `n` key attributes (key_codec.hh), or false when one is
// missing, has another type or does not fit (key_value_fits).
template <class At>
bool tuple_of(std::size_t n, At at, std::size_t max_bytes, const Item& item, AttributeValue& out) {
  out.type = AttrType::B;
  out.str.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const KeyAttr& k = at(i);
    const AttributeValue* v = map_find(item, k.name);
    if (!v || v->type != k.type || !key_value_fits(*v, max_bytes)) return false;
    append_tuple_component(*v, out.str);
  }
  return true;
}

}  // namespace

bool index_key_of(const IndexDef& index, const Item& item, PrimaryKey& out) {
  const KeySchema& k = index.key;
  if (!k.multi())
    return extract_key(k, item, out) && key_value_fits(out.hash, limits::kMaxHashKeyBytes) &&
           (!out.range || key_value_fits(*out.range, limits::kMaxRangeKeyBytes));
  if (!tuple_of(k.hash_count(), [&](std::size_t i) -> const KeyAttr& { return k.hash_at(i); }, limits::kMaxHashKeyBytes, item,
                out.hash))
    return false;
  if (!k.range) {
    out.range.reset();
    return true;
  }
  if (!out.range) out.range.emplace();
  return tuple_of(k.range_count(), [&](std::size_t i) -> const KeyAttr& { return k.range_at(i); },
                  limits::kMaxRangeKeyBytes, item, *out.range);
}

AttributeValue key_tuple(const std::vector<const AttributeValue*>& values) {
  AttributeValue t;
  t.type = AttrType::B;
  for (const AttributeValue* v : values) append_tuple_component(*v, t.str);
  return t;
}

Item project_for_index(const TableDef& table, const IndexDef& index, const Item& item) {
  if (index.projection == ProjectionType::ALL) return item;
  auto wanted = [&](const std::string& name) {
    if (name == table.key.hash.name || (table.key.range && name == table.key.range->name)) return true;
    if (name == index.key.hash.name || (index.key.range && name == index.key.range->name)) return true;
    if (index.key.multi() && index.key.contains(name)) return true;
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
