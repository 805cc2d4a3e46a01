/*
 * cartpole.cu -- CUDA kernels of the CartPole-v1 float32 backend: reset,
 * step and the fused rollout, one thread per environment.
 *
 * The physics is the CPU's (myr_cartpole_step_f, myr_cartpole_terminated_f
 * from physics.h) and so are the random numbers: resets draw
 * myr_draw(seed, global env, clock, stream, epoch) and map each word with
 * lo + width * u01f in double, the random policy takes bit clock%32 of word
 * (clock/32)%4 of myr_draw(seed, env, clock/128, MYR_STREAM_ACTION, 0)
 * (src/core/random_policy.h, myr__random_discrete with two actions).  The
 * event logic of a step is the autoreset contract of src/task/task.h
 * (myr__step_kind, myr__step_reward, myr__step_end), the functions the CPU
 * kernels call (cartpole.c).  Arithmetic may round differently from the CPU
 * where either compiler contracts a*b+c into an FMA; tests/cuda states the
 * tolerance.
 *
 * The rollout keeps an env's state in registers for all the steps of one
 * launch and reduces episode statistics per block before one atomic add.
 *
 * myr__cuda_cartpole (end of file) is what the CUDA backend runs for the
 * class (MYR__CUDA_ENV in cartpole.c): its ops build the kernel argument
 * myr_cuda_cartpole from the backend's myr__cuda_view and the class's
 * constants (myr__cartpole_data, layout.h).
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

/* CartPole float32 batch on the device: the kernels' argument */
typedef struct myr_cuda_cartpole {
  float* x;          /* m     (n), device */
  float* x_dot;      /* m/s   (n) */
  float* theta;      /* rad   (n) */
  float* theta_dot;  /* rad/s (n) */
  int32_t* t;        /* steps since reset (n) */
  uint8_t* pending;  /* episode ended, reset due (n) */
  myr_cartpole_params_f p;
  double reset_lo;    /* reset draws reset_lo + reset_width * U[0,1) */
  double reset_width;
  int64_t n;
  int64_t env_offset; /* global index of env 0 */
  uint64_t seed;
  uint32_t epoch;
  int32_t autoreset;  /* myr_autoreset */
  unsigned long long* totals; /* device: episodes and length sum of the
                                 current launch (the return is the length) */
} myr_cuda_cartpole;

/* nvcc's host compiler builds it, the device pass reads it (MYR__LAYOUT,
 * src/core/common.h) */
MYR__SIZE(myr_cuda_cartpole, 152);
#define MYR__AT_(m, o) MYR__AT(myr_cuda_cartpole, m, o);
MYR__AT_(x, 0) MYR__AT_(x_dot, 8) MYR__AT_(theta, 16) MYR__AT_(theta_dot, 24)
MYR__AT_(t, 32) MYR__AT_(pending, 40) MYR__AT_(p, 48) MYR__AT_(reset_lo, 96)
MYR__AT_(reset_width, 104) MYR__AT_(n, 112) MYR__AT_(env_offset, 120)
MYR__AT_(seed, 128) MYR__AT_(epoch, 136) MYR__AT_(autoreset, 140)
MYR__AT_(totals, 144)
#undef MYR__AT_

