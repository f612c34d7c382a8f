/* Tests for the fixed-point money module (include/ckernels/fixed.h).
 *
 * Oracle: Python's decimal module, through the committed fixtures in tests/data/core/fixed/
 * (written by gen_fixed.py; format described there). Every fixture line is checked exactly: the
 * status (overflow / invalid) and the formatted result, string for string. Hand-checked tests
 * below cover the grammar, bad input, buffers and the edges the oracle cannot express. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ckernels/fixed.h"

#define FIXDIR CK_TEST_DATA_DIR "/core/fixed/"

/* ---------------------------------------------------------------- helpers */

static ck_rounding_t mode_of(const char *s) {
    static const char *const names[] = {"HALF_EVEN", "HALF_UP", "HALF_DOWN", "DOWN",
                                        "UP",        "FLOOR",   "CEILING"};
    for (int i = 0; i < 7; i++)
        if (strcmp(s, names[i]) == 0) return (ck_rounding_t)i;
    cr_assert_fail("unknown rounding mode %s", s);
    return CK_ROUND_HALF_EVEN;
}

/* Base-10 integer -> int128, independent of the library (fixture operands are in range). */
static ck_int128_t i128_of(const char *s) {
    bool neg = *s == '-';
    if (*s == '-' || *s == '+') s++;
    ck_uint128_t m = 0;
    cr_assert(*s, "empty integer");
    for (; *s; s++) {
        cr_assert(*s >= '0' && *s <= '9', "bad integer digit");
        m = m * 10 + (ck_uint128_t)(*s - '0');
    }
    if (m == 0) return 0;
    return neg ? -(ck_int128_t)(m - 1) - 1 : (ck_int128_t)m;
}

static uint64_t hex_bits(const char *s) {
    char *end;
    unsigned long long v = strtoull(s, &end, 16);
    cr_assert(*end == '\0' && strlen(s) == 16, "bad hex %s", s);
    return (uint64_t)v;
}

