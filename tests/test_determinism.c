/*
 * Determinism: the final state of a fused rollout hashes the same for any
 * thread count, block size and chunk size; the step API driven with the
 * random policy's actions reproduces a recorded fused rollout exactly; a
 * seed fully determines a run.
 */
#include <stdint.h>

#include "check.h"
#include "myriad/myriad.h"

static uint64_t fused_hash(const char* env, int64_t n, int32_t threads,
                           int64_t block, int64_t chunk, int64_t steps,
                           myr_autoreset mode, myr_rollout_stats* st) {
  myr_batch_def def = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_batch* b = NULL;
  uint64_t h = 0;
  def.seed = 1234;
  def.threads = threads;
  def.autoreset = mode;
  CHECK_OK(myr_batch_create(env, n, &def, &b));
  if (b == NULL) return 0;
  CHECK_OK(myr_batch_set_block_size(b, block));
  rd.steps = steps;
  rd.chunk_size = chunk;
  CHECK_OK(myr_batch_rollout(b, &rd, st));
  h = myr_batch_state_hash(b);
  myr_batch_destroy(b);
  return h;
}

/* ------------------------------------------------------------ recording */

typedef struct trace {
  int64_t n, rows, cap;
  int32_t* action;
  float* obs;
  float* reward;
  uint8_t* term;
  uint8_t* trunc;
} trace;

static int record(const myr_traj_chunk* c, void* user) {
  trace* t = (trace*)user;
  int64_t cells = c->steps * c->num_envs;
  if (t->rows + c->steps > t->cap) return 1;
  memcpy(t->action + t->rows * t->n, c->action, (size_t)cells * 4);
  memcpy(t->obs + t->rows * t->n * 4, c->obs, (size_t)cells * 16);
  memcpy(t->reward + t->rows * t->n, c->reward, (size_t)cells * 4);
  memcpy(t->term + t->rows * t->n, c->terminated, (size_t)cells);
  memcpy(t->trunc + t->rows * t->n, c->truncated, (size_t)cells);
  t->rows += c->steps;
  return 0;
}

static void replay_test(myr_autoreset mode) {
  const int64_t n = 1000, steps = 300;
  myr_batch_def def = myr_batch_def_default();
  myr_rollout_def rd = myr_rollout_def_default();
  myr_batch *a = NULL, *b = NULL;
  trace t;
  int64_t s, i, bad_obs = 0, bad_flags = 0, bad_actions = 0;
  float* obs = (float*)malloc(sizeof(float) * (size_t)n * 4);
  float* rew = (float*)malloc(sizeof(float) * (size_t)n);
  uint8_t* te = (uint8_t*)malloc((size_t)n);
  uint8_t* tr = (uint8_t*)malloc((size_t)n);
  int32_t* act = (int32_t*)malloc(sizeof(int32_t) * (size_t)n);
  myr_step_out out = {obs, rew, te, tr, NULL};
  memset(&t, 0, sizeof t);
  t.n = n;
  t.cap = steps;
  t.action = (int32_t*)malloc(sizeof(int32_t) * (size_t)(n * steps));
  t.obs = (float*)malloc(sizeof(float) * (size_t)(n * steps * 4));
  t.reward = (float*)malloc(sizeof(float) * (size_t)(n * steps));
  t.term = (uint8_t*)malloc((size_t)(n * steps));
  t.trunc = (uint8_t*)malloc((size_t)(n * steps));
  def.seed = 99;
  def.threads = 2;
  def.autoreset = mode;
  CHECK_OK(myr_batch_create("cartpole", n, &def, &a));
  def.threads = 1;
  CHECK_OK(myr_batch_create("cartpole", n, &def, &b));
  rd.steps = steps;
  rd.chunk_size = 37; /* chunks do not divide the steps */
  rd.on_chunk = record;
  rd.user = &t;
  CHECK_OK(myr_batch_rollout(a, &rd, NULL));
  CHECK(t.rows == steps);
  for (s = 0; s < steps; ++s) {
    /* the random policy's actions from the step API equal the recorded ones */
    CHECK_OK(myr_batch_random_actions(b, act));
    for (i = 0; i < n; ++i) bad_actions += act[i] != t.action[s * n + i];
    CHECK_OK(myr_batch_step(b, t.action + s * n, &out));
    for (i = 0; i < n; ++i) {
      bad_obs += memcmp(obs + 4 * i, t.obs + (s * n + i) * 4, 16) != 0;
      bad_flags += rew[i] != t.reward[s * n + i] || te[i] != t.term[s * n + i] ||
                   tr[i] != t.trunc[s * n + i];
    }
  }
  CHECK_MSG(bad_actions == 0, "%lld actions differ", (long long)bad_actions);
  CHECK_MSG(bad_obs == 0, "%lld observations differ (mode %s)",
            (long long)bad_obs, myr_autoreset_name(mode));
  CHECK_MSG(bad_flags == 0, "%lld reward/flag rows differ", (long long)bad_flags);
  CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
  CHECK(myr_batch_clock(a) == myr_batch_clock(b));
  {
    /* unrecorded, the rollout hands CartPole its random bits packed
     * (myr__io.act_bits): the same trajectory */
    myr_batch* c = NULL;
    myr_rollout_def rc = myr_rollout_def_default();
    def.threads = 2;
    CHECK_OK(myr_batch_create("cartpole", n, &def, &c));
    rc.steps = steps;
    CHECK_OK(myr_batch_rollout(c, &rc, NULL));
    CHECK_MSG(myr_batch_state_hash(c) == myr_batch_state_hash(a),
              "unrecorded rollout %016llx vs recorded %016llx (mode %s)",
              (unsigned long long)myr_batch_state_hash(c),
              (unsigned long long)myr_batch_state_hash(a), myr_autoreset_name(mode));
    myr_batch_destroy(c);
  }
  myr_batch_destroy(a);
  myr_batch_destroy(b);
  free(t.action);
  free(t.obs);
  free(t.reward);
  free(t.term);
  free(t.trunc);
  free(obs);
  free(rew);
  free(te);
  free(tr);
  free(act);
}

