# The checklist's documents, added and checked for tests that walk an
# application through submission, approval and disbursement (doc_fixture.h).
add_library(doc_fixture STATIC doc_fixture.c)
target_include_directories(doc_fixture PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(doc_fixture PUBLIC core)
