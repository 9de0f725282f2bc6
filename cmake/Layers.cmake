# Layers enforced by the build.
#
# Sources include headers by folder ("storage/engine.hh"). Instead of one
# include directory for the whole source root, each folder gets its own root
# in the build tree, build/include/<dir>/, holding one symlink <dir> -> the
# source folder. A library adds its root PUBLIC, so a target sees exactly the
# folders of the libraries it links (transitively): storage sees storage/;
# expressions sees expressions/ and storage/; api sees api/, expressions/,
# streams/ and storage/; server sees everything. An upward include such as
# "api/errors.hh" from storage/ then fails with "No such file".

# The include root of folder `dir`: build/include/<dir>, holding <dir> -> source.
function(ddbd_layer_root dir out)
  set(root ${CMAKE_BINARY_DIR}/include/${dir})
  file(MAKE_DIRECTORY ${root})
  if(EXISTS ${CMAKE_SOURCE_DIR}/${dir} AND NOT EXISTS ${root}/${dir})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${dir} ${root}/${dir} SYMBOLIC)
  endif()
  set(${out} ${root} PARENT_SCOPE)
endfunction()

# Static library `name` from <dir>/*.cc and <dir>/*/*.cc (main.cc excluded),
# or an INTERFACE library while the folder has no sources (streams/).
function(ddbd_library name dir)
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/${dir}/*.cc ${CMAKE_SOURCE_DIR}/${dir}/*/*.cc)
  list(FILTER srcs EXCLUDE REGEX ".*/main\\.cc$")
  ddbd_layer_root(${dir} root)
  if(srcs)
    add_library(${name} STATIC ${srcs})
    target_include_directories(${name} PUBLIC ${root})
    ddbd_warnings(${name})
  else()
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${root})
  endif()
endfunction()

# The fuzz tree (clang) builds only what its targets link, ddbd_expr and
# below: clang 14 cannot compile some of api/'s coroutines with the fuzzer
# instrumentation ("Cannot represent a difference across sections").
function(ddbd_exclude_from_fuzz_tree)
  if(DDBD_FUZZ)
    set_target_properties(${ARGN} PROPERTIES EXCLUDE_FROM_ALL TRUE)
  endif()
endfunction()

# One ctest per (library, header): compiles a one-line file that includes
# `header` with `lib`'s usage requirements. expect = ALLOWED must compile;
# expect = FORBIDDEN must fail because the header is not found (and for no
# other reason).
function(ddbd_layer_check lib header expect)
  string(MAKE_C_IDENTIFIER "${lib}_${header}" id)
  set(src ${CMAKE_BINARY_DIR}/layer_checks/${id}.cc)
  file(CONFIGURE OUTPUT ${src} CONTENT "#include \"${header}\"\n")
  add_library(layer_check_${id} OBJECT EXCLUDE_FROM_ALL ${src})
  target_link_libraries(layer_check_${id} PRIVATE ${lib})
  set(test layers.${lib}.${expect}.${header})
  add_test(NAME ${test} COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target layer_check_${id})
  set_tests_properties(${test} PROPERTIES RESOURCE_LOCK ddbd_build_tree LABELS layers)
  if(expect STREQUAL "FORBIDDEN")
    string(REPLACE "." "\\." re "${header}")
    # GCC: "api/errors.hh: No such file"; clang: "'api/errors.hh' file not found".
    set_tests_properties(${test} PROPERTIES
      PASS_REGULAR_EXPRESSION "${re}: No such file;'${re}' file not found")
  endif()
endfunction()

# One library's row of the layer table: the headers it SEES (must compile)
# and those it must NOT see (must fail as "not found").
function(ddbd_layer_row lib)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SEES;NOT")
  foreach(header ${arg_SEES})
    ddbd_layer_check(${lib} ${header} ALLOWED)
  endforeach()
  foreach(header ${arg_NOT})
    ddbd_layer_check(${lib} ${header} FORBIDDEN)
  endforeach()
endfunction()

# The layer rules as tests: each forbidden edge, plus the allowed edges next
# to them so that a failure to compile for any other reason shows.
function(ddbd_layer_checks)
  ddbd_layer_row(ddbd_storage SEES storage/schema.hh NOT expressions/ast.hh api/errors.hh server/sigv4.hh)
  ddbd_layer_row(ddbd_expr SEES storage/schema.hh expressions/ast.hh NOT api/errors.hh server/sigv4.hh)
  ddbd_layer_row(ddbd_api SEES api/errors.hh expressions/ast.hh NOT server/sigv4.hh)
  ddbd_layer_row(ddbd_server SEES server/sigv4.hh)
endfunction()
