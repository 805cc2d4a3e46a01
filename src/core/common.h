/*
 * common.h -- qualifiers shared by every physics header.
 *
 * Physics headers are compiled by the C compiler for the CPU loops and by
 * nvcc (as C++) for the CUDA kernels, so they stay inside C11 ∩ C++: no
 * compound literals, no designated initialisers, no VLAs, explicit casts.
 */
#ifndef MYR_CORE_COMMON_H
#define MYR_CORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(__CUDACC__)
#  define MYR_HD static inline __host__ __device__
#  define MYR_RESTRICT __restrict__
#else
#  define MYR_HD static inline
#  define MYR_RESTRICT __restrict__
#endif

/* Largest molecule count of any species (2^30).  The SSA never applies a
 * reaction that would take a count past it: the step ends there like a
 * reaction-cap hit (counted in cap_hits) and the episode is truncated, so
 * counts stay far from int32 overflow and every table index stays valid.
 * The same value is public as MYR_COUNT_MAX in myriad.h. */
#define MYR_COUNT_MAX 1073741824

/* a function attribute for the host's vectorised loops: GCC's tuning for
 * some AVX-512 CPUs prefers 256-bit vectors, and the SSA lane loops and
 * the classic control steps run faster with 512-bit ones (the gene
 * circuit's about 1.3x; on an Intel Xeon with AVX-512 Acrobot 1.27x,
 * Pendulum 1.29x); empty elsewhere */
#if defined(__GNUC__) && !defined(__clang__) && defined(__AVX512F__) && !defined(__CUDACC__)
#  define MYR_WIDE __attribute__((target("prefer-vector-width=512")))
#else
#  define MYR_WIDE
#endif

/* a if m == 1, b if m == 0, by bit masks (no branch, vectorises) */
MYR_HD float myr_selectf(int32_t m, float a, float b) {
  union {
    float f;
    uint32_t u;
  } x, y;
  uint32_t mask = (uint32_t)0 - (uint32_t)m;
  x.f = a;
  y.f = b;
  x.u = (x.u & mask) | (y.u & ~mask);
  return x.f;
}

/* pi to double precision (M_PI is not ISO C) */
#define MYR_PI 3.14159265358979323846

/* A float32 copy of some members of a float64 constants struct ptype,
 * from one list (#define XX_F(X) X(a) X(b) ...): the struct name (those
 * members in float, then max_steps) and its conversion name_from(p). */
#define MYR_FLOAT_MEMBER(m) float m;
#define MYR_TO_FLOAT(m) f.m = (float)p->m;
#define MYR_DEFINE_FLOAT_COPY(name, ptype, LIST)        \
  typedef struct name {                                 \
    LIST(MYR_FLOAT_MEMBER)                              \
    int32_t max_steps;                                  \
  } name;                                               \
  MYR_HD name name##_from(const ptype* p) {             \
    name f;                                             \
    LIST(MYR_TO_FLOAT)                                  \
    f.max_steps = p->max_steps;                         \
    return f;                                           \
  }

/* Compile-time layout checks that C11 and C++ both accept.  A struct that
 * one compiler fills and another reads (the C side of the CUDA backend and
 * an env's .cu file, nvcc's host compiler and its device pass) has its size
 * and offsets pinned where each of them sees the numbers, so a compiler
 * that lays it out differently, or an edit the numbers do not follow,
 * fails to compile. */
#if defined(__cplusplus)
#  define MYR__LAYOUT(cond) static_assert(cond, #cond)
#else
#  define MYR__LAYOUT(cond) _Static_assert(cond, #cond)
#endif
#define MYR__SIZE(type, bytes) MYR__LAYOUT(sizeof(type) == (bytes))
#define MYR__AT(type, member, offset) \
  MYR__LAYOUT(offsetof(type, member) == (offset))

#endif /* MYR_CORE_COMMON_H */
