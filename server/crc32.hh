// CRC-32 (IEEE 802.3, as zlib's crc32) of a response body: botocore checks
// the x-amz-crc32 header against it.
#pragma once

#include <cstdint>
#include <string_view>

namespace ddbd::server {

std::uint32_t crc32(std::string_view data);

}  // namespace ddbd::server
