# The HTTP server under wrk (bench/http_bench.py): an authenticated read of one
# application beside a bare libmicrohttpd handler, application creation, and
# reads during a login storm.
pkg_check_modules(MICROHTTPD_BENCH REQUIRED IMPORTED_TARGET libmicrohttpd)
find_package(Threads REQUIRED)
add_executable(bench_http_bare bench_http_bare.c)
target_link_libraries(bench_http_bare PRIVATE PkgConfig::MICROHTTPD_BENCH Threads::Threads)
add_dependencies(bench_http_bare loandesk)
