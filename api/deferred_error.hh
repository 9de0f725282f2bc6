// DeferredError: a client error that an operation's decode step found but
// that DynamoDB reports only after a check the execute step makes first
// (typically: the table exists).  decode captures it and stops decoding;
// execute rethrows it at the point where a single-pass handler would have
// thrown it, so splitting decode from execute does not change which error a
// request with several faults gets.
//
// Thread-safety: belongs to one request.
#pragma once

#include <exception>

namespace ddbd::api {

class DeferredError {
 public:
  // Runs `fn()`; if it throws, keeps the exception and returns false.
  template <class F>
  bool capture(F&& fn) {
    try {
      fn();
      return true;
    } catch (...) {
      error_ = std::current_exception();
      return false;
    }
  }
  bool has_error() const { return error_ != nullptr; }
  // Throws the captured exception, if any.
  void rethrow_if_any() const {
    if (error_) std::rethrow_exception(error_);
  }

 private:
  std::exception_ptr error_;
};

}  // namespace ddbd::api
