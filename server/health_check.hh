// `ddbd --health-check [URL]`: a container HEALTHCHECK that needs no shell
// and no curl.  GET URL (default http://127.0.0.1:<port>/, where ddbd answers
// "200 healthy: <Host>"); healthy means a 200 answer within the deadline.
//
// Thread-safety: health_check() is reentrant; each call has its own
// io_context and connection.
#pragma once

#include <chrono>
#include <string>

namespace ddbd::server {

// The probe's outcome: `healthy`, or why not (one line, for stderr).
struct HealthCheckResult {
  bool healthy = false;
  std::string problem;
};

// GETs `url` ("http://host[:port][/path]") with one deadline for resolving,
// connecting, writing and reading the answer.
HealthCheckResult health_check(const std::string& url,
                               std::chrono::milliseconds deadline = std::chrono::milliseconds(2000));

}  // namespace ddbd::server
