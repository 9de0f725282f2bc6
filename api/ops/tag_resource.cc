// TagResource, UntagResource, ListTagsOfResource
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TagResource.html
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UntagResource.html
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_ListTagsOfResource.html
//
// Order of checks (dynalite validations/tagResource.js, untagResource.js,
// listTagsOfResource.js, which record DynamoDB's answers):
//   1. member types (SerializationException);
//   2. ResourceArn absent: "Invalid TableArn"; not shaped like an ARN:
//      AccessDeniedException;
//   3. Coral constraints (Tags / TagKeys not null, lengths);
//   4. not a table ARN: "Invalid TableArn: Invalid ResourceArn provided as
//      input <arn>"; another account: AccessDeniedException;
//   5. an empty Tags / TagKeys list; the tags' characters and aws: prefix;
//   6. the table (execute), its status, then the 50-tag limit in the write.
#include "api/ops/tag_resource.hh"

#include <charconv>

#include "api/ops/ops.hh"
#include "api/ops/run.hh"
#include "api/shapes.hh"
#include "api/table_ops.hh"

namespace ddbd::api::ops {

namespace {

FieldSpec tag_list_spec(bool constraints) {
  return FieldSpec{
      .name = "Tags",
      .type = FieldType::List,
      .not_null = constraints,
      .element = {FieldSpec{
          .type = FieldType::Struct,
          .members = {constraints ? FieldSpec{.name = "Key", .not_null = true, .min_length = 1, .max_length = 128}
                                  : FieldSpec{.name = "Key"},
                      constraints ? FieldSpec{.name = "Value", .not_null = true, .min_length = 0, .max_length = 256}
                                  : FieldSpec{.name = "Value"}}}}};
}

FieldSpec tag_keys_spec(bool constraints) {
  return FieldSpec{.name = "TagKeys",
                   .type = FieldType::List,
                   .not_null = constraints,
                   .element = {constraints ? FieldSpec{.min_length = 1, .max_length = 128} : FieldSpec{}}};
}

std::optional<std::string> arn_member(json::object body) {
  auto a = get_string(body, "ResourceArn");
  if (!a) return std::nullopt;
  return std::string(*a);
}

void check(json::object body, const std::vector<FieldSpec>& specs) {
  ValidationErrors errors;
  check_request(body, specs, errors);
}

// The table's status allows a tag change (as UpdateTimeToLive's rule).
void check_changeable(const storage::TableDef& t, double now) {
  const std::string_view status = effective_status(t, now);
  if (status == "CREATING" || status == "DELETING")
    throw ApiError::resource_in_use("Attempt to change a resource which is still in use: Table is being " +
                                    std::string(status == "CREATING" ? "created" : "deleted") + ": " + t.name);
}

asio::awaitable<void> change_tags(RequestContext& ctx, const std::string& arn, const std::string& table_name,
                                  TagList set, std::vector<std::string> remove, std::string_view operation) {
  auto table = table_of_arn(ctx, arn, operation);
  if (!table) arn_not_found(arn);
  check_changeable(*table, ctx.now());
  const TagChange change{.ns = table->ns,
                         .name = table_name,
                         .table_id = table->table_id,
                         .set = std::move(set),
                         .remove = std::move(remove)};
  TagsOp op(change);
  TagsOp::Result result;
  const storage::Status st = co_await ctx.write(op, result);
  if (result.out.missing) arn_not_found(arn);
  if (!result.out.error.empty()) throw ApiError::validation(result.out.error);
  check_storage(st);
}

}  // namespace

TagResourceRequest decode_tag_resource(const RequestContext& ctx, json::object body) {
  check(body, {FieldSpec{.name = "ResourceArn"}, tag_list_spec(false)});
  const auto arn = arn_member(body);
  check_arn_syntax(ctx, arn, "dynamodb:TagResource");
  check(body, {FieldSpec{.name = "ResourceArn"}, tag_list_spec(true)});
  TagResourceRequest req;
  req.resource_arn = *arn;
  req.table_name = table_name_of_arn(ctx, *arn, "dynamodb:TagResource");
  json::array tags = *get_array(body, "Tags");
  if (tags.size() == 0) throw ApiError::validation("Atleast one Tag needs to be provided as Input.");
  for (json::element e : tags) {
    json::object o = expect_object(e);
    req.tags.emplace_back(std::string(*get_string(o, "Key")), std::string(*get_string(o, "Value")));
  }
  check_tag_content(req.tags);
  check_tag_count(merge_tags({}, req.tags, {}).size());
  return req;
}

UntagResourceRequest decode_untag_resource(const RequestContext& ctx, json::object body) {
  check(body, {FieldSpec{.name = "ResourceArn"}, tag_keys_spec(false)});
  const auto arn = arn_member(body);
  check_arn_syntax(ctx, arn, "dynamodb:UntagResource");
  check(body, {FieldSpec{.name = "ResourceArn"}, tag_keys_spec(true)});
  UntagResourceRequest req;
  req.resource_arn = *arn;
  req.table_name = table_name_of_arn(ctx, *arn, "dynamodb:UntagResource");
  json::array keys = *get_array(body, "TagKeys");
  if (keys.size() == 0) throw ApiError::validation("Atleast one Tag Key needs to be provided as Input.");
  for (json::element e : keys) req.tag_keys.emplace_back(expect_string(e));
  return req;
}

ListTagsOfResourceRequest decode_list_tags_of_resource(const RequestContext& ctx, json::object body) {
  check(body, {FieldSpec{.name = "ResourceArn"}, FieldSpec{.name = "NextToken"}});
  const auto arn = arn_member(body);
  check_arn_syntax(ctx, arn, "dynamodb:ListTagsOfResource");
  ListTagsOfResourceRequest req;
  req.resource_arn = *arn;
  req.table_name = table_name_of_arn(ctx, *arn, "dynamodb:ListTagsOfResource");
  if (auto token = get_string(body, "NextToken")) {
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(token->data(), token->data() + token->size(), n);
    if (ec != std::errc() || p != token->data() + token->size() || token->empty())
      throw ApiError::validation("Invalid NextToken: " + std::string(*token));
    req.start = n;
  }
  return req;
}

asio::awaitable<TagResourceResponse> execute(RequestContext& ctx, const TagResourceRequest& req) {
  co_await change_tags(ctx, req.resource_arn, req.table_name, req.tags, {}, "dynamodb:TagResource");
  co_return TagResourceResponse{};
}

asio::awaitable<UntagResourceResponse> execute(RequestContext& ctx, const UntagResourceRequest& req) {
  co_await change_tags(ctx, req.resource_arn, req.table_name, {}, req.tag_keys, "dynamodb:UntagResource");
  co_return UntagResourceResponse{};
}

asio::awaitable<ListTagsOfResourceResponse> execute(RequestContext& ctx, const ListTagsOfResourceRequest& req) {
  auto table = table_of_arn(ctx, req.resource_arn, "dynamodb:ListTagsOfResource");
  if (!table) access_denied(ctx, req.resource_arn, "dynamodb:ListTagsOfResource");
  ListTagsOfResourceResponse resp;
  const TagList& all = table->tags;
  const std::size_t begin = std::min(req.start, all.size());
  const std::size_t end = std::min(begin + kTagsPerPage, all.size());
  resp.tags.assign(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(end));
  if (end < all.size()) resp.next_token = std::to_string(end);
  co_return resp;
}

std::string to_json(const TagResourceRequest&, const TagResourceResponse&) { return "{}"; }
std::string to_json(const UntagResourceRequest&, const UntagResourceResponse&) { return "{}"; }

std::string to_json(const ListTagsOfResourceRequest&, const ListTagsOfResourceResponse& resp) {
  JsonWriter w;
  w.begin_object();
  w.key("Tags");
  w.begin_array();
  for (const auto& [k, v] : resp.tags) {
    w.begin_object();
    w.key("Key");
    w.string(k);
    w.key("Value");
    w.string(v);
    w.end_object();
  }
  w.end_array();
  if (resp.next_token) {
    w.key("NextToken");
    w.string(*resp.next_token);
  }
  w.end_object();
  return w.take();
}

Result tag_resource(RequestContext& ctx, json::object body) { return execute_to_json(ctx, decode_tag_resource(ctx, body)); }
Result untag_resource(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_untag_resource(ctx, body));
}
Result list_tags_of_resource(RequestContext& ctx, json::object body) {
  return execute_to_json(ctx, decode_list_tags_of_resource(ctx, body));
}

}  // namespace ddbd::api::ops
