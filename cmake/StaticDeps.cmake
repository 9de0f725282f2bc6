# How ddbd links its dependencies.  The release binary (build/ddbd) is the one
# the container image ships (make image-rootfs, docker/image-rootfs.sh), so it
# takes every dependency Debian ships as a static archive from that archive:
# libcrypto, liblmdb and zlib; spdlog and fmt are compiled in from their
# headers (below).  simdjson exists only as a shared object in Debian; it
# stays shared, with libstdc++, libm, libc and the loader, and image-rootfs.sh
# copies whatever `ldd` lists.
#
# libstdc++ stays shared too: libsimdjson.so needs libstdc++.so.6 anyway, so
# -static-libstdc++ added 1.8 MB to ddbd and removed no file from the image
# (and no dynamic-loader time: README, Container, has the figures).
#
# The sanitizer and fuzz trees keep everything shared (the sanitizer runtimes
# want it so, and those trees are never shipped).
#
# The archives are looked up under their own cache names, so a build tree
# configured before this file existed switches over too (FindOpenSSL and
# FindZLIB would keep the shared objects they cached).
option(DDBD_STATIC_DEPS "Link libcrypto, liblmdb and zlib statically" ON)
if(DDBD_SANITIZE OR DDBD_TSAN OR DDBD_FUZZ)
  set(DDBD_STATIC_DEPS OFF)
endif()

if(DDBD_STATIC_DEPS)
  find_library(DDBD_LIBCRYPTO_A NAMES libcrypto.a REQUIRED)
  find_library(DDBD_LIBLMDB_A NAMES liblmdb.a REQUIRED)
  find_library(DDBD_LIBZ_A NAMES libz.a REQUIRED)
  foreach(cfg "" _RELEASE _DEBUG _NOCONFIG)
    get_target_property(loc OpenSSL::Crypto IMPORTED_LOCATION${cfg})
    if(loc)
      set_property(TARGET OpenSSL::Crypto PROPERTY IMPORTED_LOCATION${cfg} ${DDBD_LIBCRYPTO_A})
    endif()
    get_target_property(loc ZLIB::ZLIB IMPORTED_LOCATION${cfg})
    if(loc)
      set_property(TARGET ZLIB::ZLIB PROPERTY IMPORTED_LOCATION${cfg} ${DDBD_LIBZ_A})
    endif()
  endforeach()
  # libcrypto.a needs dlopen and threads (in glibc's libc since 2.34; named
  # for older ones).
  set_property(TARGET OpenSSL::Crypto APPEND PROPERTY INTERFACE_LINK_LIBRARIES ${CMAKE_DL_LIBS} Threads::Threads)
  set(LMDB_LIBRARY ${DDBD_LIBLMDB_A})
endif()

# spdlog and fmt: Debian ships them only as shared objects, but their
# compiled parts are in their headers too, so the release tree builds them
# once (deps/spdlog_fmt.cc) into a static library instead: two shared objects
# fewer to map and relocate at every start (libspdlog.so alone asks for 1,115
# symbol lookups at load, being linked with BIND_NOW).  The definitions are
# those of spdlog::spdlog, so every other source compiles exactly as against
# the shared objects (FMT_SHARED and SPDLOG_SHARED_LIB only give the API
# default visibility).  Targets link ${DDBD_SPDLOG}.
if(DDBD_STATIC_DEPS)
  add_library(ddbd_spdlog_fmt STATIC ${CMAKE_SOURCE_DIR}/deps/spdlog_fmt.cc)
  target_compile_definitions(ddbd_spdlog_fmt PUBLIC FMT_SHARED SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL SPDLOG_SHARED_LIB)
  target_link_libraries(ddbd_spdlog_fmt PUBLIC Threads::Threads)
  set(DDBD_SPDLOG ddbd_spdlog_fmt)
else()
  set(DDBD_SPDLOG spdlog::spdlog)
endif()

# Link options of the shipped executable: drop unused sections of the static
# archives and DT_NEEDED entries nothing uses (libpthread), and link it at a
# fixed address (-no-pie): a position-independent ddbd had 3,353 relative
# relocations for the loader to apply, and the pages they wrote to copied, at
# every start.  The objects stay position-independent code (Debian's
# default), so only the link differs.
function(ddbd_shipped_executable target)
  if(DDBD_STATIC_DEPS)
    target_link_options(${target} PRIVATE -Wl,--gc-sections -Wl,--as-needed -no-pie)
  endif()
endfunction()
