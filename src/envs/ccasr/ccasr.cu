/*
 * ccasr.cu -- CUDA kernels of the ccasr-gfp-control (gene-circuit)
 * backend: reset, step and the fused rollout, one thread per environment.
 *
 * The physics and the random numbers are the CPU's (ccasr.c, physics.h):
 * the generator of env g in the step at clock c is seeded by
 * myr_ccasr_rng_seed(seed, g, c), one step of exact SSA is
 * myr_ccasr_ssa_shared() over the host's R3/R4 table (copied to the
 * device; beyond the table the same double formula), the reward is
 * myr_ccasr_reward() against the host's target curve (copied; beyond it,
 * myr_ccasr_target() in device double math), and the random policy takes
 * the same Philox bits as myr__random_discrete() with two actions.  The
 * SSA arithmetic is float32 without contractions on both sides (nvcc
 * --fmad=false and IEEE division; the C side -ffp-contract=off), so a GPU
 * trajectory equals the CPU's count for count.  The event logic of a step
 * (truncation, episode statistics, H_end/F_end) mirrors cc_step(), and the
 * three autoreset modes are the contract of src/task/task.h
 * (myr__step_kind, myr__step_reward, myr__step_end) that cc_step() calls.
 *
 * The rollout keeps an env's state in registers for all the steps of one
 * launch, reads the propensity table from shared memory, and reduces its
 * integer statistics per block before one atomic add each.
 *
 * myr__cuda_ccasr (end of file) is what the CUDA backend runs for
 * ccasr-gfp-control (MYR__CUDA_ENV in ccasr.c): its aux memory holds the
 * device copies of the R3/R4 table and the target curve, and its ops build
 * the kernel argument myr_cuda_ccasr from the backend's myr__cuda_view and
 * the class's constants (myr__ccasr_env, layout.h).
 */
#include <cuda_runtime.h>
#include <string.h>

#include "../../core/philox.h"
#include "../../core/random_policy.h"
#include "../../task/task.h"
#include "myriad/myriad.h"
#include "../../backends/cuda/device.cuh"
#include "../../backends/cuda/kernels.h"
#include "layout.h"

/* ccasr-gfp-control batch on the device: the kernels' argument */
typedef struct myr_cuda_ccasr {
  int32_t* H;        /* molecules (n), device */
  int32_t* F;        /* molecules (n) */
  int32_t* t;        /* steps since reset (n) */
  double* ret;       /* return of the running episode (n) */
  int32_t* H_end;    /* H, F when the last episode ended (n each) */
  int32_t* F_end;
  uint8_t* pending;  /* episode ended, reset due (n) */
  const myr_ccasr_tables* tab; /* device copy of the host's R3/R4 table */
  const float* target;         /* device copy of the target curve */
  int64_t target_len;          /* entries of target; beyond: the formula */
  myr_ccasr_params p;
  int32_t max_steps;
  int32_t n_horizon;  /* obs_dim = 2 + n_horizon */
  int32_t target_mode; /* 0 constant, 1 sine */
  double target_const, sine_mean, sine_amp, sine_period;
  int64_t n;
  int64_t env_offset; /* global index of env 0 */
  uint64_t seed;
  int32_t autoreset;  /* myr_autoreset */
  unsigned long long* totals; /* device: episodes, length sum, return sum
                                 (units of 1/MYR_RETURN_SCALE), reactions,
                                 cap hits of the current launch */
} myr_cuda_ccasr;

/* nvcc's host compiler builds it, the device pass reads it (MYR__LAYOUT,
 * src/core/common.h) */
MYR__SIZE(myr_cuda_ccasr, 240);
#define MYR__AT_(m, o) MYR__AT(myr_cuda_ccasr, m, o);
MYR__AT_(H, 0) MYR__AT_(F, 8) MYR__AT_(t, 16) MYR__AT_(ret, 24)
MYR__AT_(H_end, 32) MYR__AT_(F_end, 40) MYR__AT_(pending, 48)
MYR__AT_(tab, 56) MYR__AT_(target, 64) MYR__AT_(target_len, 72)
MYR__AT_(p, 80) MYR__AT_(max_steps, 152) MYR__AT_(n_horizon, 156)
MYR__AT_(target_mode, 160) MYR__AT_(target_const, 168)
MYR__AT_(sine_mean, 176) MYR__AT_(sine_amp, 184) MYR__AT_(sine_period, 192)
MYR__AT_(n, 200) MYR__AT_(env_offset, 208) MYR__AT_(seed, 216)
MYR__AT_(autoreset, 224) MYR__AT_(totals, 232)
#undef MYR__AT_

