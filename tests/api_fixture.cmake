# The shared setup of the operations API's tests (api_fixture.h).
add_library(api_fixture STATIC api_fixture.c)
target_link_libraries(api_fixture PUBLIC api)
target_compile_definitions(api_fixture PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
# afx_passwords_replaced writes below the API and seals as api_run does.
target_include_directories(api_fixture PRIVATE ${CMAKE_SOURCE_DIR}/api)
target_link_libraries(api_fixture PRIVATE ledger core PkgConfig::SQLITE3)
