// Request ids as DynamoDB sends them in x-amzn-RequestId: 52 characters of
// A-Z and 0-9.
//
// Thread-safety: new_request_id() may be called from any thread.
#pragma once

#include <string>

namespace ddbd::server {

std::string new_request_id();

}  // namespace ddbd::server
