// ExecuteStatement
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ExecuteStatement.html
//
// Runs one PartiQL statement.  Writes are planned by api/partiql.hh and run
// as PutItem / UpdateItem / DeleteItem do (api/write_ops.hh).  A SELECT is
// planned here:
//   - when every way the WHERE can hold pins the partition key of the table
//     or index (an equality, an IN list, an OR of such), its disjunctive form
//     gives the reads: one Query per branch, on the branch's partition and
//     sort-key range (=, <, <=, >, >=, BETWEEN, begins_with); at most 50 of
//     them ("Too many decomposed read operations for a given query."), no two
//     on overlapping ranges of one partition ("Overlapping conditions with
//     range keys are not supported in where clause");
//   - otherwise one Scan.
// Each read takes the whole WHERE as its filter (key attributes included,
// unlike Query's FilterExpression), so a read's range only has to cover the
// items the WHERE can select.  The reads are read in turn into one response
// through api/read_pages.hh's page loop, sharing the Limit (items evaluated)
// and the 1 MB page; NextToken carries which read to go on with and the key
// it stopped at, bound to the statement's text and parameters.
//
// Order of checks: member types and constraints; the Parameters' values; the
// statement (syntax, parameter count, constructs refused); EXISTS; NextToken;
// the table; then for a SELECT the index ("The table does not have the
// specified index", no name), multi-attribute keys, ConsistentRead on a GSI,
// columns a GSI does not project (an LSI reads them from the table), ORDER BY,
// the key conditions (key types, decomposed reads, overlap), and for a write
// the key and item (api/partiql.hh).
#include "api/ops/execute_statement.hh"

#include <algorithm>
#include <cstdio>

#include "api/capacity.hh"
#include "api/json_writer.hh"
#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/partiql.hh"
#include "api/read_common.hh"
#include "api/write_ops.hh"
#include "expressions/eval.hh"
#include "storage/encoded_item.hh"

namespace ddbd::api::ops {

namespace {

using expr::partiql::Statement;
using expr::partiql::StatementKind;

constexpr std::size_t kMaxDecomposedReads = 50;
constexpr std::string_view kInvalidToken = "Invalid NextToken";
constexpr std::string_view kTokenMismatch = "NextToken does not match request";

// ---- NextToken ----------------------------------------------------------------

uint64_t fnv1a(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t statement_digest(std::string_view text, const std::vector<AttributeValue>& params) {
  uint64_t h = fnv1a(14695981039346656037ull, text);
  for (const auto& p : params) {
    JsonWriter w;
    w.attribute_value(p);
    h = fnv1a(h, std::string_view("\0", 1));
    h = fnv1a(h, w.str());
  }
  return h;
}

std::string digest_text(uint64_t d) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(d));
  return buf;
}

// base64 of {"d":<digest>,"r":<read>,"k":<key>}.
std::string encode_token(uint64_t digest, std::size_t read, const std::optional<Item>& after) {
  JsonWriter w;
  w.begin_object();
  w.key("d");
  w.string(digest_text(digest));
  w.key("r");
  w.number(static_cast<uint64_t>(read));
  if (after) {
    w.key("k");
    w.item(*after);
  }
  w.end_object();
  std::string out;
  base64_encode(w.str(), out);
  return out;
}

StatementPosition decode_token(std::string_view token, uint64_t digest) {
  std::string raw;
  if (!base64_decode(token, raw)) throw ApiError::validation(std::string(kInvalidToken));
  StatementPosition pos;
  bool mismatch = false;
  try {
    simdjson::padded_string padded(raw);
    ParsedRequest doc = parse_request(padded.data(), padded.size());
    auto d = get_string(doc.body, "d");
    auto r = get_long(doc.body, "r");
    if (!d || !r || *r < 0) throw ApiError::validation(std::string(kInvalidToken));
    if (*d != digest_text(digest)) {
      mismatch = true;
    } else {
      pos.read = static_cast<std::size_t>(*r);
      if (auto k = get_object(doc.body, "k")) pos.after = decode_attribute_map(*k);
    }
  } catch (const std::exception&) {
    throw ApiError::validation(std::string(kInvalidToken));
  }
  if (mismatch) throw ApiError::validation(std::string(kTokenMismatch));
  return pos;
}

// ---- SELECT planning ------------------------------------------------------------

// One condition on a key attribute that a Query's key range can hold.
struct KeyAtom {
  enum class Op { eq, lt, le, gt, ge, between, begins_with };
  bool on_hash = false;
  Op op = Op::eq;
  const AttributeValue* a = nullptr;
  const AttributeValue* b = nullptr;  // between
};
using Branch = std::vector<KeyAtom>;

// The sort-key range of one read.
struct Range {
  std::optional<AttributeValue> lower, upper;
  bool lower_inclusive = true, upper_inclusive = true;
  std::optional<AttributeValue> prefix;  // a begins_with alone (storage reads it as a prefix)
};

struct Read {
  std::optional<AttributeValue> hash;  // nullopt: a Scan
  Range range;
};

struct Planner {
  const storage::KeySchema& ks;

