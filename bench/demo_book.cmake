# The demo's loan book: plays imported applications forward month by month
# through the operations API (scripts/demo.sh).
add_executable(demo_book demo_book.c)
target_link_libraries(demo_book PRIVATE api core)