namespace {


struct state {
  int32_t h, f, t;
  double ret;
  int32_t h_end, f_end;
  uint8_t pending;
};

__device__ __forceinline__ state load(const myr_cuda_ccasr& v, int64_t i) {
  state s;
  s.h = v.H[i];
  s.f = v.F[i];
  s.t = v.t[i];
  s.ret = v.ret[i];
  s.h_end = v.H_end[i];
  s.f_end = v.F_end[i];
  s.pending = v.pending[i];
  return s;
}

__device__ __forceinline__ void store(const myr_cuda_ccasr& v, int64_t i,
                                      const state& s) {
  v.H[i] = s.h;
  v.F[i] = s.f;
  v.t[i] = s.t;
  v.ret[i] = s.ret;
  v.H_end[i] = s.h_end;
  v.F_end[i] = s.f_end;
  v.pending[i] = s.pending;
}

__device__ __forceinline__ void reset_state(state* s) {
  s->h = 0;
  s->f = 0;
  s->t = 0;
  s->ret = 0.0;
}

/* target F at step k: the host's table, or the formula beyond it */
__device__ __forceinline__ float target_at(const myr_cuda_ccasr& v,
                                           int64_t k) {
  return k < v.target_len
             ? v.target[k]
             : (float)myr_ccasr_target(v.target_mode, v.target_const,
                                       v.sine_mean, v.sine_amp, v.sine_period,
                                       v.p.dt, k);
}

/* obs [F/80, target(t..t+n_horizon)/80] (cc_observe) */
__device__ __forceinline__ void observe(const myr_cuda_ccasr& v,
                                        const state& s, float* o) {
  int32_t k;
  o[0] = (float)s.f / 80.0f;
  for (k = 0; k <= v.n_horizon; ++k)
    o[1 + k] = target_at(v, (int64_t)s.t + k) / 80.0f;
}

/* Outcome of one step of one env (cc_step). */
struct outcome {
  float reward;
  uint8_t truncated;
  int32_t ended_length; /* > 0: an episode of this length ended */
  double ended_return;
  int32_t reactions;
  int32_t cap_hit;
  uint8_t has_final;
  state final_s;
};

__device__ __forceinline__ outcome step_one(const myr_cuda_ccasr& v,
                                            const myr_ccasr_tables* tab,
                                            int64_t i, uint64_t clock,
                                            int32_t action, state* s) {
  outcome o;
  int kind = myr__step_kind(v.autoreset, s->pending);
  int ended;
  float r = 0.0f;
  o.ended_length = 0;
  o.ended_return = 0.0;
  o.reactions = 0;
  o.cap_hit = 0;
  o.has_final = 0;
  if (kind == MYR__STEP_RESET) {
    /* next_step, the step after an end: reset instead of stepping, ignore
     * the action, reward 0, no flags */
    reset_state(s);
    s->pending = 0;
    o.reward = 0.0f;
    o.truncated = 0;
    return o;
  }
  /* RUN, or PAST_END (disabled, stepping an ended env): dt minutes of
   * exact SSA with the light held at `action`; its reactions and cap hits
   * count either way */
  {
    uint64_t rng =
        myr_ccasr_rng_seed(v.seed, (uint32_t)(v.env_offset + i), clock);
    float rem = (float)v.p.dt;
    myr_ccasr_ssa_shared(tab, &v.p, (float)v.p.eta * (float)action,
                         (float)v.p.nu, &s->h, &s->f, &rem, &rng,
                         &o.reactions, &o.cap_hit);
  }
  s->t += 1;
  if (kind == MYR__STEP_RUN) {
    /* a step past the end earns nothing and adds nothing to the return */
    r = myr_ccasr_reward(s->f, target_at(v, s->t));
    s->ret += (double)r;
  }
  o.reward = myr__step_reward(kind, r);
  o.truncated = (uint8_t)myr_ccasr_truncated(s->t, v.max_steps, s->h, s->f);
  ended = myr__step_end(v.autoreset, kind, &s->pending, 0, o.truncated);
  if (ended == MYR__END_NONE) return o;
  /* the episode ended: record it (and its final counts) */
  o.ended_length = s->t;
  o.ended_return = s->ret;
  s->h_end = s->h;
  s->f_end = s->f;
  if (ended == MYR__END_RESET) {
    /* same_step: final obs, then reset now */
    o.has_final = 1;
    o.final_s = *s;
    reset_state(s);
  }
  return o;
}

__global__ void reset_kernel(myr_cuda_ccasr v, const uint8_t* mask,
                             float* obs) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  state s;
  if (i >= v.n || (mask != NULL && !mask[i])) return;
  s = load(v, i);
  reset_state(&s);
  s.pending = 0;
  store(v, i, s);
  if (obs != NULL) observe(v, s, obs + (2 + v.n_horizon) * i);
}