static double double_of_bits(uint64_t b) {
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t bits_of_double(double d) {
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

static const char *fmt128(ck_fixed128_t x, ck_fixed_format_t style, char *buf) {
    ck_status_t st = ck_fixed128_format(buf, CK_FIXED128_STR_MAX, NULL, x, style);
    cr_assert_eq(st, CK_OK);
    return buf;
}

static const char *fmt64(ck_fixed64_t x, ck_fixed_format_t style, char *buf) {
    ck_status_t st = ck_fixed64_format(buf, CK_FIXED64_STR_MAX, NULL, x, style);
    cr_assert_eq(st, CK_OK);
    return buf;
}

/* One fixture checker: status plus formatted value. */
typedef struct {
    const char *file;
    long line;
    long failures;
} fx_run_t;

static void report(fx_run_t *r, const char *what, const char *got, const char *want) {
    r->failures++;
    if (r->failures <= 25)
        cr_log_error("%s:%ld: %s: got %s, want %s", r->file, r->line, what, got, want);
}

static const char *status_word(ck_status_t st) {
    return st == CK_E_OVERFLOW ? "overflow" : st == CK_E_INVALID_INPUT ? "invalid" : ck_status_name(st);
}

/* want is a FULL string, "overflow", or (for div) "divzero" = CK_E_INVALID_INPUT. */
static void check128(fx_run_t *r, const char *what, ck_status_t st, ck_fixed128_t v, const char *want) {
    char buf[CK_FIXED128_STR_MAX];
    if (strcmp(want, "overflow") == 0) {
        if (st != CK_E_OVERFLOW) report(r, what, st == CK_OK ? fmt128(v, CK_FIXED_FORMAT_FULL, buf) : status_word(st), want);
    } else if (strcmp(want, "divzero") == 0 || strcmp(want, "inexact") == 0) {
        if (st != CK_E_INVALID_INPUT) report(r, what, st == CK_OK ? fmt128(v, CK_FIXED_FORMAT_FULL, buf) : status_word(st), want);
    } else if (st != CK_OK) {
        report(r, what, status_word(st), want);
    } else if (strcmp(fmt128(v, CK_FIXED_FORMAT_FULL, buf), want) != 0) {
        report(r, what, buf, want);
    }
}

static void check64(fx_run_t *r, const char *what, ck_status_t st, ck_fixed64_t v, const char *want) {
    char buf[CK_FIXED64_STR_MAX];
    if (strcmp(want, "overflow") == 0) {
        if (st != CK_E_OVERFLOW) report(r, what, st == CK_OK ? fmt64(v, CK_FIXED_FORMAT_FULL, buf) : status_word(st), want);
    } else if (strcmp(want, "divzero") == 0 || strcmp(want, "inexact") == 0) {
        if (st != CK_E_INVALID_INPUT) report(r, what, st == CK_OK ? fmt64(v, CK_FIXED_FORMAT_FULL, buf) : status_word(st), want);
    } else if (st != CK_OK) {
        report(r, what, status_word(st), want);
    } else if (strcmp(fmt64(v, CK_FIXED_FORMAT_FULL, buf), want) != 0) {
        report(r, what, buf, want);
    }
}

#define MAXTOK 8

static void run_line(fx_run_t *r, char **t, int nt) {
    const char *op = t[0];
    /* Most ops: t[1] = 128|64. */
    bool is128 = nt > 1 && strcmp(t[1], "128") == 0;
    char buf[64];
    if (strcmp(op, "parse") == 0) {
        cr_assert_eq(nt, 6);
        ck_rounding_t m = mode_of(t[2]);
        size_t len = strlen(t[3]);
        if (is128) {
            ck_fixed128_t v = {0};
            ck_status_t st = ck_fixed128_parse(&v, t[3], len, m);
            check128(r, "parse", st, v, t[4]);
            if (st == CK_OK && strcmp(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), t[5]) != 0)
                report(r, "parse/trim", buf, t[5]);
        } else {
            ck_fixed64_t v = {0};
            ck_status_t st = ck_fixed64_parse(&v, t[3], len, m);
            check64(r, "parse", st, v, t[4]);
            if (st == CK_OK && strcmp(fmt64(v, CK_FIXED_FORMAT_TRIM, buf), t[5]) != 0)
                report(r, "parse/trim", buf, t[5]);
        }
    } else if (strcmp(op, "exact") == 0) {
        cr_assert_eq(nt, 4);
        if (is128) {
            ck_fixed128_t v = {0};
            check128(r, "exact", ck_fixed128_parse_exact(&v, t[2], strlen(t[2])), v, t[3]);
        } else {
            ck_fixed64_t v = {0};
            check64(r, "exact", ck_fixed64_parse_exact(&v, t[2], strlen(t[2])), v, t[3]);
        }
    } else if (strcmp(op, "add") == 0 || strcmp(op, "sub") == 0 || strcmp(op, "cmp") == 0) {
        cr_assert_eq(nt, 5);
        ck_int128_t a = i128_of(t[2]), b = i128_of(t[3]);
        if (strcmp(op, "cmp") == 0) {
            int c = is128 ? ck_fixed128_cmp(ck_fixed128_from_raw(a), ck_fixed128_from_raw(b))
                          : ck_fixed64_cmp(ck_fixed64_from_raw((int64_t)a), ck_fixed64_from_raw((int64_t)b));
            snprintf(buf, sizeof buf, "%d", c);
            if (strcmp(buf, t[4]) != 0) report(r, "cmp", buf, t[4]);
        } else if (is128) {
            ck_fixed128_t v = {0};
            ck_status_t st = op[0] == 'a' ? ck_fixed128_add(&v, ck_fixed128_from_raw(a), ck_fixed128_from_raw(b))
                                          : ck_fixed128_sub(&v, ck_fixed128_from_raw(a), ck_fixed128_from_raw(b));
            check128(r, op, st, v, t[4]);
        } else {
            ck_fixed64_t v = {0};
            ck_fixed64_t fa = ck_fixed64_from_raw((int64_t)a), fb = ck_fixed64_from_raw((int64_t)b);
            ck_status_t st = op[0] == 'a' ? ck_fixed64_add(&v, fa, fb) : ck_fixed64_sub(&v, fa, fb);
            check64(r, op, st, v, t[4]);
        }
    } else if (strcmp(op, "neg") == 0) {
        cr_assert_eq(nt, 4);
        ck_int128_t a = i128_of(t[2]);
        if (is128) {
            ck_fixed128_t v = {0};
            check128(r, "neg", ck_fixed128_neg(&v, ck_fixed128_from_raw(a)), v, t[3]);
        } else {
            ck_fixed64_t v = {0};
            check64(r, "neg", ck_fixed64_neg(&v, ck_fixed64_from_raw((int64_t)a)), v, t[3]);
        }
    } else if (strcmp(op, "mul") == 0 || strcmp(op, "div") == 0) {
        cr_assert_eq(nt, 6);
        ck_rounding_t m = mode_of(t[2]);
        ck_int128_t a = i128_of(t[3]), b = i128_of(t[4]);
        bool mul = op[0] == 'm';
        if (is128) {
            ck_fixed128_t v = {0}, fa = ck_fixed128_from_raw(a), fb = ck_fixed128_from_raw(b);
            check128(r, op, mul ? ck_fixed128_mul(&v, fa, fb, m) : ck_fixed128_div(&v, fa, fb, m), v, t[5]);
        } else {
            ck_fixed64_t v = {0}, fa = ck_fixed64_from_raw((int64_t)a), fb = ck_fixed64_from_raw((int64_t)b);
            check64(r, op, mul ? ck_fixed64_mul(&v, fa, fb, m) : ck_fixed64_div(&v, fa, fb, m), v, t[5]);
        }
    } else if (strcmp(op, "round") == 0) {
        cr_assert_eq(nt, 6);
        ck_rounding_t m = mode_of(t[2]);
        int dec = atoi(t[3]);
        ck_int128_t a = i128_of(t[4]);
        if (is128) {
            ck_fixed128_t v = {0};
            check128(r, "round", ck_fixed128_round(&v, ck_fixed128_from_raw(a), dec, m), v, t[5]);
        } else {
            ck_fixed64_t v = {0};
            check64(r, "round", ck_fixed64_round(&v, ck_fixed64_from_raw((int64_t)a), dec, m), v, t[5]);
        }
    } else if (strcmp(op, "fromdbl") == 0) {
        cr_assert_eq(nt, 5);
        ck_rounding_t m = mode_of(t[2]);
        double d = double_of_bits(hex_bits(t[3]));
        if (is128) {
            ck_fixed128_t v = {0};
            check128(r, "fromdbl", ck_fixed128_from_double(&v, d, m), v, t[4]);
        } else {
            ck_fixed64_t v = {0};
            check64(r, "fromdbl", ck_fixed64_from_double(&v, d, m), v, t[4]);
        }
    } else if (strcmp(op, "todbl") == 0) {
        cr_assert_eq(nt, 4);
        ck_int128_t a = i128_of(t[2]);
        double d = is128 ? ck_fixed128_to_double(ck_fixed128_from_raw(a))
                         : ck_fixed64_to_double(ck_fixed64_from_raw((int64_t)a));
        uint64_t want = hex_bits(t[3]);
        if (bits_of_double(d) != want) {
            char w[40];
            snprintf(buf, sizeof buf, "%a", d);
            snprintf(w, sizeof w, "%a", double_of_bits(want));
            report(r, "todbl", buf, w);
        }
    } else if (strcmp(op, "toint") == 0) {
        cr_assert_eq(nt, 5);
        ck_rounding_t m = mode_of(t[2]);
        ck_int128_t a = i128_of(t[3]);
        int64_t v = 0;
        ck_status_t st = is128 ? ck_fixed128_to_int64(&v, ck_fixed128_from_raw(a), m)
                               : ck_fixed64_to_int64(&v, ck_fixed64_from_raw((int64_t)a), m);
        if (strcmp(t[4], "overflow") == 0) {
            if (st != CK_E_OVERFLOW) report(r, "toint", status_word(st), t[4]);
        } else {
            snprintf(buf, sizeof buf, "%lld", (long long)v);
            if (st != CK_OK) report(r, "toint", status_word(st), t[4]);
            else if (strcmp(buf, t[4]) != 0) report(r, "toint", buf, t[4]);
        }
    } else if (strcmp(op, "narrow") == 0) {
        cr_assert_eq(nt, 4);
        ck_fixed64_t v = {0};
        check64(r, "narrow", ck_fixed128_narrow(&v, ck_fixed128_from_raw(i128_of(t[2])), mode_of(t[1])), v, t[3]);
    } else {
        cr_assert_fail("%s:%ld: unknown op %s", r->file, r->line, op);
    }
}

/* Checks every line of one fixture file; returns the number of lines checked. */
static long run_file(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s", FIXDIR, name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    fx_run_t r = {name, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    long checked = 0;
    while (getline(&line, &cap, f) >= 0) {
        r.line++;
        if (line[0] == '#' || line[0] == '\n') continue;
        char *t[MAXTOK], *save = NULL;
        int nt = 0;
        for (char *p = strtok_r(line, " \t\r\n", &save); p && nt < MAXTOK; p = strtok_r(NULL, " \t\r\n", &save))
            t[nt++] = p;
        if (nt == 0) continue;
        run_line(&r, t, nt);
        checked++;
    }
    free(line);
    fclose(f);
    cr_expect_eq(r.failures, 0, "%s: %ld of %ld lines disagree with Python decimal", name, r.failures, checked);
    return checked;
}

/* ---------------------------------------------------------------- fixtures (oracle) */

Test(fixed_oracle, parse) { cr_expect_gt(run_file("parse.txt"), 6000); }
Test(fixed_oracle, add_sub_neg_cmp) { cr_expect_gt(run_file("arith.txt"), 5000); }
Test(fixed_oracle, mul_div) { cr_expect_gt(run_file("muldiv.txt"), 12000); }
Test(fixed_oracle, round) { cr_expect_gt(run_file("round.txt"), 2000); }
Test(fixed_oracle, int64_and_narrow) { cr_expect_gt(run_file("conv.txt"), 5000); }
Test(fixed_oracle, doubles) { cr_expect_gt(run_file("double.txt"), 6000); }

/* ---------------------------------------------------------------- hand-checked */

static ck_fixed128_t P(const char *s) {
    ck_fixed128_t v;
    cr_assert_eq(ck_fixed128_parse_exact(&v, s, strlen(s)), CK_OK, "parse %s", s);
    return v;
}

static ck_status_t parse_s(ck_fixed128_t *v, const char *s, ck_rounding_t m) {
    return ck_fixed128_parse(v, s, strlen(s), m);
}

Test(fixed, parse_rejects_junk) {
    static const char *const bad[] = {
        "", " ", " 1", "1 ", "1 000", "1_000", "1,5", "nan", "NaN", "inf", "-inf", "Infinity",
        "+", "-", ".", "-.", "+.", "e5", ".e5", "1e", "1e+", "1e-", "0x10", "1.2.3", "--1", "+-1",
        "1e5.5", "1e 5", "1.5f", "\xef\xbc\x91" /* fullwidth 1 */, "1\t", "\n1", "1d5", "--", "1e--5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_fixed128_t v = ck_fixed128_from_raw(42);
        ck_fixed64_t w = ck_fixed64_from_raw(42);
        cr_expect_eq(parse_s(&v, bad[i], CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT, "accepted \"%s\"", bad[i]);
        cr_expect_eq(ck_fixed128_parse_exact(&v, bad[i], strlen(bad[i])), CK_E_INVALID_INPUT, "exact accepted \"%s\"", bad[i]);
        cr_expect_eq(ck_fixed64_parse(&w, bad[i], strlen(bad[i]), CK_ROUND_DOWN), CK_E_INVALID_INPUT, "64 accepted \"%s\"", bad[i]);
        cr_expect(v.raw == 42 && w.raw == 42, "output changed on error for \"%s\"", bad[i]);
    }
    ck_fixed128_t v;
    /* embedded NUL within the explicit length */
    cr_expect_eq(ck_fixed128_parse(&v, "1\0", 2, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_parse(&v, NULL, 0, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_parse(&v, NULL, 3, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_parse(NULL, "1", 1, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_parse(&v, "1", 1, (ck_rounding_t)7), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_parse(&v, "1", 1, (ck_rounding_t)-1), CK_E_INVALID_INPUT);
}

Test(fixed, parse_explicit_length) {
    ck_fixed128_t v;
    char buf[CK_FIXED128_STR_MAX];
    cr_assert_eq(ck_fixed128_parse(&v, "12345", 3, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), "123");
    cr_assert_eq(ck_fixed128_parse(&v, "1.5junk", 3, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), "1.5");
    /* not NUL-terminated at all */
    const char raw[4] = {'-', '7', '.', '5'};
    cr_assert_eq(ck_fixed128_parse(&v, raw, sizeof raw, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), "-7.5");
}

Test(fixed, parse_extreme_exponents) {
    /* Exponents beyond what Python's decimal accepts: checked by hand. */
    ck_fixed128_t v = ck_fixed128_from_raw(9);
    cr_expect_eq(parse_s(&v, "1e99999999999999999999999", CK_ROUND_DOWN), CK_E_OVERFLOW);
    cr_expect_eq(parse_s(&v, "-0.0001e99999999999999999999999", CK_ROUND_DOWN), CK_E_OVERFLOW);
    cr_expect_eq(parse_s(&v, "0e99999999999999999999999", CK_ROUND_DOWN), CK_OK);
    cr_expect(v.raw == 0);
    cr_expect_eq(parse_s(&v, "1e-99999999999999999999999", CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect(v.raw == 0);
    cr_expect_eq(parse_s(&v, "1e-99999999999999999999999", CK_ROUND_UP), CK_OK);
    cr_expect(v.raw == 1);
    cr_expect_eq(parse_s(&v, "-1e-99999999999999999999999", CK_ROUND_FLOOR), CK_OK);
    cr_expect(v.raw == -1);
    cr_expect_eq(parse_s(&v, "-1e-99999999999999999999999", CK_ROUND_CEILING), CK_OK);
    cr_expect(v.raw == 0);
    cr_expect_eq(ck_fixed128_parse_exact(&v, "1e-99999999999999999999999", 26), CK_E_INVALID_INPUT);
    /* a very long mantissa is read exactly */
    char big[2100];
    memset(big, '0', sizeof big);
    big[0] = '0';
    big[1] = '.';
    big[1000] = '5'; /* 0.000...5 (999th decimal) then zeros: below half a unit */
    cr_expect_eq(ck_fixed128_parse(&v, big, sizeof big, CK_ROUND_HALF_UP), CK_OK);
    cr_expect(v.raw == 0);
    cr_expect_eq(ck_fixed128_parse(&v, big, sizeof big, CK_ROUND_UP), CK_OK);
    cr_expect(v.raw == 1);
}

Test(fixed, parse_and_format_hand_values) {
    char buf[CK_FIXED128_STR_MAX];
    ck_fixed128_t v;
    cr_assert_eq(parse_s(&v, "1234.56", CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect(v.raw == (ck_int128_t)123456 * 10000000000000000LL);
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), "1234.56");
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_FULL, buf), "1234.560000000000000000");
    cr_expect_str_eq(fmt128(ck_fixed128_from_raw(0), CK_FIXED_FORMAT_TRIM, buf), "0");
    cr_expect_str_eq(fmt128(ck_fixed128_from_raw(0), CK_FIXED_FORMAT_FULL, buf), "0.000000000000000000");
    cr_expect_str_eq(fmt128(ck_fixed128_from_raw(-1), CK_FIXED_FORMAT_TRIM, buf), "-0.000000000000000001");
    cr_expect_str_eq(fmt128(ck_fixed128_from_int64(100), CK_FIXED_FORMAT_TRIM, buf), "100");
    /* "-0.5e-18" rounds to zero: no "-0" */
    cr_assert_eq(parse_s(&v, "-0.5e-18", CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(v, CK_FIXED_FORMAT_TRIM, buf), "0");
    /* range ends */
    ck_fixed128_t mn = ck_fixed128_from_raw(-(ck_int128_t)(((ck_uint128_t)1 << 127) - 1) - 1);
    cr_expect_str_eq(fmt128(mn, CK_FIXED_FORMAT_FULL, buf), "-170141183460469231731.687303715884105728");
    cr_expect_eq(strlen(buf) + 1, (size_t)CK_FIXED128_STR_MAX);
    char b64[CK_FIXED64_STR_MAX];
    cr_expect_str_eq(fmt64(ck_fixed64_from_raw(INT64_MIN), CK_FIXED_FORMAT_FULL, b64), "-92233720368.54775808");
    cr_expect_eq(strlen(b64) + 1, (size_t)CK_FIXED64_STR_MAX);
    /* 0.1 + 0.2 == 0.3 exactly, unlike binary floating point */
    ck_fixed128_t s;
    cr_assert_eq(ck_fixed128_add(&s, P("0.1"), P("0.2")), CK_OK);
    cr_expect_eq(ck_fixed128_cmp(s, P("0.3")), 0);
}

Test(fixed, format_buffer_sizes) {
    char buf[8];
    size_t need = 0;
    ck_fixed128_t v = P("1234.56");
    cr_expect_eq(ck_fixed128_format(NULL, 0, &need, v, CK_FIXED_FORMAT_TRIM), CK_E_INVALID_INPUT);
    cr_expect_eq(need, 7u);
    memset(buf, 'x', sizeof buf);
    cr_expect_eq(ck_fixed128_format(buf, 7, &need, v, CK_FIXED_FORMAT_TRIM), CK_E_INVALID_INPUT);
    cr_expect_eq(buf[0], '\0');
    cr_expect_eq(ck_fixed128_format(buf, 8, &need, v, CK_FIXED_FORMAT_TRIM), CK_OK);
    cr_expect_str_eq(buf, "1234.56");
    cr_expect_eq(ck_fixed128_format(buf, 8, &need, v, CK_FIXED_FORMAT_FULL), CK_E_INVALID_INPUT);
    cr_expect_eq(need, 23u);
    cr_expect_eq(ck_fixed128_format(buf, 8, &need, v, (ck_fixed_format_t)5), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_format(NULL, 8, &need, v, CK_FIXED_FORMAT_TRIM), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_format(NULL, 0, &need, ck_fixed64_from_raw(-5), CK_FIXED_FORMAT_TRIM), CK_E_INVALID_INPUT);
    cr_expect_eq(need, 11u); /* "-0.00000005" */
}

Test(fixed, rounding_modes_by_hand) {
    /* 2.5e-18 and -2.5e-18 in every mode (Python decimal's definitions). */
    static const struct {
        ck_rounding_t m;
        int pos, neg;
    } tab[] = {
        {CK_ROUND_HALF_EVEN, 2, -2}, {CK_ROUND_HALF_UP, 3, -3}, {CK_ROUND_HALF_DOWN, 2, -2},
        {CK_ROUND_DOWN, 2, -2},      {CK_ROUND_UP, 3, -3},      {CK_ROUND_FLOOR, 2, -3},
        {CK_ROUND_CEILING, 3, -2},
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        ck_fixed128_t v;
        cr_assert_eq(parse_s(&v, "2.5e-18", tab[i].m), CK_OK);
        cr_expect(v.raw == tab[i].pos, "mode %d +", (int)tab[i].m);
        cr_assert_eq(parse_s(&v, "-2.5e-18", tab[i].m), CK_OK);
        cr_expect(v.raw == tab[i].neg, "mode %d -", (int)tab[i].m);
    }
    cr_expect_eq(CK_ROUND_HALF_EVEN, 0);
    /* 1/3, 2/3, -1/3 */
    char buf[CK_FIXED128_STR_MAX];
    ck_fixed128_t q;
    cr_assert_eq(ck_fixed128_div(&q, P("1"), P("3"), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "0.333333333333333333");
    cr_assert_eq(ck_fixed128_div(&q, P("1"), P("3"), CK_ROUND_UP), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "0.333333333333333334");
    cr_assert_eq(ck_fixed128_div(&q, P("2"), P("3"), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "0.666666666666666667");
    cr_assert_eq(ck_fixed128_div(&q, P("-1"), P("3"), CK_ROUND_FLOOR), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "-0.333333333333333334");
    /* cents, banker's rounding: 2.675 -> 2.68, 2.665 -> 2.66; HALF_UP 2.665 -> 2.67 */
    cr_assert_eq(ck_fixed128_round(&q, P("2.675"), 2, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "2.68");
    cr_assert_eq(ck_fixed128_round(&q, P("2.665"), 2, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "2.66");
    cr_assert_eq(ck_fixed128_round(&q, P("2.665"), 2, CK_ROUND_HALF_UP), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "2.67");
    cr_assert_eq(ck_fixed128_round(&q, P("1250"), -2, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_str_eq(fmt128(q, CK_FIXED_FORMAT_TRIM, buf), "1200");
}

Test(fixed, overflow_edges_by_hand) {
    const ck_int128_t MAX = (ck_int128_t)(((ck_uint128_t)1 << 127) - 1);
    const ck_int128_t MIN = -MAX - 1;
    ck_fixed128_t v = ck_fixed128_from_raw(77);
    cr_expect_eq(ck_fixed128_neg(&v, ck_fixed128_from_raw(MIN)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_abs(&v, ck_fixed128_from_raw(MIN)), CK_E_OVERFLOW);
    cr_expect(v.raw == 77, "output unchanged on error");
    cr_expect_eq(ck_fixed128_abs(&v, ck_fixed128_from_raw(MIN + 1)), CK_OK);
    cr_expect(v.raw == MAX);
    cr_expect_eq(ck_fixed128_add(&v, ck_fixed128_from_raw(MAX), ck_fixed128_from_raw(1)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_sub(&v, ck_fixed128_from_raw(MIN), ck_fixed128_from_raw(1)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_sub(&v, ck_fixed128_from_raw(0), ck_fixed128_from_raw(MIN)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_mul(&v, ck_fixed128_from_raw(MIN), P("-1"), CK_ROUND_DOWN), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_mul(&v, ck_fixed128_from_raw(MIN), P("1"), CK_ROUND_DOWN), CK_OK);
    cr_expect(v.raw == MIN);
    cr_expect_eq(ck_fixed128_div(&v, ck_fixed128_from_raw(MIN), P("-1"), CK_ROUND_DOWN), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_div(&v, P("1"), ck_fixed128_from_raw(0), CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_div(&v, ck_fixed128_from_raw(0), ck_fixed128_from_raw(0), CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    /* fixed64 */
    ck_fixed64_t w = ck_fixed64_from_raw(5);
    cr_expect_eq(ck_fixed64_neg(&w, ck_fixed64_from_raw(INT64_MIN)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed64_abs(&w, ck_fixed64_from_raw(INT64_MIN)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed64_add(&w, ck_fixed64_from_raw(INT64_MAX), ck_fixed64_from_raw(1)), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed64_sub(&w, ck_fixed64_from_raw(INT64_MIN), ck_fixed64_from_raw(1)), CK_E_OVERFLOW);
    cr_expect(w.raw == 5);
    cr_expect_eq(ck_fixed64_from_int64(&w, 92233720368LL), CK_OK);
    cr_expect(w.raw == 9223372036800000000LL);
    cr_expect_eq(ck_fixed64_from_int64(&w, 92233720369LL), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed64_from_int64(&w, -92233720369LL), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed64_div(&w, ck_fixed64_from_raw(1), ck_fixed64_from_raw(0), CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    /* round: bad decimals */
    cr_expect_eq(ck_fixed128_round(&v, P("1"), 19, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_round(&v, P("1"), -21, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_round(&w, ck_fixed64_from_raw(1), 9, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_round(&w, ck_fixed64_from_raw(1), -11, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_round(&v, ck_fixed128_from_raw(MAX), -20, CK_ROUND_UP), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_round(&v, ck_fixed128_from_raw(MAX), -20, CK_ROUND_DOWN), CK_OK);
    cr_expect(v.raw == (ck_int128_t)10000000000000000000ULL * (ck_int128_t)10000000000000000000ULL);
}

Test(fixed, doubles_by_hand) {
    ck_fixed128_t v = ck_fixed128_from_raw(3);
    ck_fixed64_t w = ck_fixed64_from_raw(3);
    cr_expect_eq(ck_fixed128_from_double(&v, NAN, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_from_double(&v, INFINITY, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_from_double(&v, -INFINITY, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_from_double(&w, NAN, CK_ROUND_HALF_EVEN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_from_double(&v, 1.0, (ck_rounding_t)9), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_from_double(NULL, 1.0, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect(v.raw == 3 && w.raw == 3);
    cr_expect_eq(ck_fixed128_from_double(&v, 1e300, CK_ROUND_DOWN), CK_E_OVERFLOW);
    /* 0.1 is 0.1000000000000000055511151231257827... in binary */
    cr_assert_eq(ck_fixed128_from_double(&v, 0.1, CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect(v.raw == 100000000000000006LL);
    cr_assert_eq(ck_fixed128_from_double(&v, 0.1, CK_ROUND_DOWN), CK_OK);
    cr_expect(v.raw == 100000000000000005LL);
    /* the 8-decimal type sees 0.10000000|55..., below half: 0.1 */
    ck_fixed64_t w1;
    cr_assert_eq(ck_fixed64_from_double(&w1, 0.1, CK_ROUND_HALF_UP), CK_OK);
    cr_expect(w1.raw == 10000000);
    cr_assert_eq(ck_fixed128_from_double(&v, -0.0, CK_ROUND_FLOOR), CK_OK);
    cr_expect(v.raw == 0);
    /* 2^-19 = 0.0000019073486328125 is an exact tie at 18 decimals */
    cr_assert_eq(ck_fixed128_from_double(&v, ldexp(1.0, -19), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect(v.raw == 1907348632812LL);
    cr_assert_eq(ck_fixed128_from_double(&v, ldexp(1.0, -19), CK_ROUND_HALF_UP), CK_OK);
    cr_expect(v.raw == 1907348632813LL);
    cr_expect(ck_fixed128_to_double(P("0.1")) == 0.1);
    cr_expect(ck_fixed128_to_double(P("-1234.56")) == -1234.56);
    cr_expect(ck_fixed128_to_double(ck_fixed128_from_raw(1)) == 1e-18);
    cr_expect(ck_fixed64_to_double(ck_fixed64_from_raw(1)) == 1e-8);
    cr_expect(ck_fixed128_to_double(ck_fixed128_from_raw(0)) == 0.0);
    cr_expect(!signbit(ck_fixed128_to_double(ck_fixed128_from_raw(0))));
}

Test(fixed, int64_and_widen_narrow_by_hand) {
    int64_t i = 11;
    cr_expect(ck_fixed128_from_int64(INT64_MIN).raw == (ck_int128_t)INT64_MIN * CK_FIXED128_ONE_RAW);
    cr_assert_eq(ck_fixed128_to_int64(&i, P("-2.5"), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_eq(i, -2);
    cr_assert_eq(ck_fixed128_to_int64(&i, P("-2.5"), CK_ROUND_HALF_UP), CK_OK);
    cr_expect_eq(i, -3);
    cr_assert_eq(ck_fixed128_to_int64(&i, P("-2.1"), CK_ROUND_FLOOR), CK_OK);
    cr_expect_eq(i, -3);
    cr_assert_eq(ck_fixed128_to_int64(&i, ck_fixed128_from_int64(INT64_MIN), CK_ROUND_DOWN), CK_OK);
    cr_expect_eq(i, INT64_MIN);
    cr_expect_eq(ck_fixed128_to_int64(&i, P("9223372036854775807.5"), CK_ROUND_HALF_EVEN), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_to_int64(&i, P("9223372036854775807.5"), CK_ROUND_DOWN), CK_OK);
    cr_expect_eq(i, INT64_MAX);
    cr_expect_eq(ck_fixed128_to_int64(NULL, P("1"), CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_to_int64(&i, ck_fixed64_from_raw(INT64_MIN), CK_ROUND_FLOOR), CK_OK);
    cr_expect_eq(i, -92233720369LL);
    /* widen is exact at both ends; narrow rounds and checks the range */
    cr_expect(ck_fixed64_widen(ck_fixed64_from_raw(INT64_MIN)).raw == (ck_int128_t)INT64_MIN * 10000000000LL);
    cr_expect(ck_fixed64_widen(ck_fixed64_from_raw(INT64_MAX)).raw == (ck_int128_t)INT64_MAX * 10000000000LL);
    ck_fixed64_t w = ck_fixed64_from_raw(0);
    cr_assert_eq(ck_fixed128_narrow(&w, P("0.000000015"), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_eq(w.raw, 2);
    cr_assert_eq(ck_fixed128_narrow(&w, P("0.000000025"), CK_ROUND_HALF_EVEN), CK_OK);
    cr_expect_eq(w.raw, 2);
    cr_assert_eq(ck_fixed128_narrow(&w, P("-0.000000025"), CK_ROUND_HALF_UP), CK_OK);
    cr_expect_eq(w.raw, -3);
    cr_expect_eq(ck_fixed128_narrow(&w, P("92233720368.547758075"), CK_ROUND_HALF_EVEN), CK_E_OVERFLOW);
    cr_expect_eq(ck_fixed128_narrow(&w, P("92233720368.547758075"), CK_ROUND_DOWN), CK_OK);
    cr_expect_eq(w.raw, INT64_MAX);
    /* parse straight to fixed64 rounds once (no double rounding through 18 decimals) */
    cr_assert_eq(ck_fixed64_parse(&w, "0.000000004999999999999999999999", 32, CK_ROUND_HALF_UP), CK_OK);
    cr_expect_eq(w.raw, 0);
}

Test(fixed, cmp_sign_and_exported_copies) {
    cr_expect_eq(ck_fixed128_cmp(P("-1"), P("0.5")), -1);
    cr_expect_eq(ck_fixed128_cmp(P("2"), P("2.000")), 0);
    cr_expect_eq(ck_fixed128_cmp(P("2.000000000000000001"), P("2")), 1);
    cr_expect_eq(ck_fixed128_sign(P("-0.000000000000000001")), -1);
    cr_expect_eq(ck_fixed128_sign(P("-0")), 0);
    cr_expect_eq(ck_fixed64_sign(ck_fixed64_from_raw(7)), 1);
    /* The inline functions also exist as exported symbols (for bindings): call through pointers. */
    ck_status_t (*add)(ck_fixed128_t *, ck_fixed128_t, ck_fixed128_t) = ck_fixed128_add;
    ck_status_t (*neg64)(ck_fixed64_t *, ck_fixed64_t) = ck_fixed64_neg;
    ck_fixed128_t v;
    ck_fixed64_t w;
    cr_assert_eq(add(&v, P("1.25"), P("-3")), CK_OK);
    cr_expect_eq(ck_fixed128_cmp(v, P("-1.75")), 0);
    cr_assert_eq(neg64(&w, ck_fixed64_from_raw(-9)), CK_OK);
    cr_expect_eq(w.raw, 9);
    cr_expect_eq(ck_fixed128_add(NULL, v, v), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_mul(NULL, v, v, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed128_mul(&v, v, v, (ck_rounding_t)42), CK_E_INVALID_INPUT);
    cr_expect_eq(ck_fixed64_mul(NULL, w, w, CK_ROUND_DOWN), CK_E_INVALID_INPUT);
}
