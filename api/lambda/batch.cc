#include "api/lambda/batch.hh"

#include <simdjson.h>

#include <algorithm>

namespace ddbd::api::lambda {

namespace dom = simdjson::dom;

std::size_t first_failed_item(std::string_view body, const std::vector<std::string>& seqs) {
  dom::parser parser;
  dom::element root;
  if (body.empty() || parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return seqs.size();
  dom::element list;
  if (!root.is_object() || root.at_key("batchItemFailures").get(list) != simdjson::SUCCESS || list.is_null())
    return seqs.size();
  dom::array items;
  if (list.get_array().get(items) != simdjson::SUCCESS) return 0;
  std::size_t first = seqs.size();
  for (dom::element item : items) {
    std::string_view id;
    if (!item.is_object() || item.at_key("itemIdentifier").get_string().get(id) != simdjson::SUCCESS || id.empty())
      return 0;
    auto it = std::find(seqs.begin(), seqs.end(), id);
    if (it == seqs.end()) return 0;
    first = std::min(first, static_cast<std::size_t>(it - seqs.begin()));
  }
  return first;
}

Decision decide(const RetryPolicy& policy, const RetryState& state, const std::vector<std::string>& seqs, bool ok,
                std::string_view body) {
  Decision d;
  std::size_t good = ok ? seqs.size() : 0;
  if (ok && policy.report_item_failures) good = first_failed_item(body, seqs);
  if (good == seqs.size()) {
    d.action = Decision::Action::commit;
    d.commit_count = good;
    return d;  // next: fresh state
  }
  // Partly or wholly failed: the records from `good` on are retried.
  d.commit_count = good;
  d.next.failures = good > 0 ? 1 : state.failures + 1;
  if (policy.max_retries >= 0 && d.next.failures > policy.max_retries) {
    d.action = Decision::Action::give_up;
    d.commit_count = seqs.size();
    d.next = RetryState{};
    return d;
  }
  d.action = Decision::Action::retry;
  const std::size_t remaining = seqs.size() - good;
  d.next.limit = policy.bisect && good == 0 && remaining > 1 ? remaining / 2 : remaining;
  return d;
}

}  // namespace ddbd::api::lambda
