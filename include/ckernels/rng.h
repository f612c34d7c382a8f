/* CKernels — counter-based random numbers (DESIGN.md §4 "Randomness").
 *
 * Bit generator: Philox4x64-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
 * 1, 2, 3", SC 2011; Random123), the generator numpy calls `np.random.Philox`.
 *
 * Keying (spec/risk.md "Random numbers"): key = (seed, 0); in stream p the j-th four-word block
 * (j = 0, 1, ...) is Philox(counter = (j+1, p, 0, 0), key), words taken in order 0..3. This is
 * exactly the sequence of
 *     np.random.Philox(key=seed, counter=p << 64).random_raw()
 * because numpy stores counter word 1 = p and increments the 256-bit counter before it computes
 * each block (verified with numpy 2.4 by tests/data/core/rng/gen_rng.py). A stream holds 2^64
 * blocks; past that the counter carries into word 1 as numpy's does.
 *
 * Uniform: u = ((w >> 11) + 0.5) * 2^-53 evaluated in double precision (as numpy/Python do), which
 * lies in (0,1) except that the top word (w >> 11 = 2^53-1) rounds to 1.0; that single value is
 * returned as 1 - 2^-53 (the other nearest double), so u is always in [2^-54, 1 - 2^-53].
 * Normal: z = Φ⁻¹(u) by AS241 (Wichura 1988, PPND16), built only from + − × ÷ sqrt and the
 * portable log below, without FP contraction: the same (seed, stream) gives bitwise the same
 * normals on every IEEE-754 platform, for any thread count. A CUDA port must keep that property
 * (compile with -fmad=false or write the arithmetic with __dmul_rn/__dadd_rn).
 *
 * Everything here is pure: no allocation, no global state; a ck_rng_t lives on the caller's stack
 * and may be copied. The value functions (next/uniform/normal) cannot fail and return values. */
#ifndef CKERNELS_RNG_H
#define CKERNELS_RNG_H

#include <stdint.h>

#include "ckernels/export.h"
#include "ckernels/status.h"
#include "ckernels/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One stream. Treat the fields as private; copy the struct to fork the position. */
typedef struct ck_rng {
    uint64_t key[2];  /* (seed, 0) */
    uint64_t ctr[4];  /* counter of the block in buf: (j+1, stream, 0, 0) */
    uint64_t buf[4];  /* current block */
    uint64_t stream;  /* kept for ck_rng_seek */
    int32_t pos;      /* next word of buf to hand out; 4 = buffer empty */
} ck_rng_t;

/* The Philox4x64-10 bijection: out = Philox(counter, key). out may alias counter. */
CK_API void ck_philox4x64_block(uint64_t out[4], const uint64_t counter[4], const uint64_t key[2]);

/* Start stream `stream` of `seed` at block 0, word 0. CK_E_INVALID_INPUT if r is NULL. */
CK_API ck_status_t ck_rng_init(ck_rng_t *r, uint64_t seed, uint64_t stream);

/* Jump to the first word of block `block` (0-based) of the stream: the same state as init followed
 * by 4*block calls of ck_rng_next_u64. CK_E_INVALID_INPUT if r is NULL. */
CK_API ck_status_t ck_rng_seek(ck_rng_t *r, uint64_t block);

/* Next 64-bit word, in numpy's random_raw order. */
CK_API uint64_t ck_rng_next_u64(ck_rng_t *r);

/* Next uniform in (0,1) from one word (see above). */
CK_API double ck_rng_uniform(ck_rng_t *r);

/* Next standard normal, Φ⁻¹ of the next uniform; |z| <= 8.3, always finite. */
CK_API double ck_rng_normal(ck_rng_t *r);

/* out[i] = the next n uniforms / normals, identical to n calls of ck_rng_uniform / ck_rng_normal.
 * CK_E_INVALID_INPUT (nothing drawn) if r is NULL, n < 0, or out is NULL while n > 0. */
CK_API ck_status_t ck_rng_fill_uniform(ck_rng_t *r, double *out, ck_idx_t n);
CK_API ck_status_t ck_rng_fill_normal(ck_rng_t *r, double *out, ck_idx_t n);

/* The word-to-uniform map used by ck_rng_uniform (for code that draws raw words itself). */
CK_API double ck_rng_u64_to_uniform(uint64_t w);

/* Φ⁻¹(p), the standard normal quantile, by AS241 (PPND16) on the portable log; within 4 ulp
 * (relative 1e-15) of the exact quantile over the tested range p in [5e-324, 1 - 2^-53]. p = 0 gives -inf, p = 1 gives +inf, p outside [0,1] or
 * NaN gives NaN. Bitwise reproducible across platforms (see above). */
CK_API double ck_norm_ppf(double p);

/* Natural logarithm from + − × ÷ and bit operations only (no libm), faithfully rounded (one of the
 * two doubles around the exact value; about 97% correctly rounded), bitwise
 * reproducible across platforms. log(0) = -inf, log(x<0) = NaN, log(+inf) = +inf, NaN -> NaN. */
CK_API double ck_log_portable(double x);

#ifdef __cplusplus
}
#endif
#endif
