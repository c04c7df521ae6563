/*
 * ident.h - Chinese identity numbers (docs/regulation.md, "Identity numbers").
 *
 * Resident ID (GB 11643-1999): 17 digits and a check character from
 * "10X98765432", with a real birth date not after `today`.
 * Unified social credit code (GB 32100-2015): 17 characters over
 * "0123456789ABCDEFGHJKLMNPQRTUWXY" and a check character.
 */
#ifndef LD_IDENT_H
#define LD_IDENT_H

#include "date.h"
#include "ld_error.h"

/* Validates an 18-character resident ID; on success writes the birth date. */
ld_status core_resident_id_check(const char *field, const char *id, ld_date today,
                                 ld_date *birth_out, ld_error *err);

/* Validates an 18-character unified social credit code. */
ld_status core_uscc_check(const char *field, const char *code, ld_error *err);

/* The check character a resident ID's first 17 digits call for, or 0 if they are
 * not 17 digits. Used by the synthetic portfolio generator too. */
char core_resident_id_check_char(const char *first17);

/* The check character a credit code's first 17 characters call for, or 0. */
char core_uscc_check_char(const char *first17);

#endif