/* the R3/R4 table into shared memory (every thread of the block helps) */
__device__ __forceinline__ void load_table(const myr_ccasr_tables* src,
                                           myr_ccasr_tables* dst) {
  int k;
  for (k = threadIdx.x; k < MYR_CCASR_TABLE; k += blockDim.x) {
    dst->r3[k] = src->r3[k];
    dst->r4[k] = src->r4[k];
  }
  __syncthreads();
}

__global__ void __launch_bounds__(kBlock)
    step_kernel(myr_cuda_ccasr v, uint64_t clock, myr_cuda_step_io io) {
  __shared__ myr_ccasr_tables tab;
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  unsigned long long reactions = 0, hits = 0;
  int32_t od = 2 + v.n_horizon;
  load_table(v.tab, &tab);
  if (i < v.n) {
    state s = load(v, i);
    outcome o = step_one(v, &tab, i, clock, io.act[i], &s);
    store(v, i, s);
    io.reward[i] = o.reward;
    io.terminated[i] = 0;
    io.truncated[i] = o.truncated;
    if (io.obs != NULL) observe(v, s, io.obs + od * i);
    if (io.final_obs != NULL && o.has_final)
      observe(v, o.final_s, io.final_obs + od * i);
    reactions = (unsigned long long)o.reactions;
    hits = (unsigned long long)o.cap_hit;
  }
  block_add(reactions, &v.totals[3]);
  block_add(hits, &v.totals[4]);
}

__global__ void __launch_bounds__(kBlock)
    rollout_kernel(myr_cuda_ccasr v, uint64_t clock0, int64_t steps,
                   int32_t policy, int32_t constant) {
  __shared__ myr_ccasr_tables tab;
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  unsigned long long episodes = 0, lengths = 0, returns = 0, reactions = 0,
                     hits = 0;
  load_table(v.tab, &tab);
  if (i < v.n) {
    state s = load(v, i);
    policy_cursor pc = policy_start(policy, constant, v.seed, v.env_offset + i);
    int64_t k;
    for (k = 0; k < steps; ++k) {
      uint64_t clock = clock0 + (uint64_t)k;
      int32_t a = policy_action(&pc, clock);
      outcome o = step_one(v, &tab, i, clock, a, &s);
      reactions += (unsigned long long)o.reactions;
      hits += (unsigned long long)o.cap_hit;
      if (o.ended_length > 0) {
        /* myr__stats_add_episode: returns in 1/MYR_RETURN_SCALE units */
        episodes += 1;
        lengths += (unsigned long long)o.ended_length;
        returns += (unsigned long long)__double2ll_rn(o.ended_return *
                                                      MYR_RETURN_SCALE);
      }
    }
    store(v, i, s);
  }
  block_add(episodes, &v.totals[0]);
  block_add(lengths, &v.totals[1]);
  block_add(returns, &v.totals[2]);
  block_add(reactions, &v.totals[3]);
  block_add(hits, &v.totals[4]);
}

int fetch_totals(const myr_cuda_ccasr* v, int64_t* out, int first,
                 int count) {
  unsigned long long sums[5] = {0ull, 0ull, 0ull, 0ull, 0ull};
  int k;
  if (note(cudaGetLastError()) != 0) return 1;
  if (note(cudaMemcpy(sums, v->totals, sizeof sums,
                      cudaMemcpyDeviceToHost)) != 0)
    return 1;
  for (k = 0; k < count; ++k) out[k] += (int64_t)sums[first + k];
  return 0;
}

