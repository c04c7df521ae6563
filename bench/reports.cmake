# Workbook throughput of reports/: the streaming ledger workbook against a bare
# libxlsxwriter loop, peak memory, and signed workbooks per second.
add_executable(bench_reports bench_reports.c)
target_link_libraries(bench_reports PRIVATE reports ledger core PkgConfig::XLSXWRITER)