  const std::string* key_name(const expr::Operand& o) const {
    if (o.kind != expr::OperandKind::Path || o.path.elems.size() != 1 || o.path.elems[0].is_index) return nullptr;
    const std::string& n = o.path.elems[0].name;
    if (n == ks.hash.name || (ks.range && n == ks.range->name)) return &n;
    return nullptr;
  }
  bool is_hash(const std::string& n) const { return n == ks.hash.name; }
  const storage::KeyAttr& attr(const std::string& n) const { return is_hash(n) ? ks.hash : *ks.range; }

  void check_type(const std::string& n, const AttributeValue& v) const {
    if (v.type != attr(n).type)
      throw ApiError::validation("Key attribute's data type should match its data type in table's schema: Key " + n);
  }

  // Whether every way `c` can hold names one partition.
  bool pins(const expr::Condition& c) const {
    switch (c.kind) {
      case expr::CondKind::Compare:
        if (c.op != expr::CompareOp::EQ || c.operands.size() != 2) return false;
        for (int side = 0; side < 2; ++side) {
          const std::string* n = key_name(c.operands[side]);
          if (n && is_hash(*n) && c.operands[1 - side].kind == expr::OperandKind::Value) return true;
        }
        return false;
      case expr::CondKind::In: {
        const std::string* n = key_name(c.operands[0]);
        if (!n || !is_hash(*n)) return false;
        for (std::size_t i = 1; i < c.operands.size(); ++i)
          if (c.operands[i].kind != expr::OperandKind::Value) return false;
        return c.operands.size() > 1;
      }
      case expr::CondKind::And:
        return std::any_of(c.children.begin(), c.children.end(), [&](const auto& ch) { return pins(ch); });
      case expr::CondKind::Or:
        return std::all_of(c.children.begin(), c.children.end(), [&](const auto& ch) { return pins(ch); });
      default: return false;
    }
  }

  static void check_count(const std::vector<Branch>& b) {
    if (b.size() > kMaxDecomposedReads)
      throw ApiError::validation("Too many decomposed read operations for a given query.");
  }

