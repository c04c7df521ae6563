# The sheet hashes of the golden workbooks recomputed with Python's zipfile and
# ElementTree (scripts/sheet_hashes.py, the recipe of docs/reports.md) must
# equal the hashes each workbook's signature sheet lists, which the writer
# computed: the canonical form is what an independent reader recovers.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  file(GLOB GOLDEN_BOOKS ${CMAKE_SOURCE_DIR}/tests/golden/*.xlsx)
  add_test(NAME sheet_hashes_py
           COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/sheet_hashes.py ${GOLDEN_BOOKS})
endif()
