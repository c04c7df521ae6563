# Origination benchmarks: the synthetic portfolio generator and `loandesk import`
# of 1,000,000 applications against a bare prepared-statement insert.
add_executable(bench_gen gen.c)
target_link_libraries(bench_gen PRIVATE core)
target_compile_definitions(bench_gen PRIVATE LOANDESK_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
add_executable(bench_import import.c)
target_link_libraries(bench_import PRIVATE core)
add_dependencies(bench_import bench_gen loandesk)
