// Helpers for the api unit tests: a parsed JSON request kept alive, and the
// ApiError a call throws as text.
//
// Thread-safety: a Doc is used by one thread.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "api/errors.hh"
#include "api/json_reader.hh"

namespace ddbd::test {

// Parses `text` (padded as parse_request requires) and keeps it alive.
struct Doc {
  explicit Doc(std::string text) : buf(std::move(text)) {
    buf.append(simdjson::SIMDJSON_PADDING, ' ');
    req = std::make_unique<api::ParsedRequest>(
        api::parse_request(buf.data(), buf.size() - simdjson::SIMDJSON_PADDING));
  }
  api::json::object body() const { return req->body; }
  std::string buf;
  std::unique_ptr<api::ParsedRequest> req;
};

// The ApiError `f()` throws, as "Code: message", or `none` when it throws none.
template <typename F>
std::string error_of(F f, const std::string& none = "no error") {
  try {
    f();
  } catch (const api::ApiError& e) {
    return std::string(api::error_info(e.code()).name) + ": " + e.message();
  }
  return none;
}

}  // namespace ddbd::test
