/*
 * The AVX-512 log of src/core/ssa16.h against the scalar iteration of
 * src/envs/ccasr/physics.h over every input it can get: for each of the
 * 2^24 values of w1 >> 8, myr__neglog_u1_16() equals -myr_logf_fast() of
 * the scalar u1 = ((w1 >> 8) + 1) 2^-24 bit for bit, but for u1 = 1, where
 * it gives +0 and the scalar negation -0.  Builds without AVX-512 check
 * the scalar function alone.
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
  /* the scalar log at both ends of its domain */
  CHECK(myr_logf_fast(1.0f) == 0.0f);
  CHECK(fabsf(myr_logf_fast(5.9604644775390625e-8f) + 16.635532f) < 1e-5f);
  CHECK(bits_of(-myr_logf_fast(1.0f)) == 0x80000000u);
#ifdef MYR_HAVE_SSA16
  {
    uint32_t i, bad = 0, checked = 0;
    for (i = 0; i < (1u << 24); i += 16) {
      _Alignas(64) uint32_t w[16];
      _Alignas(64) float a[16];
      uint32_t l;
      /* w >> 8 = i + l; the low 8 bits are noise the draws must ignore */
      for (l = 0; l < 16; ++l) w[l] = ((i + l) << 8) | ((i * 7u + l * 13u) & 0xFFu);
      _mm512_store_ps(a, myr__neglog_u1_16(_mm512_load_si512(w)));
      for (l = 0; l < 16; ++l) {
        float u1 = (float)(int32_t)((w[l] >> 8) + 1u) * 5.9604644775390625e-8f;
        float s = -myr_logf_fast(u1);
        uint32_t want = u1 == 1.0f ? 0u : bits_of(s);
        if (bits_of(a[l]) != want && bad++ < 5)
          fprintf(stderr, "w1 >> 8 = %u: %a vs scalar %a\n", i + l, (double)a[l], (double)s);
        ++checked;
      }
    }
    CHECK_MSG(checked == (1u << 24), "%u inputs", checked);
    CHECK_MSG(bad == 0, "%u of 2^24 differ from -myr_logf_fast()", bad);
  }
#else
  printf("test_ssa16: no AVX-512 in this build: the scalar log only\n");
#endif
  return check_summary("test_ssa16");
}