namespace {


struct state {
  myr_cartpole_qf q;
  int32_t t;
  uint8_t pending;
};

__device__ __forceinline__ void draw_reset(const myr_cuda_cartpole& v,
                                           int64_t i, uint64_t clock,
                                           uint32_t stream,
                                           myr_cartpole_qf* q) {
  myr_philox_out r = myr_draw(v.seed, (uint32_t)(v.env_offset + i), clock,
                              stream, v.epoch);
  /* one fused multiply-add, as myr__cartpole_affine() on a CPU with FMA
   * (every -march=native x86-64 build since Haswell/Zen), so both draw the
   * same states */
  q->x = (float)fma(v.reset_width, (double)myr_u01f(r.v[0]), v.reset_lo);
  q->x_dot = (float)fma(v.reset_width, (double)myr_u01f(r.v[1]), v.reset_lo);
  q->theta = (float)fma(v.reset_width, (double)myr_u01f(r.v[2]), v.reset_lo);
  q->theta_dot =
      (float)fma(v.reset_width, (double)myr_u01f(r.v[3]), v.reset_lo);
}

__device__ __forceinline__ state load(const myr_cuda_cartpole& v, int64_t i) {
  state s;
  s.q.x = v.x[i];
  s.q.x_dot = v.x_dot[i];
  s.q.theta = v.theta[i];
  s.q.theta_dot = v.theta_dot[i];
  s.t = v.t[i];
  s.pending = v.pending[i];
  return s;
}

__device__ __forceinline__ void store(const myr_cuda_cartpole& v, int64_t i,
                                      const state& s) {
  v.x[i] = s.q.x;
  v.x_dot[i] = s.q.x_dot;
  v.theta[i] = s.q.theta;
  v.theta_dot[i] = s.q.theta_dot;
  v.t[i] = s.t;
  v.pending[i] = s.pending;
}

/* Outcome of one step of one env (cartpole.c, cp_step). */
struct outcome {
  float reward;
  uint8_t terminated, truncated;
  int32_t ended_length; /* > 0: an episode of this length ended */
  uint8_t has_final;
  myr_cartpole_qf final_q;
};

__device__ __forceinline__ outcome step_one(const myr_cuda_cartpole& v,
                                            int64_t i, uint64_t clock,
                                            int32_t action, state* s) {
  outcome o;
  int kind = myr__step_kind(v.autoreset, s->pending);
  o.ended_length = 0;
  o.has_final = 0;
  if (kind == MYR__STEP_RESET) {
    /* next_step, the step after an end: reset instead of stepping, ignore
     * the action, reward 0, no flags */
    draw_reset(v, i, clock, MYR_STREAM_AUTORESET, &s->q);
    s->t = 0;
    s->pending = 0;
    o.reward = 0.0f;
    o.terminated = 0;
    o.truncated = 0;
    return o;
  }
  /* RUN, or PAST_END (disabled, stepping an ended env): the dynamics go on */
  s->q = myr_cartpole_step_f(&v.p, s->q, action);
  s->t += 1;
  o.terminated = (uint8_t)myr_cartpole_terminated_f(&v.p, s->q);
  o.truncated = (uint8_t)(s->t >= v.p.max_steps);
  o.reward = myr__step_reward(kind, 1.0f);
  switch (myr__step_end(v.autoreset, kind, &s->pending, o.terminated,
                        o.truncated)) {
    case MYR__END_RESET: /* same_step: record, final obs, reset now */
      o.ended_length = s->t;
      o.has_final = 1;
      o.final_q = s->q;
      draw_reset(v, i, clock, MYR_STREAM_AUTORESET, &s->q);
      s->t = 0;
      break;
    case MYR__END_PENDING: /* next_step, disabled: record; now pending */
      o.ended_length = s->t;
      break;
    default:
      break;
  }
  return o;
}

__global__ void reset_kernel(myr_cuda_cartpole v, uint64_t clock,
                             uint32_t stream, const uint8_t* mask,
                             float* obs) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= v.n || (mask != NULL && !mask[i])) return;
  state s;
  draw_reset(v, i, clock, stream, &s.q);
  s.t = 0;
  s.pending = 0;
  store(v, i, s);
  if (obs != NULL) {
    obs[4 * i + 0] = s.q.x;
    obs[4 * i + 1] = s.q.x_dot;
    obs[4 * i + 2] = s.q.theta;
    obs[4 * i + 3] = s.q.theta_dot;
  }
}

__global__ void step_kernel(myr_cuda_cartpole v, uint64_t clock,
                            myr_cuda_step_io io) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= v.n) return;
  state s = load(v, i);
  outcome o = step_one(v, i, clock, io.act[i], &s);
  store(v, i, s);
  io.reward[i] = o.reward;
  io.terminated[i] = o.terminated;
  io.truncated[i] = o.truncated;
  if (io.obs != NULL) {
    io.obs[4 * i + 0] = s.q.x;
    io.obs[4 * i + 1] = s.q.x_dot;
    io.obs[4 * i + 2] = s.q.theta;
    io.obs[4 * i + 3] = s.q.theta_dot;
  }
  if (io.final_obs != NULL && o.has_final) {
    io.final_obs[4 * i + 0] = o.final_q.x;
    io.final_obs[4 * i + 1] = o.final_q.x_dot;
    io.final_obs[4 * i + 2] = o.final_q.theta;
    io.final_obs[4 * i + 3] = o.final_q.theta_dot;
  }
}

