# The HTTP server (`loandesk serve`): its tables without a socket, then the API
# end to end against a real server on a free loopback port (tests/http/*.py),
# under concurrent clients and a login storm, behind a real nginx with TLS, and
# the group commit under refusals mid-batch and a SIGKILL during a write storm.
loandesk_test(http_routes server)
target_include_directories(test_http_routes PRIVATE ${CMAKE_SOURCE_DIR}/server)

find_program(PYTHON3 python3 REQUIRED)
foreach(script http_api http_load http_nginx http_commit)
  add_test(NAME ${script}
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/http/test_${script}.py
                   $<TARGET_FILE:loandesk> ${CMAKE_SOURCE_DIR})
endforeach()
set_tests_properties(http_api http_load http_nginx http_commit PROPERTIES TIMEOUT 900)
