/* Philox4x32-10 against the Random123 known-answer vectors (kat_vectors). */
#include "check.h"
#include "core/philox.h"

static void kat(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                uint32_t k0, uint32_t k1, uint32_t e0, uint32_t e1,
                uint32_t e2, uint32_t e3) {
  myr_philox_out r = myr_philox4x32_10(c0, c1, c2, c3, k0, k1);
  CHECK_MSG(r.v[0] == e0 && r.v[1] == e1 && r.v[2] == e2 && r.v[3] == e3,
            "got %08x %08x %08x %08x", r.v[0], r.v[1], r.v[2], r.v[3]);
}

int main(void) {
  kat(0, 0, 0, 0, 0, 0, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u);
  kat(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu,
      0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu);
  kat(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u,
      0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u);
  /* the Myriad layout: distinct streams and envs give distinct words */
  {
    myr_philox_out a = myr_draw(7, 1, 0, MYR_STREAM_RESET, 0);
    myr_philox_out b = myr_draw(7, 2, 0, MYR_STREAM_RESET, 0);
    myr_philox_out c = myr_draw(7, 1, 0, MYR_STREAM_AUTORESET, 0);
    myr_philox_out d = myr_draw(8, 1, 0, MYR_STREAM_RESET, 0);
    CHECK(a.v[0] != b.v[0] && a.v[0] != c.v[0] && a.v[0] != d.v[0]);
  }
  /* uniforms: [0,1) and (0,1] at the extremes */
  CHECK(myr_u01f(0) == 0.0f && myr_u01f(0xffffffffu) < 1.0f);
  CHECK(myr_u01f_open0(0) > 0.0f && myr_u01f_open0(0xffffffffu) == 1.0f);
  CHECK(myr_u01d(0, 0) == 0.0 && myr_u01d(0xffffffffu, 0xffffffffu) < 1.0);
  /* mean of many uniforms is 1/2 within 5 standard errors */
  {
    double s = 0;
    int i, n = 1 << 20;
    for (i = 0; i < n / 4; ++i) {
      myr_philox_out r = myr_draw(42, (uint32_t)i, 3, MYR_STREAM_ACTION, 0);
      s += (double)(myr_u01f(r.v[0]) + myr_u01f(r.v[1]) + myr_u01f(r.v[2]) +
                    myr_u01f(r.v[3]));
    }
    CHECK(fabs(s / n - 0.5) < 5.0 * sqrt(1.0 / 12.0 / n));
  }
  return check_summary("test_philox");
}
