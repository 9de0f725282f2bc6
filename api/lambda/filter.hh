// Lambda event filtering (FilterCriteria) for stream records.
//
// A mapping's FilterCriteria holds up to 5 filters, each a JSON pattern
// string; a record is delivered when at least one pattern matches its
// record JSON (the object inside "Records", as the handler receives it).
// Records that match no filter are dropped and their position committed.
// (Lambda Developer Guide, "Control which events Lambda sends to your
// function"; the pattern syntax is EventBridge's.)
//
// Pattern syntax handled:
//   {"key": {...}}                       nested object: match inside
//   {"key": [v1, v2, ...]}               OR of the matchers below
//   "text", 5, true, null                exact value (an event array matches
//                                        when any element matches)
//   {"prefix": "x"}  {"suffix": "x"}  {"equals-ignore-case": "x"}
//   {"anything-but": v | [v...] | {"prefix": "x"}}
//   {"numeric": [">", 0, "<=", 5]}       one or two comparisons (= < <= > >=);
//                                        numeric strings ("N" values) count
//   {"exists": true|false}
// Every key of a pattern must match (AND).
//
// Thread-safety: a compiled FilterSet is immutable; match() is reentrant.
#pragma once

#include <simdjson.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ddbd::api::lambda {

// Thrown by FilterSet::compile for a pattern Lambda would reject.
class InvalidPattern : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct Matcher {
  enum class Kind {
    string, number, boolean, null, prefix, suffix, equals_ignore_case, anything_but, anything_but_prefix, numeric,
    exists
  };
  Kind kind = Kind::string;
  std::string text;
  double number = 0;
  bool flag = false;
  std::vector<Matcher> values;                      // anything-but: the excluded literals
  std::vector<std::pair<std::string, double>> ranges;  // numeric: (operator, bound)
};

struct PatternNode {
  std::vector<std::pair<std::string, PatternNode>> fields;  // an object pattern
  std::vector<Matcher> matchers;                             // a leaf (array) pattern
  bool leaf = false;
};

class FilterSet {
 public:
  // Lambda allows at most 5 filters per mapping, each at most 4096 bytes.
  static constexpr std::size_t kMaxFilters = 5;
  static constexpr std::size_t kMaxPatternBytes = 4096;

  // Compiles the patterns; throws InvalidPattern for malformed JSON or
  // syntax outside the list above.  No patterns: everything matches.
  static FilterSet compile(const std::vector<std::string>& patterns);

  bool empty() const { return filters_.empty(); }
  // True when some pattern matches `record` (or there are none).
  bool matches(simdjson::dom::element record) const;
  // Convenience for tests: parses `record_json` first.
  bool matches_json(std::string_view record_json) const;

 private:
  std::vector<PatternNode> filters_;
};

}  // namespace ddbd::api::lambda
