# How ddbd links its dependencies.  The release binary (build/ddbd) is the one
# the container image ships (make image-rootfs, docker/image-rootfs.sh), so it
# takes every dependency Debian ships as a static archive from that archive:
# libcrypto, liblmdb and zlib.  simdjson, spdlog and fmt exist only as shared
# objects in Debian; they stay shared, with libstdc++, libm, libc and the
# loader, and image-rootfs.sh copies whatever `ldd` lists.
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

# Link options of the shipped executable: drop unused sections of the static
# archives and DT_NEEDED entries nothing uses (libpthread).
function(ddbd_shipped_executable target)
  if(DDBD_STATIC_DEPS)
    target_link_options(${target} PRIVATE -Wl,--gc-sections -Wl,--as-needed)
  endif()
endfunction()
