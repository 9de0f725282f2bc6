// Builders of AttributeValues for the unit tests (and the fuzz targets): the
// container types have no factory on AttributeValue itself.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "storage/attribute_value.hh"

namespace ddbd::test {

// A set of type `t` (SS, NS or BS) with `members` in the given order.
inline AttributeValue set_of(AttrType t, std::vector<std::string> members) {
  AttributeValue v;
  v.type = t;
  v.set = std::move(members);
  return v;
}

// An L value of `elements`.
inline AttributeValue list_of(std::vector<AttributeValue> elements) {
  AttributeValue v;
  v.type = AttrType::L;
  v.list = std::move(elements);
  return v;
}

// An M value of `entries` in the given order, NOT normalised, so that tests
// can build the same map in two orders; wrap the entries in item_of() for the
// sorted form the store keeps.
inline AttributeValue map_of(AttrMap entries) {
  AttributeValue v;
  v.type = AttrType::M;
  v.map = std::move(entries);
  return v;
}

// `entries` normalised (sorted by name, as map_normalize), as an item.
inline Item item_of(AttrMap entries) {
  map_normalize(entries);
  return entries;
}

}  // namespace ddbd::test
