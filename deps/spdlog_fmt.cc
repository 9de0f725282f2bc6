// spdlog's and fmt's compiled parts, built into the release ddbd instead of
// loading libspdlog.so and libfmt.so (cmake/StaticDeps.cmake says why: two
// shared objects fewer to map and relocate at every start).
//
// The rest of the tree includes spdlog and fmt as it does when linking their
// shared objects (SPDLOG_COMPILED_LIB, SPDLOG_FMT_EXTERNAL: declarations
// only); this one file includes their implementation headers, which define
// the non-template functions here, and instantiates the templates the tree
// uses from the libraries: the sinks ddbd and its tests create, and fmt's
// locale helpers.  A template missing here shows as an undefined reference
// at link time.
//
// Thread-safety: as spdlog's and fmt's own.
#if !defined(SPDLOG_COMPILED_LIB) || !defined(SPDLOG_FMT_EXTERNAL)
#error "built with spdlog's compiled-library definitions (cmake/StaticDeps.cmake)"
#endif

#include <fmt/format-inl.h>

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_color_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

#include <spdlog/details/null_mutex.h>

#include <mutex>

template class spdlog::sinks::base_sink<std::mutex>;
template class spdlog::sinks::base_sink<spdlog::details::null_mutex>;
template class spdlog::sinks::ansicolor_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stdout_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stderr_sink<spdlog::details::console_mutex>;

namespace fmt {
inline namespace v9 {
namespace detail {
template auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
}  // namespace detail
}  // namespace v9
}  // namespace fmt
