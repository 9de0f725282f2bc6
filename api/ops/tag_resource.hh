// TagResource, UntagResource and ListTagsOfResource as plain structs:
// decode, execute, to_json (see api/ops/ops.hh).  Their ARN checks name the
// caller's account in AccessDeniedException, so their decode steps take the
// request context (read only: no store access).
//
// Thread-safety: the structs belong to one request.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/context.hh"
#include "api/json_reader.hh"
#include "api/tags.hh"

namespace ddbd::api::ops {

struct TagResourceRequest {
  std::string resource_arn;
  std::string table_name;  // from the ARN
  TagList tags;
};
struct TagResourceResponse {};

struct UntagResourceRequest {
  std::string resource_arn;
  std::string table_name;
  std::vector<std::string> tag_keys;
};
struct UntagResourceResponse {};

struct ListTagsOfResourceRequest {
  std::string resource_arn;
  std::string table_name;
  std::size_t start = 0;  // NextToken: the position of the page's first tag
};
struct ListTagsOfResourceResponse {
  TagList tags;                          // one page
  std::optional<std::string> next_token;  // more tags follow
};

// Tags per ListTagsOfResource page.
inline constexpr std::size_t kTagsPerPage = 10;

// Types, then in DynamoDB's order: the ARN's presence and shape, the Coral
// constraints (Tags / TagKeys not null, key 1..128 and value 0..256
// characters), the table ARN, "Atleast one Tag needs to be provided as
// Input." (sic), the characters and the aws: prefix.  Throws ApiError.
TagResourceRequest decode_tag_resource(const RequestContext& ctx, json::object body);
UntagResourceRequest decode_untag_resource(const RequestContext& ctx, json::object body);
ListTagsOfResourceRequest decode_list_tags_of_resource(const RequestContext& ctx, json::object body);

// The table must exist in the caller's namespace (ResourceNotFoundException;
// for ListTagsOfResource AccessDeniedException, as DynamoDB answers for a
// resource it cannot find) and, to change its tags, be neither CREATING nor
// DELETING (ResourceInUseException).  A change is one catalog write that
// checks the 50-tag limit against the tags in the transaction.
asio::awaitable<TagResourceResponse> execute(RequestContext& ctx, const TagResourceRequest& req);
asio::awaitable<UntagResourceResponse> execute(RequestContext& ctx, const UntagResourceRequest& req);
asio::awaitable<ListTagsOfResourceResponse> execute(RequestContext& ctx, const ListTagsOfResourceRequest& req);

std::string to_json(const TagResourceRequest& req, const TagResourceResponse& resp);          // {}
std::string to_json(const UntagResourceRequest& req, const UntagResourceResponse& resp);      // {}
std::string to_json(const ListTagsOfResourceRequest& req, const ListTagsOfResourceResponse& resp);

}  // namespace ddbd::api::ops
