// Tag rules, ARN resolution and TagsOp (see tags.hh).
//
// The ARN checks follow the answers dynalite records from DynamoDB:
//   ResourceArn absent                 ValidationException "Invalid TableArn"
//   not shaped a:b:c:d:e:f/g           AccessDeniedException "User: arn:aws:iam::<account>:root is not
//                                      authorized to perform: dynamodb:<Op> on resource: <arn, or * if empty>"
//   not arn:aws:dynamodb:R:A:table/T   ValidationException "Invalid TableArn: Invalid ResourceArn provided
//                                      as input <arn>" (an index ARN too: tags belong to tables)
//   unknown table                      ResourceNotFoundException "Requested resource not found: ResourcArn:
//                                      <arn> not found" (sic)
// and an ARN of another account is AccessDeniedException (the caller has no
// access there); one of another region names no table of this endpoint.
#include "api/tags.hh"

#include <algorithm>
#include <cctype>
#include <optional>

#include "api/errors.hh"
#include "api/shapes.hh"

namespace ddbd::api {

namespace {

bool allowed_tag_char(unsigned char c) {
  if (c >= 0x80) return true;  // a byte of a non-ASCII (UTF-8) character
  if (std::isalnum(c) || std::isspace(c)) return true;
  switch (c) {
    case '+': case '-': case '=': case '.': case '_': case ':': case '/': case '@': return true;
    default: return false;
  }
}

bool allowed_tag_text(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return allowed_tag_char(static_cast<unsigned char>(c)); });
}

bool reserved_prefix(std::string_view key) {
  if (key.size() < 4) return false;
  return (key[0] == 'a' || key[0] == 'A') && (key[1] == 'w' || key[1] == 'W') && (key[2] == 's' || key[2] == 'S') &&
         key[3] == ':';
}

}  // namespace

void check_tag_content(const TagList& tags) {
  for (const auto& [k, v] : tags) {
    if (!allowed_tag_text(k) || !allowed_tag_text(v))
      throw ApiError::validation(
          "One or more parameter values were invalid: Invalid characters in tag key or value: " + k +
          " (allowed: letters, numbers, white space and + - = . _ : / @)");
    if (reserved_prefix(k))
      throw ApiError::validation("One or more parameter values were invalid: The aws: prefix is reserved and cannot be used in a tag key: " + k);
  }
}

namespace {

std::string tag_count_message() {
  return "One or more parameter values were invalid: The number of tags exceeds the limit of " +
         std::to_string(kMaxTagsPerTable) + " tags per resource";
}

}  // namespace

void check_tag_count(std::size_t n) {
  if (n > kMaxTagsPerTable) throw ApiError::validation(tag_count_message());
}

TagList merge_tags(const TagList& current, const TagList& set, const std::vector<std::string>& remove) {
  TagList out;
  out.reserve(current.size() + set.size());
  for (const auto& t : current)
    if (std::find(remove.begin(), remove.end(), t.first) == remove.end()) out.push_back(t);
  for (const auto& [k, v] : set) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& t) { return t.first == k; });
    if (it != out.end())
      it->second = v;
    else
      out.emplace_back(k, v);
  }
  return out;
}

void access_denied(const RequestContext& ctx, std::string_view arn, std::string_view operation) {
  throw ApiError(ErrorCode::AccessDeniedException,
                 "User: arn:aws:iam::" + ctx.config.account_id + ":root is not authorized to perform: " +
                     std::string(operation) + " on resource: " + (arn.empty() ? std::string("*") : std::string(arn)));
}

void arn_not_found(std::string_view arn) {
  throw ApiError::resource_not_found("Requested resource not found: ResourcArn: " + std::string(arn) + " not found");
}

namespace {

// The ARN shape DynamoDB checks first ("a:b:c:d:e:f/g", every part
// non-empty; a part may hold ':' or '/').  Hand-written: std::regex recurses
// per character and overflows the stack on a long ARN.
bool arn_shaped(std::string_view arn) {
  std::size_t at = 0;  // the earliest place the next part may end
  for (int colons = 0; colons < 5; ++colons) {
    const std::size_t c = arn.find(':', at + 1);
    if (c == std::string_view::npos) return false;
    at = c + 1;  // the next part starts here and needs one character
  }
  if (at + 1 >= arn.size()) return false;
  const std::size_t slash = arn.find('/', at + 1);
  return slash != std::string_view::npos && slash + 1 < arn.size();
}

}  // namespace

void check_arn_syntax(const RequestContext& ctx, const std::optional<std::string>& arn, std::string_view operation) {
  if (!arn) throw ApiError::validation("Invalid TableArn");
  if (!arn_shaped(*arn)) access_denied(ctx, *arn, operation);
}

namespace {

TableArn checked_table_arn(const RequestContext& ctx, const std::string& arn, std::string_view operation) {
  auto parsed = parse_table_arn(arn);
  if (!parsed) throw ApiError::validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  if (parsed->account != ctx.config.account_id) access_denied(ctx, arn, operation);
  return *parsed;
}

}  // namespace

std::string table_name_of_arn(const RequestContext& ctx, const std::string& arn, std::string_view operation) {
  return std::string(checked_table_arn(ctx, arn, operation).name);
}

std::shared_ptr<const storage::TableDef> table_of_arn(const RequestContext& ctx, const std::string& arn,
                                                      std::string_view operation) {
  const TableArn parsed = checked_table_arn(ctx, arn, operation);
  if (parsed.region != ctx.region) return nullptr;
  return ctx.engine.find_table(ctx.ns, parsed.name);
}

storage::Status TagsOp::run(storage::WriteTxn& txn, TagOutcome& out) const {
  auto current = txn.find_table(change_.ns, change_.name);
  if (!current || current->table_id != change_.table_id) {
    out.missing = true;
    return storage::Status::aborted;
  }
  storage::TableDef def = *current;
  def.tags = merge_tags(current->tags, change_.set, change_.remove);
  if (def.tags.size() > kMaxTagsPerTable) {
    out.error = tag_count_message();
    return storage::Status::aborted;
  }
  if (def.tags == current->tags) return storage::Status::ok;
  return txn.update_table(def);
}

}  // namespace ddbd::api
