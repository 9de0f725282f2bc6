#include "api/capacity.hh"

#include <algorithm>
#include <cmath>

#include "storage/index.hh"
#include "storage/limits.hh"

namespace ddbd::api {

namespace {

// Two index entries hold the same attributes with the same values (the
// attribute order of an Item is not significant).
bool same_entry(const Item& a, const Item& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [name, v] : a) {
    const AttributeValue* w = map_find(b, name);
    if (!w || !(v == *w)) return false;
  }
  return true;
}

bool same_key(const storage::PrimaryKey& a, const storage::PrimaryKey& b) {
  if (!(a.hash == b.hash) || a.range.has_value() != b.range.has_value()) return false;
  return !a.range || *a.range == *b.range;
}

IndexCapacity& index_entry(std::vector<IndexCapacity>& list, const std::string& name) {
  for (auto& i : list)
    if (i.index_name == name) return i;
  return list.emplace_back(IndexCapacity{.index_name = name, .units = {}});
}

void merge_indexes(std::vector<IndexCapacity>& into, const std::vector<IndexCapacity>& from) {
  for (const auto& i : from) index_entry(into, i.index_name).units += i.units;
}

}  // namespace

double read_units(std::size_t bytes, bool consistent) {
  const double u = std::max<double>(1, std::ceil(static_cast<double>(bytes) / limits::kReadUnitBytes));
  return consistent ? u : u / 2;
}

double write_units(std::size_t bytes) {
  return std::max<double>(1, std::ceil(static_cast<double>(bytes) / limits::kWriteUnitBytes));
}

void add_index_units(ConsumedCapacity& c, const storage::IndexDef& index, CapacityUnits units) {
  index_entry(index.global ? c.global_indexes : c.local_indexes, index.name).units += units;
}

void add_index_writes(ConsumedCapacity& c, const storage::TableDef& table, const Item* old_item, const Item* new_item,
                      double factor) {
  for (const storage::IndexDef& ix : table.indexes) {
    if (ix.status == "DELETING") continue;
    storage::PrimaryKey old_key, new_key;
    const bool in_old = old_item && storage::index_key_of(ix, *old_item, old_key);
    const bool in_new = new_item && storage::index_key_of(ix, *new_item, new_key);
    if (!in_old && !in_new) continue;
    double units = 0;
    if (in_old && in_new) {
      const Item before = storage::project_for_index(table, ix, *old_item);
      const Item after = storage::project_for_index(table, ix, *new_item);
      if (!same_key(old_key, new_key))
        units = write_units(item_size(before)) + write_units(item_size(after));  // delete + put
      else if (!same_entry(before, after))
        units = write_units(std::max(item_size(before), item_size(after)));
      else
        continue;
    } else {
      units = write_units(item_size(storage::project_for_index(table, ix, in_old ? *old_item : *new_item)));
    }
    add_index_units(c, ix, CapacityUnits::writing(units * factor));
  }
}

ConsumedCapacity page_capacity(std::string table_name, const storage::IndexDef* index, std::size_t entry_bytes,
                               double fetch_units, bool consistent) {
  ConsumedCapacity c{.table_name = std::move(table_name)};
  if (!index) {
    c.table = CapacityUnits::reading(read_units(entry_bytes, consistent));
    return c;
  }
  c.table = CapacityUnits::reading(fetch_units);
  add_index_units(c, *index, CapacityUnits::reading(read_units(entry_bytes, consistent)));
  return c;
}

void add_units(ConsumedCapacity& into, const ConsumedCapacity& from) {
  into.table += from.table;
  merge_indexes(into.global_indexes, from.global_indexes);
  merge_indexes(into.local_indexes, from.local_indexes);
}

void merge_capacity(std::vector<ConsumedCapacity>& per_table, const ConsumedCapacity& c) {
  for (auto& e : per_table)
    if (e.table_name == c.table_name) {
      add_units(e, c);
      return;
    }
  per_table.push_back(c);
}

}  // namespace ddbd::api