  // The key atoms of `c` in disjunctive form: each branch is the AND of its
  // atoms (terms that are no key atom hold nothing here: the filter checks them).
  std::vector<Branch> dnf(const expr::Condition& c) const {
    using Op = KeyAtom::Op;
    auto one = [](std::optional<KeyAtom> a) {
      std::vector<Branch> out(1);
      if (a) out[0].push_back(*a);
      return out;
    };
    switch (c.kind) {
      case expr::CondKind::And: {
        std::vector<Branch> acc(1);
        for (const auto& ch : c.children) {
          std::vector<Branch> rhs = dnf(ch);
          std::vector<Branch> next;
          for (const auto& l : acc)
            for (const auto& r : rhs) {
              Branch b = l;
              b.insert(b.end(), r.begin(), r.end());
              next.push_back(std::move(b));
              check_count(next);
            }
          acc = std::move(next);
        }
        return acc;
      }
      case expr::CondKind::Or: {
        // An OR of terms that hold no key atom is one term of the filter
        // (pk = 'a' AND (x = 1 OR x = 2) is one read); otherwise each of
        // its branches is a read of its own.
        std::vector<std::vector<Branch>> parts;
        bool keyed = false;
        for (const auto& ch : c.children) {
          parts.push_back(dnf(ch));
          keyed = keyed || parts.back().size() != 1 || !parts.back()[0].empty();
        }
        if (!keyed) return one(std::nullopt);
        std::vector<Branch> acc;
        for (auto& part : parts) {
          for (auto& b : part) acc.push_back(std::move(b));
          check_count(acc);
        }
        return acc;
      }
      case expr::CondKind::Compare: {
        if (c.operands.size() != 2) return one(std::nullopt);
        for (int side = 0; side < 2; ++side) {
          const std::string* n = key_name(c.operands[side]);
          const expr::Operand& other = c.operands[1 - side];
          if (!n || other.kind != expr::OperandKind::Value) continue;
          const bool flip = side == 1;  // the value is on the left: 'a' < sk is sk > 'a'
          std::optional<Op> op;
          switch (c.op) {
            case expr::CompareOp::EQ: op = Op::eq; break;
            case expr::CompareOp::LT: op = flip ? Op::gt : Op::lt; break;
            case expr::CompareOp::LE: op = flip ? Op::ge : Op::le; break;
            case expr::CompareOp::GT: op = flip ? Op::lt : Op::gt; break;
            case expr::CompareOp::GE: op = flip ? Op::le : Op::ge; break;
            case expr::CompareOp::NE: break;
          }
          if (!op || (is_hash(*n) && *op != Op::eq)) return one(std::nullopt);
          check_type(*n, *other.value);
          return one(KeyAtom{is_hash(*n), *op, other.value, nullptr});
        }
        return one(std::nullopt);
      }
      case expr::CondKind::In: {
        const std::string* n = c.operands.empty() ? nullptr : key_name(c.operands[0]);
        if (!n || c.operands.size() < 2) return one(std::nullopt);
        for (std::size_t i = 1; i < c.operands.size(); ++i)
          if (c.operands[i].kind != expr::OperandKind::Value) return one(std::nullopt);
        std::vector<Branch> out;
        for (std::size_t i = 1; i < c.operands.size(); ++i) {
          check_type(*n, *c.operands[i].value);
          out.push_back(Branch{KeyAtom{is_hash(*n), Op::eq, c.operands[i].value, nullptr}});
          check_count(out);
        }
        return out;
      }
      case expr::CondKind::Between: {
        const std::string* n = c.operands.size() == 3 ? key_name(c.operands[0]) : nullptr;
        if (!n || is_hash(*n) || c.operands[1].kind != expr::OperandKind::Value ||
            c.operands[2].kind != expr::OperandKind::Value)
          return one(std::nullopt);
        check_type(*n, *c.operands[1].value);
        check_type(*n, *c.operands[2].value);
        return one(KeyAtom{false, Op::between, c.operands[1].value, c.operands[2].value});
      }
      case expr::CondKind::BeginsWith: {
        const std::string* n = c.operands.size() == 2 ? key_name(c.operands[0]) : nullptr;
        if (!n || is_hash(*n) || c.operands[1].kind != expr::OperandKind::Value) return one(std::nullopt);
        const AttributeValue& v = *c.operands[1].value;
        if (ks.range->type == AttrType::N || v.type != ks.range->type) return one(std::nullopt);
        return one(KeyAtom{false, Op::begins_with, &v, nullptr});
      }
      default: return one(std::nullopt);
    }
  }
};

int compare(const AttributeValue& a, const AttributeValue& b) {
  int c = 0;
  expr::compare_scalars(a, b, c);
  return c;
}

void tighten_lower(Range& r, const AttributeValue& v, bool inclusive) {
  if (r.lower) {
    const int c = compare(v, *r.lower);
    if (c < 0 || (c == 0 && inclusive)) return;
  }
  r.lower = v;
  r.lower_inclusive = inclusive;
}

void tighten_upper(Range& r, const AttributeValue& v, bool inclusive) {
  if (r.upper) {
    const int c = compare(v, *r.upper);
    if (c > 0 || (c == 0 && inclusive)) return;
  }
  r.upper = v;
  r.upper_inclusive = inclusive;
}

// begins_with(sk, p) as bounds: [p, the first value after every p...).
void tighten_prefix(Range& r, const AttributeValue& p) {
  tighten_lower(r, p, true);
  std::string next = p.str;
  while (!next.empty() && static_cast<unsigned char>(next.back()) == 0xff) next.pop_back();
  if (next.empty()) return;
  next.back() = static_cast<char>(static_cast<unsigned char>(next.back()) + 1);
  AttributeValue up = p;
  up.str = std::move(next);
  tighten_upper(r, up, false);
}

// The range as bounds only (a prefix made bounds).
Range as_bounds(const Range& r) {
  Range b = r;
  b.prefix.reset();
  if (r.prefix) tighten_prefix(b, *r.prefix);
  return b;
}

bool empty_range(const Range& r) {
  if (!r.lower || !r.upper) return false;
  const int c = compare(*r.lower, *r.upper);
  return c > 0 || (c == 0 && !(r.lower_inclusive && r.upper_inclusive));
}

bool overlap(const Range& x, const Range& y) {
  Range both = as_bounds(x);
  Range yb = as_bounds(y);
  if (yb.lower) tighten_lower(both, *yb.lower, yb.lower_inclusive);
  if (yb.upper) tighten_upper(both, *yb.upper, yb.upper_inclusive);
  return !empty_range(both);
}

// The read a branch gives, or nullopt when its key atoms contradict
// (pk = 'a' AND pk = 'b').
std::optional<Read> branch_read(const Branch& b) {
  Read r;
  std::vector<const KeyAtom*> sort;
  for (const KeyAtom& a : b) {
    if (!a.on_hash) {
      sort.push_back(&a);
    } else if (!r.hash) {
      r.hash = *a.a;
    } else if (!(*r.hash == *a.a)) {
      return std::nullopt;
    }
  }
  using Op = KeyAtom::Op;
  if (sort.size() == 1 && sort[0]->op == Op::begins_with) {
    r.range.prefix = *sort[0]->a;
    return r;
  }
  for (const KeyAtom* a : sort) {
    switch (a->op) {
      case Op::eq:
        tighten_lower(r.range, *a->a, true);
        tighten_upper(r.range, *a->a, true);
        break;
      case Op::lt: tighten_upper(r.range, *a->a, false); break;
      case Op::le: tighten_upper(r.range, *a->a, true); break;
      case Op::gt: tighten_lower(r.range, *a->a, false); break;
      case Op::ge: tighten_lower(r.range, *a->a, true); break;
      case Op::between:
        tighten_lower(r.range, *a->a, true);
        tighten_upper(r.range, *a->b, true);
        break;
      case Op::begins_with: tighten_prefix(r.range, *a->a); break;
    }
  }
  if (empty_range(r.range)) return std::nullopt;
  return r;
}

std::string order_name(const expr::Path& p) {
  std::string s;
  for (const auto& e : p.elems) {
    if (e.is_index) {
      s += "[" + std::to_string(e.index) + "]";
    } else {
      if (!s.empty()) s += ".";
      s += e.name;
    }
  }
  return s;
}

struct SelectPlan {
  std::vector<Read> reads;
  bool forward = true;
};

SelectPlan plan_select(const Statement& s, const storage::KeySchema& ks) {
  Planner planner{ks};
  const bool keyed = s.where && planner.pins(*s.where);

  // ORDER BY: a WHERE pinning the partition, keys only.
  const expr::partiql::OrderTerm* hash_order = nullptr;
  const expr::partiql::OrderTerm* range_order = nullptr;
  if (!s.order_by.empty()) {
    if (!s.where) throw ApiError::validation("Must have WHERE clause in the statement when using ORDER BY clause.");
    for (const auto& t : s.order_by) {
      const bool simple = t.path.elems.size() == 1 && !t.path.elems[0].is_index;
      const std::string* n = simple ? &t.path.elems[0].name : nullptr;
      if (n && *n == ks.hash.name)
        hash_order = &t;
      else if (n && ks.range && *n == ks.range->name)
        range_order = &t;
      else
        throw ApiError::validation("Variable reference " + order_name(t.path) +
                                   " in ORDER BY clause must be part of the primary key");
    }
    if (!keyed)
      throw ApiError::validation(
          "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.");
  }

  SelectPlan plan;
  if (!keyed) {
    plan.reads.push_back(Read{});
    return plan;
  }
  for (const Branch& b : planner.dnf(*s.where))
    if (auto r = branch_read(b)) plan.reads.push_back(std::move(*r));

  // Two reads of one partition must not read an item twice.
  for (std::size_t i = 0; i < plan.reads.size(); ++i)
    for (std::size_t j = i + 1; j < plan.reads.size(); ++j)
      if (*plan.reads[i].hash == *plan.reads[j].hash && (!ks.range || overlap(plan.reads[i].range, plan.reads[j].range)))
        throw ApiError::validation("Overlapping conditions with range keys are not supported in where clause");

  if (!s.order_by.empty()) {
    bool several = false;
    for (const auto& r : plan.reads) several = several || !(*r.hash == *plan.reads[0].hash);
    if (several && !hash_order)
      throw ApiError::validation(
          "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.");
    plan.forward = !(range_order && range_order->descending);
    auto lower_of = [](const Read& r) -> const AttributeValue* {
      if (r.range.prefix) return &*r.range.prefix;
      return r.range.lower ? &*r.range.lower : nullptr;
    };
    std::stable_sort(plan.reads.begin(), plan.reads.end(), [&](const Read& x, const Read& y) {
      if (hash_order) {
        const int c = compare(*x.hash, *y.hash);
        if (c != 0) return hash_order->descending ? c > 0 : c < 0;
      }
      // Within a partition, the ranges are disjoint: order them by their starts.
      const AttributeValue* lx = lower_of(x);
      const AttributeValue* ly = lower_of(y);
      if (!lx || !ly) return plan.forward ? (!lx && ly) : (lx && !ly);
      const int c = compare(*lx, *ly);
      return plan.forward ? c < 0 : c > 0;
    });
  }
  return plan;
}


// ---- execution ------------------------------------------------------------------

// The top-level names of a SELECT's columns that `index` does not project,
// in the order written, each once.
std::vector<std::string_view> unprojected(const storage::TableDef& table, const storage::IndexDef& index,
                                          const std::vector<expr::Path>& projection) {
  std::vector<std::string_view> missing;
  if (index.projection == storage::ProjectionType::ALL) return missing;
  for (const expr::Path& p : projection) {
    if (p.elems.empty() || p.elems.front().is_index) continue;
    const std::string& name = p.elems.front().name;
    if (table.key.contains(name) || index.key.contains(name)) continue;
    if (index.projection == storage::ProjectionType::INCLUDE &&
        std::find(index.non_key_attributes.begin(), index.non_key_attributes.end(), name) !=
            index.non_key_attributes.end())
      continue;
    if (std::find(missing.begin(), missing.end(), name) == missing.end()) missing.push_back(name);
  }
  return missing;
}

// A SELECT on a GSI that names attributes the index does not project:
// DynamoDB refuses it, naming them (published traces of AWS).
void refuse_unprojected(const storage::IndexDef& index, const std::vector<std::string_view>& missing) {
  std::string msg = "One or more parameter values were invalid: Global secondary index " + index.name +
                    " does not project [";
  for (std::size_t i = 0; i < missing.size(); ++i) {
    if (i) msg += ", ";
    msg += missing[i];
  }
  throw ApiError::validation(msg + "]");
}

void read_select(RequestContext& ctx, const ExecuteStatementRequest& req,
                 const std::shared_ptr<const storage::TableDef>& table, ExecuteStatementResponse& resp) {
  const Statement& s = req.statement;
  const storage::IndexDef* index = nullptr;
  if (s.index) {
    for (const auto& ix : table->indexes)
      if (ix.name == *s.index) index = &ix;
    // PartiQL's wording names no index, unlike Query's and Scan's.
    if (!index) throw ApiError::validation("The table does not have the specified index");
    if (index->key.multi()) throw ApiError::validation(std::string(partiql::kMultiAttributeIndexRefused));
    if (index->global && req.consistent_read)
      throw ApiError::validation("Strongly consistent read is not supported on Global Secondary Indexes");
  }
  // Columns an index does not project: a GSI refuses them, an LSI reads them
  // from the table's item (AWS, as published traces show), as a Query does.
  bool fetch_table_item = false;
  if (index && !s.select_all) {
    const std::vector<std::string_view> missing = unprojected(*table, *index, s.projection);
    if (!missing.empty() && index->global) refuse_unprojected(*index, missing);
    fetch_table_item = !missing.empty();
  }
  ReadPageParams params;
  params.table_name = table->name;
  params.index_name = s.index;
  params.consistent_read = req.consistent_read;
  params.return_consumed_capacity = req.return_consumed_capacity;
  params.exprs = std::make_unique<ReadExpressions>();
  if (s.where) params.exprs->filter = *s.where;

  PreparedPage prepared;
  prepared.table = table;
  resolve_index_and_select(*table, s.index, *params.exprs, req.consistent_read, ctx.now(), prepared.req);
  prepared.req.filter_on_entry = true;
  if (fetch_table_item) prepared.req.select = Select::all_attributes;
  const SelectPlan plan = plan_select(s, prepared.req.index ? prepared.req.index->key : table->key);

  std::size_t first = 0;
  if (req.start) {
    first = req.start->read;
    if (first > plan.reads.size()) throw ApiError::validation(std::string(kInvalidToken));
  }
  std::optional<int64_t> limit = req.limit;
  std::size_t bytes_left = kMaxPageBytes;
  ConsumedCapacity capacity{.table_name = table->name};
  bool read_any = false;
  for (std::size_t i = first; i < plan.reads.size(); ++i) {
    const Read& r = plan.reads[i];
    PreparedPage page = prepared;
    storage::ScanSpec& spec = page.req.spec;
    spec.hash = r.hash;
    spec.forward = plan.forward;
    if (r.range.prefix) spec.prefix = r.range.prefix->str;
    spec.lower = r.range.lower;
    spec.lower_inclusive = r.range.lower_inclusive;
    spec.upper = r.range.upper;
    spec.upper_inclusive = r.range.upper_inclusive;
    page.req.limit = limit;
    page.req.max_bytes = bytes_left;
    params.exclusive_start_key.reset();
    if (i == first && req.start && req.start->after) params.exclusive_start_key = req.start->after;
    apply_exclusive_start_key(params, page.req);

    ReadPage p = read_page(ctx, page, params);
    read_any = true;
    add_units(capacity, p.consumed_capacity);
    if (limit) *limit -= p.scanned_count;
    bytes_left = p.bytes_read >= bytes_left ? 0 : bytes_left - p.bytes_read;
    std::optional<Item> stopped_at = std::move(p.last_evaluated_key);
    resp.pages.push_back(std::move(p));
    if (stopped_at) {
      resp.next_token = encode_token(req.digest, i, stopped_at);
      resp.last_evaluated_key = std::move(stopped_at);
      break;
    }
    if (i + 1 < plan.reads.size() && ((limit && *limit <= 0) || bytes_left == 0)) {
      resp.next_token = encode_token(req.digest, i + 1, std::nullopt);
      break;
    }
  }
  if (!read_any) capacity = page_capacity(table->name, prepared.req.index, 0, 0, req.consistent_read);
  resp.consumed_capacity = std::move(capacity);
}

}  // namespace

