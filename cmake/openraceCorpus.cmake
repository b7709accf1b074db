# openraceCorpus.cmake — openrace_add_corpus(): a directory of scenario
# files as CTest tests. Included by openrace's own CMakeLists.txt and by the
# installed package's openraceConfig.cmake.
#
#   openrace_add_corpus(DIR
#                       [LABELS label...]     CTest labels of every test
#                       [EMULATOR path]       the planted-bug emulator library
#                                             (default: openrace::emulator,
#                                             when there is one)
#                       [PREFIX prefix]       test names (default "corpus.")
#                       [WORK_DIR dir]        where the replays run: the file
#                                             system under test (default:
#                                             openrace_corpus/ in the current
#                                             binary directory)
#                       [ROUNDS n]            rounds per replay (default: each
#                                             file's own `rounds`)
#                       [TIMEOUT seconds]     per test (default 600)
#                       [JUNIT_DIR dir]       each test writes its JUnit XML
#                                             report there, as
#                                             PREFIX<name>.xml
#                       [OPENRACE path])      the command (default:
#                                             openrace::openrace)
#
# Every *.scn under DIR (recursively; CMake looks again at every build, so a
# new file needs no edit) becomes the test PREFIX<name>, <name> its path
# under DIR without ".scn" and with '/' as '.', which runs
#
#   openrace replay FILE --dir WORK_DIR --check [--emulator LIB] [--rounds N]
#                   [--junit JUNIT_DIR/PREFIX<name>.xml]
#
# and so checks the file's `# expect:` lines: `# expect: clean` (a replay
# finds nothing) and `# expect: finding SIGNATURE under emulator rule RULE`
# (a replay under the emulator with that rule finds SIGNATURE; needs the
# emulator, Linux only). The test fails on any mismatch, and on a file with
# no `# expect:` line.
#
# Example:
#   find_package(openrace CONFIG REQUIRED)
#   enable_testing()
#   openrace_add_corpus(${CMAKE_CURRENT_SOURCE_DIR}/corpus LABELS openrace)

function(openrace_add_corpus dir)
  cmake_parse_arguments(ARG ""
    "EMULATOR;PREFIX;WORK_DIR;ROUNDS;TIMEOUT;OPENRACE;JUNIT_DIR" "LABELS" ${ARGN})
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
      "openrace_add_corpus: unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT IS_DIRECTORY "${dir}")
    message(FATAL_ERROR "openrace_add_corpus: ${dir} is not a directory")
  endif()
  if(NOT DEFINED ARG_PREFIX)
    set(ARG_PREFIX "corpus.")
  endif()
  if(NOT ARG_OPENRACE)
    if(NOT TARGET openrace::openrace)
      message(FATAL_ERROR
        "openrace_add_corpus: no openrace::openrace target (find_package(openrace) first, or give OPENRACE path)")
    endif()
    set(ARG_OPENRACE "$<TARGET_FILE:openrace::openrace>")
  endif()
  if(NOT ARG_EMULATOR AND TARGET openrace::emulator)
    set(ARG_EMULATOR "$<TARGET_FILE:openrace::emulator>")
  endif()
  if(NOT ARG_WORK_DIR)
    set(ARG_WORK_DIR "${CMAKE_CURRENT_BINARY_DIR}/openrace_corpus")
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  # Every replay makes its own sandbox inside WORK_DIR
  # (openrace-<pid>-<random>), so the tests share it and may run at once.
  file(MAKE_DIRECTORY "${ARG_WORK_DIR}")
  if(ARG_JUNIT_DIR)
    get_filename_component(ARG_JUNIT_DIR "${ARG_JUNIT_DIR}" ABSOLUTE
      BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    file(MAKE_DIRECTORY "${ARG_JUNIT_DIR}")
  endif()

  file(GLOB_RECURSE files CONFIGURE_DEPENDS "${dir}/*.scn")
  list(SORT files)
  if(NOT files)
    message(WARNING "openrace_add_corpus: no *.scn file under ${dir}")
  endif()
  foreach(file IN LISTS files)
    file(RELATIVE_PATH name "${dir}" "${file}")
    string(REGEX REPLACE "\\.scn$" "" name "${name}")
    string(REPLACE "/" "." name "${name}")
    set(args replay "${file}" --dir "${ARG_WORK_DIR}" --check)
    if(ARG_EMULATOR)
      list(APPEND args --emulator "${ARG_EMULATOR}")
    endif()
    if(ARG_ROUNDS)
      list(APPEND args --rounds ${ARG_ROUNDS})
    endif()
    if(ARG_JUNIT_DIR)
      list(APPEND args --junit "${ARG_JUNIT_DIR}/${ARG_PREFIX}${name}.xml")
    endif()
    add_test(NAME "${ARG_PREFIX}${name}" COMMAND "${ARG_OPENRACE}" ${args})
    set_tests_properties("${ARG_PREFIX}${name}" PROPERTIES TIMEOUT ${ARG_TIMEOUT})
    if(ARG_LABELS)
      set_tests_properties("${ARG_PREFIX}${name}" PROPERTIES LABELS "${ARG_LABELS}")
    endif()
  endforeach()
endfunction()
