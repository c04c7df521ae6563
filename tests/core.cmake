# Tests of core/: store and migrations, users, permissions, borrowers,
# applications, import and the workflow; then the end-to-end CLI cases.
add_library(core_fixture STATIC test_core_fixture.c)
target_link_libraries(core_fixture PUBLIC check doc_fixture core)
target_compile_definitions(core_fixture PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

loandesk_test(core core_fixture core)
target_compile_definitions(test_core PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
loandesk_test(workflow core_fixture core)
target_compile_definitions(test_workflow PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")

add_test(NAME cli COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli/run.sh $<TARGET_FILE:loandesk>
                          ${CMAKE_SOURCE_DIR})
