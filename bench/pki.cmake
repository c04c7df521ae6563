# Signing throughput of core/pki*.c: CMS detached signatures of workbook-sized files.
add_executable(bench_sign bench_sign.c)
target_link_libraries(bench_sign PRIVATE core)
