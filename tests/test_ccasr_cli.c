/* `myriad run` on the gene circuit: the population statistics of H and F
 * and the reaction-cap count at the end of the report. */
#include "check.h"
#include "shell.h"

/* the number after "key" at the start of a line, NAN if absent */
static double value(const char* out, const char* key) {
  const char* s = out;
  size_t len = strlen(key);
  while (s != NULL && *s != '\0') {
    if (strncmp(s, key, len) == 0 && s[len] == ' ') return atof(s + len);
    s = strchr(s, '\n');
    if (s != NULL) ++s;
  }
  return (double)NAN;
}

int main(void) {
  static char out[16384], out2[16384];
  /* constant light for 20 steps (100 min): H ~ Poisson(100 (1 - e^-1)) */
  double lam = 100.0 * (1.0 - exp(-1.0));
  int rc = sh_capture(MYR_CLI " run --env gene-circuit --num-envs 4000 --steps 20 "
              "--policy constant:1 --threads 1", out, sizeof out);
  CHECK_MSG(rc == 0, "exit %d:\n%s", rc, out);
  CHECK_MSG(fabs(value(out, "mean H") - lam) < 5.0 * sqrt(lam / 4000.0),
            "mean H %g vs %g", value(out, "mean H"), lam);
  CHECK_MSG(fabs(value(out, "var H") - lam) < 5.0 * sqrt((lam + 2 * lam * lam) / 4000.0),
            "var H %g vs %g", value(out, "var H"), lam);
  CHECK(value(out, "mean F") > 0.0 && value(out, "var F") > 0.0);
  CHECK(value(out, "cap hits") == 0.0);
  CHECK(value(out, "reactions") > 1.0);
  /* the same numbers with 3 threads */
  rc = sh_capture(MYR_CLI " run --env gene-circuit --num-envs 4000 --steps 20 "
          "--policy constant:1 --threads 3", out2, sizeof out2);
  CHECK(rc == 0);
  CHECK(value(out2, "mean F") == value(out, "mean F") &&
        value(out2, "var H") == value(out, "var H"));
  /* a cap of one reaction per step is hit and reported */
  rc = sh_capture(MYR_CLI " run --env ccasr-gfp-control --num-envs 1000 --steps 5 "
          "--policy constant:1 --param cap=1", out, sizeof out);
  CHECK(rc == 0);
  CHECK_MSG(value(out, "cap hits") > 1000.0, "cap hits %g", value(out, "cap hits"));
  CHECK(value(out, "mean H") + value(out, "mean F") <= 5.0);
  /* a whole episode (288 steps): the state is reset, the episode-end
   * figures keep H ~ Poisson(100 (1 - e^-14.4)) */
  rc = sh_capture(MYR_CLI " run --env gene-circuit --num-envs 2000 --steps 288 "
          "--policy constant:1", out, sizeof out);
  CHECK(rc == 0);
  CHECK(value(out, "mean H") == 0.0 && value(out, "episodes") == 2000.0);
  /* and says why the means now are 0 */
  CHECK_MSG(strstr(out, "2000 envs ended an episode on the last step and were reset") != NULL,
            "%s", out);
  lam = 100.0 * (1.0 - exp(-14.4));
  CHECK_MSG(fabs(value(out, "mean H at episode end") - lam) < 5.0 * sqrt(lam / 2000.0),
            "mean H at episode end %g", value(out, "mean H at episode end"));
  CHECK(value(out, "mean F at episode end") > 10.0);
  /* no H/F lines for an env without those fields */
  rc = sh_capture(MYR_CLI " run --env cartpole --num-envs 100 --steps 5", out, sizeof out);
  CHECK(rc == 0 && strstr(out, "mean F") == NULL);
  return check_summary("test_ccasr_cli");
}
