// Request ids as DynamoDB sends them in x-amzn-RequestId: 52 characters of
// A-Z and 0-9, held inline (no allocation).
//
// Thread-safety: new_request_id() may be called from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace ddbd::server {

struct RequestId {
  static constexpr std::size_t kSize = 52;
  char chars[kSize];
  std::string_view view() const { return {chars, kSize}; }
};

RequestId new_request_id();

}  // namespace ddbd::server