ExecuteStatementRequest decode_execute_statement(json::object body) {
  static const std::vector<FieldSpec> specs = {
      FieldSpec{.name = "Statement", .not_null = true, .min_length = 1, .max_length = 8192},
      FieldSpec{.name = "Parameters",
                .type = FieldType::List,
                .min_length = 1,
                .element = {FieldSpec{.type = FieldType::AttrValue, .java_class = "com.amazonaws.dynamodb.v20120810.AttributeValue"}}},
      FieldSpec{.name = "ConsistentRead", .type = FieldType::Boolean},
      FieldSpec{.name = "NextToken", .min_length = 1, .max_length = 32768},
      return_consumed_capacity_spec(),
      FieldSpec{.name = "Limit", .type = FieldType::Integer, .min_value = 1},
      FieldSpec{.name = "ReturnValuesOnConditionCheckFailure", .enum_values = {"ALL_OLD", "NONE"}},
  };
  ValidationErrors errors;
  check_request(body, specs, errors);

  std::vector<AttributeValue> params;
  if (auto list = get_array(body, "Parameters")) {
    params.reserve(list->size());
    for (json::element e : *list) params.push_back(decode_attribute_value(e));
  }
  const std::string_view text = *get_string(body, "Statement");

  ExecuteStatementRequest req;
  req.statement = expr::partiql::parse_statement(text, params);
  if (req.statement.kind == StatementKind::exists)
    throw ApiError::validation("EXISTS can only be used in ExecuteTransaction write requests.");
  req.digest = statement_digest(text, params);
  req.consistent_read = get_bool(body, "ConsistentRead").value_or(false);
  req.limit = get_int(body, "Limit");
  req.return_consumed_capacity = parse_return_consumed_capacity(get_string(body, "ReturnConsumedCapacity"));
  req.return_old_on_failure =
      get_string(body, "ReturnValuesOnConditionCheckFailure") == std::optional<std::string_view>("ALL_OLD");
  if (auto token = get_string(body, "NextToken"); token && req.statement.is_read())
    req.start = decode_token(*token, req.digest);
  return req;
}