__global__ void __launch_bounds__(kBlock)
    rollout_kernel(myr_cuda_cartpole v, uint64_t clock0, int64_t steps,
                   int32_t policy, int32_t constant) {
  int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
  unsigned long long episodes = 0, lengths = 0;
  if (i < v.n) {
    state s = load(v, i);
    policy_cursor pc = policy_start(policy, constant, v.seed, v.env_offset + i);
    int64_t k;
    for (k = 0; k < steps; ++k) {
      uint64_t clock = clock0 + (uint64_t)k;
      int32_t a = policy_action(&pc, clock);
      outcome o = step_one(v, i, clock, a, &s);
      if (o.ended_length > 0) {
        episodes += 1;
        lengths += (unsigned long long)o.ended_length;
      }
    }
    store(v, i, s);
  }
  /* CartPole's return is its length (reward 1 per step of the episode) */
  block_add(episodes, &v.totals[0]);
  block_add(lengths, &v.totals[1]);
}

/* the kernel argument of the batch as it is now (seed and epoch change) */
myr_cuda_cartpole view_of(const myr__cuda_view* g) {
  const myr__cartpole_data* E = (const myr__cartpole_data*)g->data;
  myr_cuda_cartpole v;
  memset(&v, 0, sizeof v);
  v.x = (float*)g->col[CP_X];
  v.x_dot = (float*)g->col[CP_X_DOT];
  v.theta = (float*)g->col[CP_THETA];
  v.theta_dot = (float*)g->col[CP_THETA_DOT];
  v.t = (int32_t*)g->col[CP_T];
  v.pending = g->pending;
  v.p = E->pf;
  v.reset_lo = -E->p.reset_bound;
  v.reset_width = 2.0 * E->p.reset_bound;
  v.n = g->num_envs;
  v.env_offset = g->env_offset;
  v.seed = g->seed;
  v.epoch = g->epoch;
  v.autoreset = g->autoreset;
  v.totals = g->totals;
  return v;
}

int cp_reset(const myr__cuda_view* g, uint64_t clock, uint32_t stream,
             const uint8_t* mask, float* obs) {
  myr_cuda_cartpole v = view_of(g);
  reset_kernel<<<grid_for(v.n), kBlock>>>(v, clock, stream, mask, obs);
  return finish_launch();
}

/* CartPole has no reactions: sums stay as they are */
int cp_step(const myr__cuda_view* g, uint64_t clock,
            const myr_cuda_step_io* io, int64_t sums[2]) {
  myr_cuda_cartpole v = view_of(g);
  (void)sums;
  step_kernel<<<grid_for(v.n), kBlock>>>(v, clock, *io);
  return finish_launch();
}

/* adds episodes, length sum and return sum to totals[0..2] */
int cp_rollout(const myr__cuda_view* g, uint64_t clock0, int64_t steps,
               int32_t policy, int32_t action,
               int64_t totals[MYR__CUDA_TOTALS]) {
  myr_cuda_cartpole v = view_of(g);
  unsigned long long sums[3] = {0ull, 0ull, 0ull};
  int rc;
  if ((rc = note(cudaMemset(v.totals, 0, sizeof sums))) != 0) return rc;
  rollout_kernel<<<grid_for(v.n), kBlock>>>(v, clock0, steps, policy, action);
  if ((rc = note(cudaGetLastError())) != 0) return rc;
  if ((rc = note(cudaMemcpy(sums, v.totals, sizeof sums,
                            cudaMemcpyDeviceToHost))) != 0)
    return rc;
  totals[MYR__CUDA_EPISODES] += (int64_t)sums[0];
  totals[MYR__CUDA_LENGTHS] += (int64_t)sums[1];
  /* CartPole's return is its length; returns are summed in units of
   * 1/MYR_RETURN_SCALE like every CPU rollout (myr__stats_add_episode) */
  totals[MYR__CUDA_RETURNS] += (int64_t)sums[1] * (int64_t)MYR_RETURN_SCALE;
  return 0;
}

}  // namespace

/* what the CUDA backend runs for cartpole-v1 (MYR__CUDA_ENV(cartpole)) */
extern "C" const struct myr__cuda_env myr__cuda_cartpole;
const struct myr__cuda_env myr__cuda_cartpole = {
    NULL,       /* aux_bytes: no device memory beside the columns */
    NULL,       /* upload_aux */
    cp_reset,   /* reset */
    cp_step,    /* step */
    cp_rollout, /* rollout */
};
