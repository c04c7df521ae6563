# The web UI (web/) in a real browser: Debian's chromium driven by
# playwright-core (npm, pinned in tests/web/package.json, installed by
# scripts/setup.sh) against `loandesk serve` on a fresh book. Screenshots of
# every screen go to build/web-shots/. Also the static files' rules (content
# types, CSP, caching, path traversal) over plain HTTP.
find_program(NODE node)
find_program(CHROMIUM NAMES chromium chromium-browser)
find_program(PYTHON3 python3 REQUIRED)
add_test(NAME web_static
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/web/test_web_static.py
                 $<TARGET_FILE:loandesk> ${CMAKE_SOURCE_DIR})
# The browser journey once, in the plain build: the sanitizer build runs the
# server's own tests.
if(NOT LOANDESK_SANITIZE AND NODE AND CHROMIUM AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/web/node_modules/playwright-core)
  add_test(NAME web_browser
           COMMAND ${NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/test_web.mjs $<TARGET_FILE:loandesk>
                   ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR}/web-shots)
  set_tests_properties(web_browser PROPERTIES TIMEOUT 600 ENVIRONMENT CHROMIUM=${CHROMIUM})
elseif(NOT LOANDESK_SANITIZE)
  # Missing tools fail the suite rather than skip it: scripts/setup.sh installs them.
  add_test(NAME web_browser
           COMMAND sh -c "echo 'web_browser: node, chromium or tests/web/node_modules missing: run scripts/setup.sh' >&2; exit 1")
endif()
