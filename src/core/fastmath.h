/*
 * fastmath.h -- branch-free float32 sin/cos that vectorise (and run in CUDA
 * kernels) with the same results on every backend.
 *
 * Range reduction by k = nearest integer of x * 2/pi with a three-part
 * Cody-Waite pi/2, then the Cephes minimax polynomials on [-pi/4, pi/4]
 * (Moshier, "Methods and Programs for Mathematical Functions", 1989).
 * Maximum error about 1 ulp for |x| < 2^16; any input is safe (huge or
 * non-finite inputs give meaningless values, never undefined behaviour).
 */
#ifndef MYR_CORE_FASTMATH_H
#define MYR_CORE_FASTMATH_H

#include "common.h"

/* the polynomials on [-pi/4, pi/4] (reduced argument r) */
MYR_HD void myr__sincosf_poly(float r, float* sp, float* cp) {
  float z = r * r;
  *sp = ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f) *
            z * r + r;
  *cp = ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z +
         4.166664568298827e-2f) * z * z - 0.5f * z + 1.0f;
}

/* myr_sincosf() of |x| <= MYR_SINCOSF_SMALL, where the reduction is the
 * identity (k = 0: r = x, quadrant 0), so the same values bit for bit
 * without it */
#define MYR_SINCOSF_SMALL 0.78f
MYR_HD void myr_sincosf_small(float x, float* s_out, float* c_out) {
  myr__sincosf_poly(x, s_out, c_out);
}

MYR_HD void myr_sincosf(float x, float* s_out, float* c_out) {
  /* k = rint(x * 2/pi) with the 1.5 * 2^23 trick (exact for |x| < 2^22) */
  const float shift = 12582912.0f;
  float kf = (x * 0.63661977236758134f + shift) - shift;
  /* the quadrant comes from a clamped copy: converting a huge or NaN value
   * to int is undefined (such inputs give a meaningless, finite-or-NaN
   * result, as any float sin would) */
  float kc = kf >= -1.0e9f ? kf : -1.0e9f;
  int32_t q;
  kc = kc <= 1.0e9f ? kc : 1.0e9f;
  q = (int32_t)kc;
  float r = x - kf * 1.5703125f;
  r = r - kf * 4.837512969970703125e-4f;
  r = r - kf * 7.54978995489188216e-8f;
  {
    float sp, cp;
    int32_t swap = q & 1;
    myr__sincosf_poly(r, &sp, &cp);
    float s = swap ? cp : sp;
    float c = swap ? sp : cp;
    *s_out = (q & 2) ? -s : s;
    *c_out = ((q + 1) & 2) ? -c : c;
  }
}

#endif /* MYR_CORE_FASTMATH_H */
