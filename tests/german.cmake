# A scorecard fitted by `rating fit` on the Statlog German Credit data, against
# an unpenalised logistic regression on the same split (tests/german/run.sh).
add_test(NAME german_credit COMMAND ${CMAKE_SOURCE_DIR}/tests/german/run.sh
                                    $<TARGET_FILE:loandesk> ${CMAKE_SOURCE_DIR})
