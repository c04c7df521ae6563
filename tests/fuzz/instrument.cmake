# Compiler flags of a fuzzing build (LOANDESK_FUZZ=ON): every library is
# compiled with libFuzzer's coverage instrumentation, AddressSanitizer and
# UndefinedBehaviorSanitizer, so the harnesses in this folder see the modules'
# branches and any memory error or undefined behaviour stops a run as a crash.
# Only clang provides libFuzzer; use a build directory of its own (build-fuzz).
if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LOANDESK_FUZZ needs clang: configure with -DCMAKE_C_COMPILER=clang "
                      "in a build directory of its own")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -Wno-unknown-warning-option)
add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=all)
