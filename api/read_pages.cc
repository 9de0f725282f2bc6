#include "api/read_pages.hh"

#include <algorithm>
#include <optional>

#include "api/capacity.hh"
#include "api/errors.hh"
#include "api/legacy_params.hh"
#include "api/shapes.hh"
#include "expressions/error.hh"
#include "expressions/eval.hh"
#include "expressions/parser.hh"
#include "storage/encoded_item.hh"
#include "storage/index.hh"
#include "storage/key_codec.hh"

namespace ddbd::api {

namespace {

std::string_view select_name(Select s) {
  switch (s) {
    case Select::all_attributes: return "ALL_ATTRIBUTES";
    case Select::all_projected_attributes: return "ALL_PROJECTED_ATTRIBUTES";
    case Select::specific_attributes: return "SPECIFIC_ATTRIBUTES";
    case Select::count: return "COUNT";
  }
  return "ALL_ATTRIBUTES";
}

// Legacy KeyConditions: each condition's AttributeValueList, then at least
// one condition and at most one per key attribute a multi-attribute index
// can have; more than two on any other key is refused with the key schema
// (api/ops/query.cc), as the rest (extract_legacy_key_range).
std::vector<expr::LegacyCondition> decode_key_conditions(json::object key_conditions) {
  auto conds = decode_legacy_conditions(key_conditions);
  for (const auto& c : conds) {
    if (!c.op) throw ApiError::validation("One or more parameter values were invalid: Invalid ComparisonOperator: null");
    static const std::vector<AttributeValue> kNone;
    expr::check_comparison_arguments(*c.op, c.values ? *c.values : kNone);
  }
  if (conds.empty() || conds.size() > 2 * limits::kMaxMultiKeyAttributes)
    throw ApiError::validation(std::string(kConditionsLength));
  return conds;
}

// The legacy AttributesToGet as projection paths ("Duplicate value in
// attribute name: a").
std::vector<expr::Path> attributes_to_get_paths(json::array attributes_to_get) {
  std::vector<expr::Path> paths;
  std::vector<std::string_view> seen;
  for (auto e : attributes_to_get) {
    std::string_view name = expect_attribute_name(e);
    for (auto s : seen)
      if (s == name)
        throw ApiError::validation("One or more parameter values were invalid: Duplicate value in attribute name: " +
                                   std::string(name));
    seen.push_back(name);
    expr::Path p;
    p.elems.push_back(expr::PathElem{false, std::string(name), 0});
    paths.push_back(std::move(p));
  }
  return paths;
}

// DynamoDB words the Select checks as a one-item constraint report on Query
// ("1 validation error detected: ...") and bare on Scan.
[[noreturn]] void throw_select_error(bool query, std::string msg) {
  if (!query) throw ApiError::validation(std::move(msg));
  ValidationErrors errors;
  errors.add_line(std::move(msg));
  throw ApiError::validation(errors.message());
}

// Select against the projection and IndexName.
void check_select(const ReadExpressions& r, bool query, bool attributes_to_get, bool has_index_name) {
  if (r.projection && r.select && *r.select != Select::specific_attributes)
    throw_select_error(query, "Cannot specify the " +
                                  std::string(attributes_to_get ? "AttributesToGet" : "ProjectionExpression") +
                                  " when choosing to get " +
                                  (*r.select == Select::count ? std::string("only the Count")
                                                              : std::string(select_name(*r.select))));
  if (r.select == Select::specific_attributes && !r.projection)
    throw_select_error(query,
                       "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                       "SPECIFIC_ATTRIBUTES");
  if (r.select == Select::all_projected_attributes && !has_index_name)
    throw_select_error(query, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
}

const storage::KeySchema& key_of(const PageRequest& req) { return req.index ? req.index->key : req.table->key; }

// Every key attribute that identifies an entry: the table's, then the index's.
std::vector<const storage::KeyAttr*> entry_key_attrs(const PageRequest& req) {
  std::vector<const storage::KeyAttr*> out;
  auto add = [&](const storage::KeyAttr& k) {
    for (auto* x : out)
      if (x->name == k.name) return;
    out.push_back(&k);
  };
  add(req.table->key.hash);
  if (req.table->key.range) add(*req.table->key.range);
  if (req.index) req.index->key.for_each([&](const storage::KeyAttr& k, bool) { add(k); });
  return out;
}

}  // namespace

std::unique_ptr<ReadExpressions> decode_read_expressions(json::object body, bool query) {
  auto kc_text = query ? get_string(body, "KeyConditionExpression") : std::nullopt;
  auto filter_text = get_string(body, "FilterExpression");
  auto projection_text = get_string(body, "ProjectionExpression");
  auto key_conditions = query ? get_object(body, "KeyConditions") : std::nullopt;
  const char* filter_member = query ? "QueryFilter" : "ScanFilter";
  auto legacy_filter = get_object(body, filter_member);
  auto conditional_operator = get_string(body, "ConditionalOperator");
  auto attributes_to_get = get_array(body, "AttributesToGet");

  // KeyConditions mixes only with KeyConditionExpression: DynamoDB takes it
  // with FilterExpression and ProjectionExpression.
  std::vector<std::string_view> legacy, expressions;
  if (attributes_to_get) legacy.push_back("AttributesToGet");
  if (legacy_filter) legacy.push_back(filter_member);
  if (conditional_operator) legacy.push_back("ConditionalOperator");
  if (key_conditions && kc_text) legacy.push_back("KeyConditions");
  if (projection_text) expressions.push_back("ProjectionExpression");
  if (filter_text) expressions.push_back("FilterExpression");
  if (kc_text) expressions.push_back("KeyConditionExpression");
  check_no_mixing(legacy, expressions);
  expr::check_conditional_operator(conditional_operator.has_value(), legacy_filter ? legacy_filter->size() : 0);
  if (query && !kc_text && !key_conditions)
    throw ApiError::validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");

  auto r = std::make_unique<ReadExpressions>();
  if (auto s = get_string(body, "Select")) {
    if (*s == "ALL_ATTRIBUTES") r->select = Select::all_attributes;
    else if (*s == "ALL_PROJECTED_ATTRIBUTES") r->select = Select::all_projected_attributes;
    else if (*s == "SPECIFIC_ATTRIBUTES") r->select = Select::specific_attributes;
    else if (*s == "COUNT") r->select = Select::count;
  }
  r->inputs = decode_expression_inputs(body, !expressions.empty(), kc_text || filter_text);
  expr::Params& params = r->inputs->params;
  if (kc_text) r->key_condition = expr::parse_condition(*kc_text, expr::ExprKind::KeyCondition, params);
  if (filter_text) r->filter = expr::parse_condition(*filter_text, expr::ExprKind::Filter, params);
  if (projection_text) r->projection = expr::parse_projection(*projection_text, params).paths;
  if (!expressions.empty()) expr::check_all_used(params);

  if (key_conditions) {
    r->legacy_key_conditions = decode_key_conditions(*key_conditions);
    r->key_condition_legacy = true;
    // The same conditions as a tree, for a multi-attribute GSI key
    // (expr::extract_multi_key_range reads trees).
    r->key_condition = expr::legacy_condition(r->legacy_key_conditions, "AND", false, r->legacy);
  }
  if (legacy_filter) {
    auto conds = decode_legacy_conditions(*legacy_filter);
    if (!conds.empty())
      r->filter = expr::legacy_condition(conds, conditional_operator.value_or("AND"), false, r->legacy);
    r->filter_legacy = true;
  }
  if (attributes_to_get) r->projection = attributes_to_get_paths(*attributes_to_get);
  check_select(*r, query, attributes_to_get.has_value(), get_string(body, "IndexName").has_value());
  return r;
}

void resolve_index_and_select(const storage::TableDef& table, std::optional<std::string_view> index_name,
                              const ReadExpressions& exprs, bool consistent, double now, PageRequest& req) {
  req.table = &table;
  req.exprs = &exprs;
  req.consistent = consistent;
  req.index = nullptr;
  if (index_name) {
    for (const auto& ix : table.indexes)
      if (ix.name == *index_name) req.index = &ix;
    if (!req.index)
      throw ApiError::validation("The table does not have the specified index: " + std::string(*index_name));
    if (req.index->global && consistent)
      throw ApiError::validation("Consistent reads are not supported on global secondary indexes");
    if (req.index->global && effective_index_status(table, *req.index, now) == "CREATING")
      throw ApiError::validation("Cannot read from backfilling global secondary index");
  }
  req.spec.index = req.index;
  if (exprs.select)
    req.select = *exprs.select;
  else if (exprs.projection)
    req.select = Select::specific_attributes;
  else
    req.select = req.index ? Select::all_projected_attributes : Select::all_attributes;
  if (req.select == Select::all_attributes && req.index && req.index->global &&
      req.index->projection != storage::ProjectionType::ALL)
    throw ApiError::validation("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
                               "global secondary index " + req.index->name + " because its projection type is not ALL");
}

namespace {

void collect_path_heads(const expr::Operand& o, std::vector<std::string_view>& out) {
  if (o.kind == expr::OperandKind::Path && !o.path.elems.empty() && !o.path.elems[0].is_index)
    out.push_back(o.path.elems[0].name);
  for (const auto& a : o.args) collect_path_heads(a, out);
}

void collect_path_heads(const expr::Condition& c, std::vector<std::string_view>& out) {
  for (const auto& o : c.operands) collect_path_heads(o, out);
  for (const auto& ch : c.children) collect_path_heads(ch, out);
}

}  // namespace

void check_filter_not_on_keys(const ReadExpressions& exprs, const storage::KeySchema& key) {
  if (!exprs.filter) return;
  std::vector<std::string_view> heads;
  collect_path_heads(*exprs.filter, heads);
  auto check = [&](const std::string& name) {
    for (auto h : heads)
      if (h == name)
        throw ApiError::validation(std::string(exprs.filter_legacy ? "QueryFilter" : "Filter Expression") +
                                   " can only contain non-primary key attributes: Primary key attribute: " + name);
  };
  key.for_each([&](const storage::KeyAttr& k, bool) { check(k.name); });
}

ReadPageParams decode_read_page_params(json::object body, bool query) {
  ReadPageParams p;
  p.consistent_read = get_bool(body, "ConsistentRead").value_or(false);
  p.return_consumed_capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  p.exprs = decode_read_expressions(body, query);
  p.table_name = std::string(*get_string(body, "TableName"));
  if (auto index_name = get_string(body, "IndexName")) p.index_name = std::string(*index_name);
  p.limit = get_int(body, "Limit");
  if (auto esk = get_object(body, "ExclusiveStartKey"))
    p.exclusive_start_key_error.capture([&] { p.exclusive_start_key = decode_attribute_map(*esk); });
  return p;
}

PreparedPage prepare_page(RequestContext& ctx, const ReadPageParams& params) {
  PreparedPage page;
  // A GSI's own read bucket admits a read of it (api/meter.hh).
  if (params.index_name) ctx.metering.index = *params.index_name;
  page.table = require_table(ctx, params.table_name, true);
  ctx.metering.index = {};
  resolve_index_and_select(*page.table, params.index_name, *params.exprs, params.consistent_read, ctx.now(), page.req);
  page.req.limit = params.limit;
  return page;
}

namespace {

// The start key's value `s` lies outside the page's sort-key bounds.
bool outside_sort_bounds(const AttributeValue* s, const PageRequest& req) {
  if (!s) return false;
  int c = 0;
  if (req.spec.lower && expr::compare_scalars(*s, *req.spec.lower, c) && c < 0) return true;
  if (req.spec.upper && expr::compare_scalars(*s, *req.spec.upper, c) && c > 0) return true;
  if (req.spec.prefix && (s->type == AttrType::S || s->type == AttrType::B) &&
      !std::string_view(s->str).starts_with(*req.spec.prefix))
    return true;
  return false;
}

// check_start_key_in_query for a multi-attribute index: the RANGE
// equalities and the condition on the next RANGE attribute, then the
// partition tuple.
void check_start_key_in_multi_query(const AttrMap& key, const PageRequest& req) {
  const storage::KeySchema& ks = key_of(req);
  const std::size_t n = req.spec.sort_equal.size();
  for (std::size_t i = 0; i < n && i < ks.range_count(); ++i) {
    const AttributeValue* s = map_find(key, ks.range_at(i).name);
    if (!s || !(*s == req.spec.sort_equal[i]))
      throw ApiError::validation("The provided starting key does not match the range key predicate");
  }
  if (n < ks.range_count() && outside_sort_bounds(map_find(key, ks.range_at(n).name), req))
    throw ApiError::validation("The provided starting key does not match the range key predicate");
  std::vector<const AttributeValue*> hash;
  for (std::size_t i = 0; i < ks.hash_count(); ++i) hash.push_back(map_find(key, ks.hash_at(i).name));
  for (const AttributeValue* h : hash)
    if (!h) throw ApiError::validation("The provided starting key is outside query boundaries based on provided conditions");
  if (!(storage::key_tuple(hash) == *req.spec.hash))
    throw ApiError::validation("The provided starting key is outside query boundaries based on provided conditions");
}

// Query: the start key must lie inside the key condition (sort-key
// predicate first, as DynamoDB reports it, then the partition).
void check_start_key_in_query(const AttrMap& key, const PageRequest& req) {
  const storage::KeySchema& ks = key_of(req);
  if (ks.multi()) {
    check_start_key_in_multi_query(key, req);
    return;
  }
  if (ks.range) {
    const AttributeValue* s = map_find(key, ks.range->name);
    if (outside_sort_bounds(s, req)) throw ApiError::validation("The provided starting key does not match the range key predicate");
  }
  const AttributeValue* h = map_find(key, ks.hash.name);
  if (!h || !(*h == *req.spec.hash))
    throw ApiError::validation("The provided starting key is outside query boundaries based on provided conditions");
}

}  // namespace

void apply_exclusive_start_key(const ReadPageParams& params, PageRequest& req) {
  params.exclusive_start_key_error.rethrow_if_any();
  if (!params.exclusive_start_key) return;
  const AttrMap& key = *params.exclusive_start_key;
  // DynamoDB's wording: a Query, or a read of an index, says only "The
  // provided starting key is invalid" when the key does not have the
  // attributes of the schema read; a Scan of the table, and the table's key
  // inside an index's start key, add "The provided key element does not
  // match the schema".
  const std::string kInvalid = "The provided starting key is invalid";
  const std::string kMismatch = kInvalid + ": The provided key element does not match the schema";
  const bool query = req.spec.hash.has_value();
  const std::string& schema_error = !query && !req.index ? kMismatch : kInvalid;
  const storage::KeySchema& read_key = key_of(req);
  auto matches = [&](const storage::KeyAttr& k) {
    const AttributeValue* v = map_find(key, k.name);
    return v && v->type == k.type;
  };
  if (key.size() != entry_key_attrs(req).size()) throw ApiError::validation(schema_error);
  if (!matches(read_key.hash) || (read_key.range && !matches(*read_key.range))) throw ApiError::validation(schema_error);
  storage::PrimaryKey base;
  if (!storage::extract_key(req.table->key, key, base)) throw ApiError::validation(kMismatch);
  // The table's key values within their byte limits, as in any key.
  if (auto e = key_size_violation(base.hash, true)) throw ApiError::validation(kInvalid + ": " + *e);
  if (base.range)
    if (auto e = key_size_violation(*base.range, false)) throw ApiError::validation(kInvalid + ": " + *e);
  if (req.index) {
    storage::PrimaryKey ik;
    if (!storage::index_key_of(*req.index, key, ik)) throw ApiError::validation(schema_error);
    req.spec.start_after = std::move(ik);
    req.spec.start_after_base = std::move(base);
  } else {
    req.spec.start_after = std::move(base);
  }
  if (query) {
    check_start_key_in_query(key, req);
    return;
  }
  // A parallel scan continues only inside its segment.
  const uint32_t total = req.spec.total_segments;
  if (total > 1) {
    const uint64_t h = storage::partition_hash(req.spec.start_after->hash);
    const uint64_t lo = *storage::segment_start(req.spec.segment, total);
    const auto hi = storage::segment_start(req.spec.segment + 1, total);
    if (h < lo || (hi && h >= *hi))
      throw ApiError::validation(kInvalid + ": Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct "
                                 "Segment. TotalSegments: " + std::to_string(total) +
                                 " Segment: " + std::to_string(req.spec.segment));
  }
}

namespace {

// The key of the entry last read, as LastEvaluatedKey: the table's key
// attributes, then the index's.
Item last_evaluated_key(const PageRequest& req, const Item& entry) {
  Item key;
  for (const auto* k : entry_key_attrs(req))
    if (const AttributeValue* v = map_find(entry, k->name)) key.emplace_back(k->name, *v);
  return key;
}

// The same from the entry's encoding, without decoding the rest of it (a
// page that keeps its items encoded decodes no item for its
// LastEvaluatedKey): key attributes are top-level scalars.
class KeyCollector final : public storage::ItemVisitor {
 public:
  explicit KeyCollector(const std::vector<const storage::KeyAttr*>& attrs) : attrs_(attrs), found_(attrs.size()) {}

  void begin_map(std::size_t) override { ++depth_; }
  void member_name(std::string_view name) override {
    if (depth_ == 1) name_ = name;
  }
  void end_map() override { --depth_; }
  void begin_list(std::size_t) override { ++depth_; }
  void end_list() override { --depth_; }
  void scalar(AttrType type, std::string_view bytes) override {
    if (depth_ != 1) return;
    for (std::size_t i = 0; i < attrs_.size(); ++i) {
      if (attrs_[i]->name != name_) continue;
      AttributeValue& v = found_[i].emplace();
      v.type = type;
      v.str.assign(bytes);
    }
  }
  void boolean(bool) override {}
  void null() override {}
  void begin_set(AttrType, std::size_t) override { ++depth_; }
  void set_member(std::string_view) override {}
  void end_set() override { --depth_; }

  // The key, as last_evaluated_key() builds it.
  Item key() && {
    Item key;
    for (std::size_t i = 0; i < attrs_.size(); ++i)
      if (found_[i]) key.emplace_back(attrs_[i]->name, std::move(*found_[i]));
    return key;
  }

 private:
  const std::vector<const storage::KeyAttr*>& attrs_;
  std::vector<std::optional<AttributeValue>> found_;
  std::string_view name_;
  int depth_ = 0;
};

Item last_evaluated_key_encoded(const PageRequest& req, std::string_view encoded) {
  const auto attrs = entry_key_attrs(req);
  KeyCollector c(attrs);
  if (!storage::visit_item(encoded, c)) throw storage::StorageError("corrupt item");
  return std::move(c).key();
}

// Sizes the page's encoded buffer once, from its first item, for the page
// the Limit and the 1 MB page size allow.  Growing it by doubling instead
// cost a full Scan of 100,000 1 KB items 0.21-0.23 s of server CPU against
// 0.15-0.20 s with the single reservation (bench/run.sh, scan workload).
void reserve_page(const PageRequest& req, std::size_t first_item_bytes, ReadPage& page) {
  const std::size_t per_item = std::max<std::size_t>(first_item_bytes, 1);
  std::size_t items = req.max_bytes / per_item + 1;
  if (req.limit && static_cast<std::size_t>(*req.limit) < items) items = static_cast<std::size_t>(*req.limit);
  page.encoded.reserve(std::min(items * per_item, req.max_bytes + per_item));
  page.encoded_ends.reserve(items);
}

// What one page read: the bytes of the table or index entries, and the
// read units of the items fetched from the table for a local index's
// unprojected attributes (each rounded up on its own, as a GetItem).
struct PageBytes {
  std::size_t entries = 0;
  double fetch_units = 0;
};

// Runs one page into `page`.
PageBytes run_page(storage::ReadTxn& txn, const PageRequest& req, ReadPage& page) {
  const expr::Condition* filter = req.exprs && req.exprs->filter ? &*req.exprs->filter : nullptr;
  const std::vector<expr::Path>* projection = req.exprs && req.exprs->projection ? &*req.exprs->projection : nullptr;
  // A local index without every attribute reads the table for the rest.
  const bool fetch_base = req.index && !req.index->global && req.index->projection != storage::ProjectionType::ALL &&
                          (req.select == Select::all_attributes || req.select == Select::specific_attributes ||
                           (filter && !req.filter_on_entry));
  // Without a filter, a projection or a base-table read, items are kept in
  // their stored encoding and go straight to JSON (or are only counted): no
  // Item is built.  Profiled on a full Scan of 100,000 1 KB items, decoding
  // every item into an Item took 12% of the server's time.
  const bool decode = filter || projection || fetch_base;
  page.count_only = req.select == Select::count;

  auto cursor = txn.scan(*req.table, req.spec);
  std::string_view encoded;
  Item entry, base;
  std::size_t bytes = 0;
  double fetch_units = 0;
  while (cursor->next_encoded(encoded)) {
    ++page.scanned_count;
    bytes += cursor->last_size();
    const bool full = (req.limit && page.scanned_count >= *req.limit) || bytes >= req.max_bytes;
    // The last item of a full page gives LastEvaluatedKey: from the decoded
    // item, or read from its encoding.
    if (decode) {
      entry.clear();
      if (!storage::decode_item(encoded, entry)) throw storage::StorageError("corrupt item");
    }
    if (full)
      page.last_evaluated_key = decode ? last_evaluated_key(req, entry) : last_evaluated_key_encoded(req, encoded);
    if (!decode) {
      ++page.count;
      if (!page.count_only) {
        if (page.encoded_ends.empty()) reserve_page(req, encoded.size(), page);
        page.encoded.append(encoded);
        page.encoded_ends.push_back(page.encoded.size());
      }
    } else {
      Item* item = &entry;
      if (fetch_base) {
        storage::PrimaryKey k;
        if (storage::extract_key(req.table->key, entry, k) && txn.get(*req.table, k, &base)) {
          item = &base;
          fetch_units += read_units(item_size(base), req.consistent);
        }
      }
      if (!filter || expr::evaluate(*filter, req.filter_on_entry ? &entry : item)) {
        ++page.count;
        // ALL_PROJECTED_ATTRIBUTES answers the index entry, also when the
        // filter needed the table's item.
        if (req.select == Select::all_projected_attributes) item = &entry;
        if (!page.count_only) page.items.push_back(projection ? expr::project(*item, *projection) : std::move(*item));
      }
    }
    if (full) break;
  }
  return PageBytes{bytes, fetch_units};
}

}  // namespace

ReadPage read_page(RequestContext& ctx, const PreparedPage& prepared, const ReadPageParams& params) {
  ReadPage page;
  PageBytes read;
  {
    storage::ReadTxn txn = ctx.engine.begin_read();
    read = run_page(txn, prepared.req, page);
  }
  page.bytes_read = read.entries;
  page.consumed_capacity = page_capacity(prepared.table->name, prepared.req.index, read.entries, read.fetch_units,
                                         params.consistent_read);
  show_requested_name(page.consumed_capacity, params.table_name);
  return page;
}

std::string page_to_json(const ReadPageParams& params, const ReadPage& page) {
  // Room for the items' JSON (their encoding plus ~12 bytes per attribute)
  // from the start, instead of growing the answer by doubling.
  JsonWriter w(page.encoded.size() + page.encoded.size() / 4 + 384);
  w.begin_object();
  if (!page.count_only) {
    w.key("Items");
    w.begin_array();
    std::size_t begin = 0;
    for (std::size_t end : page.encoded_ends) {
      if (!w.encoded_item(std::string_view(page.encoded).substr(begin, end - begin)))
        throw storage::StorageError("corrupt item");
      begin = end;
    }
    for (const Item& item : page.items) w.item(item);
    w.end_array();
  }
  w.key("Count");
  w.number(page.count);
  w.key("ScannedCount");
  w.number(page.scanned_count);
  if (page.last_evaluated_key) {
    w.key("LastEvaluatedKey");
    w.item(*page.last_evaluated_key);
  }
  write_consumed_capacity(w, params.return_consumed_capacity, page.consumed_capacity);
  w.end_object();
  return w.take();
}

}  // namespace ddbd::api
