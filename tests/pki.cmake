# Tests of core/pki*.c: CA, certificates, encrypted keys, CMS and checkpoint signatures.
loandesk_test(pki core)
