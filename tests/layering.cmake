# Dependencies point down only (docs/design.md): core uses no other module;
# rating and ledger use core only. Two guards:
# - core_alone links every object of core (whole archive) with core's own
#   dependencies and nothing else, so a reference from core upwards fails the
#   build, and parses the shipped policy with core's parser;
# - layering reads the built libraries' symbols (scripts/layering.sh) and
#   names any symbol a module takes from a module it may not use.
add_executable(test_core_alone test_core_alone.c)
target_link_libraries(test_core_alone PRIVATE check "$<LINK_LIBRARY:WHOLE_ARCHIVE,core>")
target_compile_definitions(test_core_alone PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_test(NAME core_alone COMMAND test_core_alone)

add_test(NAME layering
         COMMAND ${CMAKE_SOURCE_DIR}/scripts/layering.sh ${CMAKE_NM}
                 core=$<TARGET_FILE:core> rating=$<TARGET_FILE:rating>
                 ledger=$<TARGET_FILE:ledger> reports=$<TARGET_FILE:reports>
                 api=$<TARGET_FILE:api>)