asio::awaitable<ExecuteStatementResponse> execute(RequestContext& ctx, const ExecuteStatementRequest& req) {
  const Statement& s = req.statement;
  ctx.metering.access = s.is_read() ? Access::read : Access::write;  // which bucket admits it (api/meter.hh)
  auto table = require_table(ctx, s.table, true);
  ExecuteStatementResponse resp;
  if (s.is_read()) {
    read_select(ctx, req, table, resp);
    co_return resp;
  }
  partiql::WritePlan plan = partiql::plan_write(s, *table, req.return_old_on_failure);
  SingleWriteRequest w;
  w.kind = plan.kind;
  w.table_name = std::move(plan.table_name);
  w.return_values = plan.return_values;
  w.capacity = req.return_consumed_capacity;
  w.item = std::move(plan.item);
  w.cond = std::move(plan.cond);
  w.update = std::move(plan.update);
  SingleWriteResponse written = co_await api::execute(ctx, w);
  resp.returned = std::move(written.attributes);
  resp.consumed_capacity = std::move(written.capacity);
  co_return resp;
}

std::string to_json(const ExecuteStatementRequest& req, const ExecuteStatementResponse& resp) {
  const Statement& s = req.statement;
  const std::vector<expr::Path>* projection = s.select_all ? nullptr : &s.projection;
  JsonWriter w;
  w.begin_object();
  w.key("Items");
  w.begin_array();
  Item decoded;
  for (const ReadPage& page : resp.pages) {
    std::size_t begin = 0;
    for (std::size_t end : page.encoded_ends) {
      const std::string_view encoded = std::string_view(page.encoded).substr(begin, end - begin);
      begin = end;
      if (projection) {
        decoded.clear();
        if (!storage::decode_item(encoded, decoded)) throw storage::StorageError("corrupt item");
        w.item(select_columns(decoded, *projection));
      } else if (!w.encoded_item(encoded)) {
        throw storage::StorageError("corrupt item");
      }
    }
    for (const Item& item : page.items) w.item(projection ? select_columns(item, *projection) : item);
  }
  if (resp.returned) w.item(*resp.returned);
  w.end_array();
  if (resp.next_token) {
    w.key("NextToken");
    w.string(*resp.next_token);
  }
  if (resp.last_evaluated_key) {
    w.key("LastEvaluatedKey");
    w.item(*resp.last_evaluated_key);
  }
  write_consumed_capacity(w, req.return_consumed_capacity, resp.consumed_capacity);
  w.end_object();
  return w.take();
}

Result execute_statement(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_execute_statement(body));
}

}  // namespace ddbd::api::ops
