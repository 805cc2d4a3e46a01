/*
 * The myriad command: output of run, identical hashes for any thread count,
 * git-style errors with exit code 2 for bad usage, --help everywhere.
 */
#include <sys/wait.h>

#include "check.h"
#include "shell.h"

static const char* field(const char* out, const char* key, char* buf, size_t size) {
  const char* p = strstr(out, key);
  size_t k = 0;
  buf[0] = '\0';
  if (p == NULL) return buf;
  p += strlen(key);
  while (*p == ' ') p++;
  while (*p && *p != '\n' && k + 1 < size) buf[k++] = *p++;
  buf[k] = '\0';
  return buf;
}

int main(void) {
  static char out[65536];
  char h1[64], h2[64], h3[64], len[64];
  int rc;

  rc = sh_capture(MYR_CLI " run --env cartpole --num-envs 20000 --steps 300 --threads 1",
          out, sizeof out);
  CHECK_MSG(rc == 0, "%s", out);
  field(out, "state hash", h1, sizeof h1);
  field(out, "mean length", len, sizeof len);
  CHECK(strlen(h1) == 16);
  /* random CartPole-v1 episodes average about 22 steps */
  CHECK_MSG(atof(len) > 20.0 && atof(len) < 24.0, "mean length %s", len);
  CHECK(strstr(out, "throughput") != NULL && strstr(out, "episodes") != NULL);
  rc = sh_capture(MYR_CLI " run --env cartpole-v1 --num-envs 20000 --steps 300 --threads 3 --chunk 7",
          out, sizeof out);
  CHECK(rc == 0);
  CHECK(strcmp(field(out, "state hash", h2, sizeof h2), h1) == 0);
  rc = sh_capture(MYR_CLI " run --env cartpole --num-envs 20000 --steps 300 --seed 1",
          out, sizeof out);
  CHECK(rc == 0 && strcmp(field(out, "state hash", h3, sizeof h3), h1) != 0);
  /* constant pushes end episodes quickly; parameters apply */
  rc = sh_capture(MYR_CLI " run --num-envs 1000 --steps 200 --policy constant:1 "
                  "--param max_steps=5", out, sizeof out);
  CHECK(rc == 0 && atof(field(out, "mean length", len, sizeof len)) <= 5.0);
  rc = sh_capture(MYR_CLI " run --num-envs 100 --steps 50 --precision float64", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "float64") != NULL);

  /* usage errors: exit 2 with a git-style message */
  rc = sh_capture(MYR_CLI " run --env cartpol", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "myriad: unknown environment 'cartpol'") != NULL);
  rc = sh_capture(MYR_CLI " run --num-envs 0", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "--num-envs") != NULL);
  rc = sh_capture(MYR_CLI " run --num-envs abc", out, sizeof out);
  CHECK(rc == 2);
  rc = sh_capture(MYR_CLI " run --policy constant:3", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "constant") != NULL);
  rc = sh_capture(MYR_CLI " run --param mass=3", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "unknown parameter 'mass'") != NULL);
  rc = sh_capture(MYR_CLI " run --param tau=nan", out, sizeof out);
  CHECK(rc == 2);
  rc = sh_capture(MYR_CLI " run --bogus", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "unknown option '--bogus'") != NULL);
  rc = sh_capture(MYR_CLI " frobnicate", out, sizeof out);
  CHECK(rc == 2 && strstr(out, "not a myriad command") != NULL);
  /* the --num-envs limit is stated (the library's MYR_MAX_ENVS) */
  rc = sh_capture(MYR_CLI " run --num-envs 4294967297 --steps 1", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "[1, 4294967296]") != NULL, "rc %d: %s", rc, out);
  /* out-of-range doubles are refused before any conversion (no UB) */
  CHECK(sh_capture(MYR_CLI " run --num-envs 1e30", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " run --steps -1e300", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " run --num-envs 9999999999G", out, sizeof out) == 2);
  /* --seed: decimal digits only */
  rc = sh_capture(MYR_CLI " run --seed ' -1' --num-envs 10 --steps 1", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "--seed") != NULL, "%s", out);
  CHECK(sh_capture(MYR_CLI " run --seed -1 --num-envs 10 --steps 1", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " run --seed 0x10 --num-envs 10 --steps 1", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " run --seed 18446744073709551616 --num-envs 10", out,
                   sizeof out) == 2);
  rc = sh_capture(MYR_CLI " run --seed 010 --num-envs 1000 --steps 30", out, sizeof out);
  field(out, "state hash", h2, sizeof h2);
  rc |= sh_capture(MYR_CLI " run --seed 10 --num-envs 1000 --steps 30", out, sizeof out);
  CHECK_MSG(rc == 0 && strcmp(field(out, "state hash", h3, sizeof h3), h2) == 0,
            "--seed 010 is not 10: %s vs %s", h2, h3);
  /* did you mean: env ids and aliases, options, commands */
  rc = sh_capture(MYR_CLI " run --env CartPole --steps 1", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "did you mean 'cartpole-v1'") != NULL, "%s", out);
  rc = sh_capture(MYR_CLI " run --env gene-circut", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "did you mean 'gene-circuit'") != NULL, "%s", out);
  rc = sh_capture(MYR_CLI " run --nmu-envs 5", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "did you mean '--num-envs'") != NULL, "%s", out);
  rc = sh_capture(MYR_CLI " rnu", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "did you mean 'run'") != NULL, "%s", out);
  /* unknown options are refused by every command, version included */
  CHECK(sh_capture(MYR_CLI " version --bogus", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " envs --bogus", out, sizeof out) == 2);
  CHECK(sh_capture(MYR_CLI " demo --record x", out, sizeof out) == 2);
  /* --env all: every env for envs and bench; refused with a reason elsewhere */
  rc = sh_capture(MYR_CLI " envs --env all", out, sizeof out);
  CHECK_MSG(rc == 0 && strstr(out, "cartpole-v1") != NULL &&
            strstr(out, "ccasr-gfp-control") != NULL, "rc %d", rc);
  rc = sh_capture(MYR_CLI " run --env all", out, sizeof out);
  CHECK_MSG(rc == 2 && strstr(out, "--env all is not accepted") != NULL, "%s", out);
  CHECK(sh_capture(MYR_CLI " demo --env all", out, sizeof out) == 2);
  /* more threads than CPUs: a warning, the same result */
  rc = sh_capture(MYR_CLI " run --num-envs 1000 --steps 30 --seed 10 --threads 1000",
                  out, sizeof out);
  CHECK_MSG(rc == 0 && strstr(out, "warning: --threads 1000 is more than") != NULL &&
            strcmp(field(out, "state hash", h2, sizeof h2), h3) == 0, "%s", out);
  /* help names every command and option */
  rc = sh_capture(MYR_CLI " --help", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "bench compare") != NULL);
  rc = sh_capture(MYR_CLI " run --help", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "--tuned") != NULL && strstr(out, "--backend") != NULL &&
        strstr(out, "--force") != NULL);
  rc = sh_capture(MYR_CLI " demo --help", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "--tuned") != NULL && strstr(out, "--backend") != NULL);
  /* envs documents observation layout, reward and parameter meanings */
  rc = sh_capture(MYR_CLI " envs --env gene-circuit", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "[F/80, target(t)/80") != NULL &&
        strstr(out, "-|F - target(t)|") != NULL &&
        strstr(out, "R1: H production rate under light") != NULL);

  /* --help on every command; envs and version */
  CHECK(sh_capture(MYR_CLI " --help", out, sizeof out) == 0 && strstr(out, "usage") != NULL);
  CHECK(sh_capture(MYR_CLI " run --help", out, sizeof out) == 0 && strstr(out, "usage") != NULL);
  CHECK(sh_capture(MYR_CLI " demo --help", out, sizeof out) == 0 && strstr(out, "usage") != NULL);
  CHECK(sh_capture(MYR_CLI " bench --help", out, sizeof out) == 0 && strstr(out, "usage") != NULL);
  CHECK(sh_capture(MYR_CLI " bench throughput --help", out, sizeof out) == 0);
  CHECK(sh_capture(MYR_CLI " envs --help", out, sizeof out) == 0);
  CHECK(sh_capture(MYR_CLI " version", out, sizeof out) == 0 && strstr(out, "myriad") != NULL);
  rc = sh_capture(MYR_CLI " envs", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "cartpole-v1") != NULL &&
        strstr(out, "max_steps") != NULL && strstr(out, "Discrete(2)") != NULL);
  /* a small demo and a small benchmark run to completion */
  rc = sh_capture(MYR_CLI " demo --num-envs 2000 --steps 100", out, sizeof out);
  CHECK_MSG(rc == 0 && strstr(out, "throughput") != NULL, "%s", out);
  rc = sh_capture(MYR_CLI " bench throughput --env cartpole --num-envs 2000 --steps 20 "
                  "--runs 5 --warmup 1 --mode step", out, sizeof out);
  CHECK_MSG(rc == 0 && strstr(out, "steps/s") != NULL, "%s", out);
  return check_summary("test_cli");
}