int main(void) {
  static const int32_t threads[] = {1, 2, 3, 7};
  static const int64_t blocks[] = {64, 1000, 4096};
  static const int64_t chunks[] = {1, 7, 64, 300};
  const int64_t n = 10007, steps = 300;
  myr_rollout_stats ref_st, st;
  uint64_t ref = fused_hash("cartpole", n, 1, 1024, 64, steps,
                            MYR_AUTORESET_SAME_STEP, &ref_st);
  size_t i, j;
  CHECK(ref != 0);
  CHECK(ref_st.episodes > 0);
  for (i = 0; i < sizeof threads / sizeof threads[0]; ++i)
    for (j = 0; j < sizeof blocks / sizeof blocks[0]; ++j) {
      uint64_t h = fused_hash("cartpole", n, threads[i], blocks[j], 64, steps,
                              MYR_AUTORESET_SAME_STEP, &st);
      CHECK_MSG(h == ref, "threads %d block %lld: hash %016llx != %016llx",
                (int)threads[i], (long long)blocks[j], (unsigned long long)h,
                (unsigned long long)ref);
      CHECK(st.episodes == ref_st.episodes && st.length_sum == ref_st.length_sum &&
            st.return_sum_fixed == ref_st.return_sum_fixed);
    }
  for (i = 0; i < sizeof chunks / sizeof chunks[0]; ++i) {
    uint64_t h = fused_hash("cartpole", n, 2, 1024, chunks[i], steps,
                            MYR_AUTORESET_SAME_STEP, &st);
    CHECK_MSG(h == ref, "chunk %lld: hash differs", (long long)chunks[i]);
  }
  /* next_step mode: same invariance, different trajectory */
  {
    uint64_t a = fused_hash("cartpole", n, 1, 512, 64, steps,
                            MYR_AUTORESET_NEXT_STEP, &st);
    uint64_t b = fused_hash("cartpole", n, 3, 4096, 13, steps,
                            MYR_AUTORESET_NEXT_STEP, &st);
    CHECK(a == b && a != ref);
  }
  /* a different seed gives a different run; the same seed the same run */
  {
    myr_batch_def def = myr_batch_def_default();
    myr_batch *a = NULL, *b = NULL;
    def.seed = 5;
    CHECK_OK(myr_batch_create("cartpole", 100, &def, &a));
    CHECK_OK(myr_batch_create("cartpole", 100, &def, &b));
    CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
    {
      uint64_t s6 = 6, s5 = 5;
      CHECK_OK(myr_batch_reset(b, &s6, NULL));
      CHECK(myr_batch_state_hash(a) != myr_batch_state_hash(b));
      CHECK_OK(myr_batch_reset(b, &s5, NULL));
      CHECK(myr_batch_state_hash(a) == myr_batch_state_hash(b));
      /* reset without a seed draws fresh states */
      CHECK_OK(myr_batch_reset(b, NULL, NULL));
      CHECK(myr_batch_state_hash(a) != myr_batch_state_hash(b));
    }
    myr_batch_destroy(a);
    myr_batch_destroy(b);
  }
  /* shards: two batches with env_offset add up to the whole hash */
  {
    myr_batch_def def = myr_batch_def_default();
    myr_rollout_def rd = myr_rollout_def_default();
    myr_batch *w = NULL, *s0 = NULL, *s1 = NULL;
    myr_rollout_stats a, b, c;
    def.seed = 77;
    rd.steps = 100;
    CHECK_OK(myr_batch_create("cartpole", 1000, &def, &w));
    CHECK_OK(myr_batch_create("cartpole", 400, &def, &s0));
    def.env_offset = 400;
    CHECK_OK(myr_batch_create("cartpole", 600, &def, &s1));
    CHECK_OK(myr_batch_rollout(w, &rd, &a));
    CHECK_OK(myr_batch_rollout(s0, &rd, &b));
    CHECK_OK(myr_batch_rollout(s1, &rd, &c));
    CHECK(myr_batch_state_hash(w) ==
          myr_batch_state_hash(s0) + myr_batch_state_hash(s1));
    CHECK(a.episodes == b.episodes + c.episodes &&
          a.length_sum == b.length_sum + c.length_sum);
    myr_batch_destroy(w);
    myr_batch_destroy(s0);
    myr_batch_destroy(s1);
  }
  replay_test(MYR_AUTORESET_SAME_STEP);
  replay_test(MYR_AUTORESET_NEXT_STEP);
  return check_summary("test_determinism");
}
