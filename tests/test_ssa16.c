/*
 * The AVX-512 draws of src/core/ssa16.h against the scalar iteration of
 * src/envs/ccasr/physics.h, over every input they can get: for each of the
 * 2^24 values of w1 >> 8, myr__neglog_u1_16() equals 0 - myr__logf16() of
 * myr__u1_16() bit for bit, and -myr_logf_fast() of the scalar u1 (+0 where
 * u1 = 1, where the scalar negation gives -0).  Builds without AVX-512
 * check the scalar function alone.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "../src/envs/ccasr/physics.h"
#include "../src/core/ssa16.h"

static uint32_t bits_of(float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  return u;
}

int main(void) {
  uint32_t i, bad = 0, bad_scalar = 0, checked = 0;
  /* the scalar log at both ends of its domain */
  CHECK(myr_logf_fast(1.0f) == 0.0f);
  CHECK(fabsf(myr_logf_fast(5.9604644775390625e-8f) + 16.635532f) < 1e-5f);
#ifdef MYR_HAVE_SSA16
  for (i = 0; i < (1u << 24); i += 16) {
    _Alignas(64) uint32_t w[16];
    _Alignas(64) float a[16], b[16];
    uint32_t l;
    /* w >> 8 = i + l; the low 8 bits are noise the draws must ignore */
    for (l = 0; l < 16; ++l) w[l] = ((i + l) << 8) | ((i * 7u + l * 13u) & 0xFFu);
    {
      __m512i v = _mm512_load_si512(w);
      _mm512_store_ps(a, myr__neglog_u1_16(v));
      _mm512_store_ps(b, _mm512_sub_ps(_mm512_setzero_ps(), myr__logf16(myr__u1_16(v))));
    }
    for (l = 0; l < 16; ++l) {
      float u1 = (float)(int32_t)((w[l] >> 8) + 1u) * 5.9604644775390625e-8f;
      float s = -myr_logf_fast(u1);
      if (bits_of(a[l]) != bits_of(b[l])) {
        if (bad++ < 5)
          fprintf(stderr, "w1 >> 8 = %u: %a vs %a\n", i + l, (double)a[l], (double)b[l]);
      }
      if (!(a[l] == s && (s != 0.0f || bits_of(a[l]) == 0u))) {
        if (bad_scalar++ < 5)
          fprintf(stderr, "w1 >> 8 = %u: %a vs scalar %a\n", i + l, (double)a[l], (double)s);
      }
      ++checked;
    }
  }
  CHECK_MSG(checked == (1u << 24), "%u inputs", checked);
  CHECK_MSG(bad == 0, "%u of 2^24 differ from 0 - myr__logf16()", bad);
  CHECK_MSG(bad_scalar == 0, "%u of 2^24 differ from -myr_logf_fast()", bad_scalar);
#else
  (void)i;
  (void)bad;
  (void)bad_scalar;
  (void)checked;
  (void)bits_of;
  printf("test_ssa16: no AVX-512 in this build: the scalar log only\n");
#endif
  return check_summary("test_ssa16");
}
