#include "storage/types.hh"

namespace ddbd::storage {

std::string_view status_name(Status s) {
  switch (s) {
    case Status::ok: return "ok";
    case Status::not_found: return "not_found";
    case Status::already_exists: return "already_exists";
    case Status::aborted: return "aborted";
    case Status::map_full: return "map_full";
    case Status::no_space: return "no_space";
    case Status::collection_full: return "collection_full";
    case Status::io_error: return "io_error";
  }
  return "?";
}

bool extract_key(const KeySchema& schema, const Item& item, PrimaryKey& out) {
  const AttributeValue* h = map_find(item, schema.hash.name);
  if (!h || h->type != schema.hash.type) return false;
  out.hash = *h;
  if (schema.range) {
    const AttributeValue* r = map_find(item, schema.range->name);
    if (!r || r->type != schema.range->type) return false;
    out.range = *r;
  } else {
    out.range.reset();
  }
  return true;
}

}  // namespace ddbd::storage
