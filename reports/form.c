/*
 * form.c - the label-and-value rows of the form-like reports (the pre-loan
 * investigation and the post-loan inspection), written once for both.
 */
#include "book_int.h"

void report_form_text(report_sheet *sheet, int *row, int last_col, const char *label,
                      const char *text)
{
    report_cell_text(sheet, *row, 0, label);
    report_cell_span(sheet, *row, 1, last_col, text);
    (*row)++;
}

void report_form_money(report_sheet *sheet, int *row, const char *label, ld_money fen)
{
    report_cell_text(sheet, *row, 0, label);
    report_cell_money(sheet, *row, 1, fen);
    (*row)++;
}

void report_form_int(report_sheet *sheet, int *row, const char *label, int64_t value)
{
    report_cell_text(sheet, *row, 0, label);
    report_cell_int(sheet, *row, 1, value);
    (*row)++;
}

void report_form_rate(report_sheet *sheet, int *row, const char *label, ld_rate millionths)
{
    report_cell_text(sheet, *row, 0, label);
    report_cell_rate(sheet, *row, 1, millionths);
    (*row)++;
}

void report_form_date(report_sheet *sheet, int *row, const char *label, ld_date date)
{
    report_cell_text(sheet, *row, 0, label);
    report_cell_date(sheet, *row, 1, date);
    (*row)++;
}

void report_form_section(report_sheet *sheet, int *row, const char *title)
{
    (*row)++;
    report_cell_section(sheet, *row, 0, title);
    (*row)++;
}
