// Table tags: DynamoDB's rules for tags (shared by CreateTable's Tags and
// TagResource), table ARN resolution for the three tagging operations, and
// the catalog write that changes a table's tags.
//
// Tags live in the table's catalog entry (storage::TableDef::tags, catalog
// tag 20), so they survive restarts and go with DeleteTable.
//
// Thread-safety: stateless functions; TagsOp is immutable once built.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/context.hh"
#include "storage/engine.hh"

namespace ddbd::api {

using TagList = std::vector<std::pair<std::string, std::string>>;

// DynamoDB's limit of (user) tags per table.
inline constexpr std::size_t kMaxTagsPerTable = 50;

// Content rules for tags given by a client, in order: the characters
// (letters, digits, white space and + - = . _ : / @; non-ASCII letters are
// accepted), then the reserved "aws:" prefix (any case).  Lengths are Coral
// constraints, checked by the operations' specs.  Throws ValidationException.
void check_tag_content(const TagList& tags);

// `current` with `set` applied (a key given again takes the new value, in
// place) and `remove`d keys dropped; ValidationException when the result
// holds more than kMaxTagsPerTable tags.
TagList merge_tags(const TagList& current, const TagList& set, const std::vector<std::string>& remove);
void check_tag_count(std::size_t n);

// ResourceArn of TagResource / UntagResource / ListTagsOfResource, checked
// in DynamoDB's order.  syntax_checks(): absent -> "Invalid TableArn"; not
// shaped like an ARN -> AccessDeniedException.  table_checks(): not a table
// ARN -> "Invalid TableArn: Invalid ResourceArn provided as input <arn>";
// another account -> AccessDeniedException.  `operation` names the action
// in AccessDeniedException's message ("dynamodb:TagResource").
void check_arn_syntax(const RequestContext& ctx, const std::optional<std::string>& arn, std::string_view operation);
// The table name of a table ARN (after check_arn_syntax); throws as above.
std::string table_name_of_arn(const RequestContext& ctx, const std::string& arn, std::string_view operation);
// AccessDeniedException for `arn`.
[[noreturn]] void access_denied(const RequestContext& ctx, std::string_view arn, std::string_view operation);
// ResourceNotFoundException "Requested resource not found: ResourcArn: <arn>
// not found" (DynamoDB's spelling).
[[noreturn]] void arn_not_found(std::string_view arn);

// The table an ARN names in the caller's namespace, or nullptr (another
// region, or no such table).
std::shared_ptr<const storage::TableDef> table_of_arn(const RequestContext& ctx, const std::string& arn,
                                                      std::string_view operation);

struct TagChange {
  std::string ns, name;
  uint64_t table_id = 0;
  TagList set;
  std::vector<std::string> remove;
};

struct TagOutcome {
  bool missing = false;  // the table is gone (the op then returns aborted)
  std::string error;     // a ValidationException message (the op then returns aborted)
};

// Applies a TagChange to the table's definition *in the transaction*, so
// concurrent tag changes never lose each other's tags and the 50-tag limit
// holds for their sum.
class TagsOp final : public storage::WriteOpOf<TagOutcome> {
 public:
  explicit TagsOp(const TagChange& change) : change_(change) {}

 protected:
  storage::Status run(storage::WriteTxn& txn, TagOutcome& out) const override;

 private:
  const TagChange& change_;
};

}  // namespace ddbd::api