/* the kernel argument of the batch as it is now (seed changes with a
 * re-keyed reset); aux holds the R3/R4 table, then the target curve */
myr_cuda_ccasr view_of(const myr__cuda_view* g) {
  const myr__ccasr_env* E = (const myr__ccasr_env*)g->data;
  myr_cuda_ccasr v;
  memset(&v, 0, sizeof v);
  v.H = (int32_t*)g->col[CC_H];
  v.F = (int32_t*)g->col[CC_F];
  v.t = (int32_t*)g->col[CC_T];
  v.ret = (double*)g->col[CC_RET];
  v.H_end = (int32_t*)g->col[CC_H_END];
  v.F_end = (int32_t*)g->col[CC_F_END];
  v.pending = g->pending;
  v.tab = (const myr_ccasr_tables*)g->aux;
  v.target = (const float*)(g->aux + sizeof(myr_ccasr_tables));
  v.target_len = E->target_len;
  v.p = E->p;
  v.max_steps = E->max_steps;
  v.n_horizon = E->n_horizon;
  v.target_mode = E->target_mode;
  v.target_const = E->target_const;
  v.sine_mean = E->sine_mean;
  v.sine_amp = E->sine_amp;
  v.sine_period = E->sine_period;
  v.n = g->num_envs;
  v.env_offset = g->env_offset;
  v.seed = g->seed;
  v.autoreset = g->autoreset;
  v.totals = g->totals;
  return v;
}

/* device copies of the read-only tables: R3/R4, then the target curve */
size_t cc_aux_bytes(const myr__cuda_view* g) {
  const myr__ccasr_env* E = (const myr__ccasr_env*)g->data;
  return sizeof(myr_ccasr_tables) + sizeof(float) * (size_t)E->target_len;
}

int cc_upload_aux(const myr__cuda_view* g) {
  const myr__ccasr_env* E = (const myr__ccasr_env*)g->data;
  size_t tb = sizeof(myr_ccasr_tables);
  if (myr__cuda_copy(g->aux, &E->tab, tb, 1) != 0 ||
      myr__cuda_copy(g->aux + tb, E->target,
                     sizeof(float) * (size_t)E->target_len, 1) != 0)
    return 1;
  return 0;
}

/* reset (H = F = t = 0): deterministic, so clock and stream are unused */
int cc_reset(const myr__cuda_view* g, uint64_t clock, uint32_t stream,
             const uint8_t* mask, float* obs) {
  myr_cuda_ccasr v = view_of(g);
  (void)clock;
  (void)stream;
  reset_kernel<<<grid_for(v.n), kBlock>>>(v, mask, obs);
  return finish_launch();
}

/* adds the reactions and cap hits of the step to sums[0..1] */
int cc_step(const myr__cuda_view* g, uint64_t clock,
            const myr_cuda_step_io* io, int64_t sums[2]) {
  myr_cuda_ccasr v = view_of(g);
  if (note(cudaMemset(v.totals, 0, 5 * sizeof(unsigned long long))) != 0)
    return 1;
  step_kernel<<<grid_for(v.n), kBlock>>>(v, clock, *io);
  return fetch_totals(&v, sums, 3, 2);
}

/* adds episodes, length sum, return sum (units of 1/MYR_RETURN_SCALE),
 * reactions and cap hits to totals[0..4] */
int cc_rollout(const myr__cuda_view* g, uint64_t clock0, int64_t steps,
               int32_t policy, int32_t action,
               int64_t totals[MYR__CUDA_TOTALS]) {
  myr_cuda_ccasr v = view_of(g);
  if (note(cudaMemset(v.totals, 0, 5 * sizeof(unsigned long long))) != 0)
    return 1;
  rollout_kernel<<<grid_for(v.n), kBlock>>>(v, clock0, steps, policy,
                                            action);
  return fetch_totals(&v, totals, 0, 5);
}

}  // namespace

/* what the CUDA backend runs for ccasr-gfp-control (MYR__CUDA_ENV(ccasr)) */
extern "C" const struct myr__cuda_env myr__cuda_ccasr;
const struct myr__cuda_env myr__cuda_ccasr = {
    cc_aux_bytes,  /* aux_bytes */
    cc_upload_aux, /* upload_aux */
    cc_reset,      /* reset */
    cc_step,       /* step */
    cc_rollout,    /* rollout */
};
