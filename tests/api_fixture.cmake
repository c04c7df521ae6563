# The shared setup of the operations API's tests (api_fixture.h).
add_library(api_fixture STATIC api_fixture.c)
target_link_libraries(api_fixture PUBLIC api)
target_compile_definitions(api_fixture PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
