/*
 * Allocation failure: an allocator that fails on the k-th allocation, for
 * every k, over batch creation (every env), rollouts with recording, and
 * thread-pool / block-size changes.  Each failure must return MYR_ENOMEM,
 * leak nothing (the ASan build checks) and leave earlier objects usable.
 */
#include "check.h"
#include "myriad/myriad.h"

static int budget = -1; /* allocations allowed; -1 = unlimited */
static int count = 0;
static long live = 0;   /* allocations not yet freed */

static void* test_alloc(size_t size, void* ctx) {
  void* p;
  (void)ctx;
  if (budget >= 0 && count >= budget) return NULL;
  count++;
  p = malloc(size);
  if (p != NULL) live++;
  return p;
}

static void test_free(void* p, void* ctx) {
  (void)ctx;
  if (p != NULL) live--;
  free(p);
}

static void arm(int k) {
  budget = k;
  count = 0;
}

static int on_chunk(const myr_traj_chunk* c, void* user) {
  (void)c;
  (*(int*)user)++;
  return 0;
}

int main(void) {
  int32_t e;
  int k, rc;
  myr_set_allocator(test_alloc, test_free, NULL);

  /* creation of every env fails cleanly at every allocation */
  for (e = 0; e < myr_env_count(); ++e) {
    const char* id = myr_env_at(e)->id;
    int succeeded = 0;
    for (k = 0; k < 200 && !succeeded; ++k) {
      myr_batch* b = NULL;
      myr_batch_def def = myr_batch_def_default();
      long live0 = live;
      def.threads = 2;
      arm(k);
      rc = myr_batch_create(id, 257, &def, &b);
      if (rc == MYR_OK) {
        succeeded = 1;
        budget = -1;
        myr_batch_destroy(b);
      } else {
        CHECK_MSG(rc == MYR_ENOMEM && b == NULL, "%s k=%d rc=%d", id, k, rc);
      }
      CHECK_MSG(live == live0, "%s k=%d: %ld allocations leaked", id, k,
                live - live0);
    }
    CHECK_MSG(succeeded, "%s never succeeded", id);
  }

  /* rollout with recording, thread and block changes on a live batch */
  {
    myr_batch* b = NULL;
    myr_batch_def def = myr_batch_def_default();
    myr_rollout_def rd = myr_rollout_def_default();
    int chunks = 0;
    uint64_t h;
    budget = -1;
    def.threads = 2;
    CHECK_OK(myr_batch_create("cartpole", 1000, &def, &b));
    rd.steps = 20;
    rd.chunk_size = 8;
    rd.on_chunk = on_chunk;
    rd.user = &chunks;
    h = myr_batch_state_hash(b);
    arm(0);
    CHECK(myr_batch_rollout(b, &rd, NULL) == MYR_ENOMEM);
    CHECK(myr_batch_state_hash(b) == h && chunks == 0);
    CHECK(myr_batch_set_threads(b, 4) == MYR_ENOMEM);
    CHECK(myr_batch_threads(b) == 2);
    CHECK(myr_batch_set_block_size(b, 4096) == MYR_ENOMEM);
    CHECK(myr_batch_block_size(b) != 4096);
    /* a pool that fails while starting its threads cleans up */
    for (k = 1; k < 8; ++k) {
      long live0 = live;
      arm(k);
      rc = myr_batch_set_threads(b, 5);
      CHECK(rc == MYR_ENOMEM || rc == MYR_OK);
      if (rc == MYR_OK) break;
      CHECK(live == live0);
    }
    budget = -1;
    CHECK_OK(myr_batch_rollout(b, &rd, NULL));
    CHECK(chunks == 3);
    myr_batch_destroy(b);
  }
  myr_set_allocator(NULL, NULL, NULL);
  CHECK_MSG(live == 0, "%ld allocations leaked overall", live);
  return check_summary("test_alloc_fail");
}
