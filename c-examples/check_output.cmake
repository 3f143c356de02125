# Runs PROGRAM and fails unless it exits with 0 and its standard output is
# exactly the contents of EXPECTED. Used by CTest: see CMakeLists.txt.
#
#   cmake -DPROGRAM=./hello -DEXPECTED=hello.expected -P check_output.cmake

foreach(_var PROGRAM EXPECTED)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "check_output.cmake: ${_var} is not set")
  endif()
endforeach()

execute_process(
  COMMAND "${PROGRAM}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _err)
file(READ "${EXPECTED}" _want)

if(NOT _rc STREQUAL "0")
  message(FATAL_ERROR "${PROGRAM} failed (${_rc})\n--- stdout:\n${_out}\n--- stderr:\n${_err}")
endif()
if(NOT _out STREQUAL _want)
  message(FATAL_ERROR "${PROGRAM}: output differs from ${EXPECTED}\n"
                      "--- expected:\n${_want}\n--- got:\n${_out}\n--- stderr:\n${_err}")
endif()
message(STATUS "${PROGRAM}: output as expected")
