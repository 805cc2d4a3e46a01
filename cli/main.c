/*
 * main.c -- `myriad` command dispatch, `envs` and `version`.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "mpi.h"

static const char* top_usage =
    "usage: myriad <command> [options]\n"
    "\n"
    "commands:\n"
    "  envs      list environments, their spaces and parameters\n"
    "  run       run a fused rollout and print statistics\n"
    "  demo      the showcase: 100,000 CartPole envs with live progress\n"
    "  bench     benchmarks (throughput, memory, chunk, threads, all) and\n"
    "            'bench compare': Myriad beside Gymnasium, gymnax, EnvPool\n"
    "  tune      find and cache the fastest threads/block/chunk here\n"
    "  render    write one env's episode as a GIF or an MP4 (Python)\n"
    "  version   print version and build information\n"
    "\n"
    "'myriad <command> --help' describes a command's options.\n";

static const char* envs_usage =
    "usage: myriad envs [--env ID|all]\n"
    "\n"
    "List every environment (or one) with its observation layout and bounds,\n"
    "action space, reward, state fields and parameters (name, default,\n"
    "range, unit, meaning), then the shipped reaction-network models (run\n"
    "one with 'myriad run --env NAME'; --env NAME shows its env here).\n";

static void print_env(const myr_env_info* e) {
  int32_t i;
  printf("%s", e->id);
  if (e->aliases[0] != '\0') printf("  (aliases: %s)", e->aliases);
  printf("\n  %s\n", e->description);
  printf("  observation  float32[%d]", (int)e->obs_dim);
  if (isfinite(e->obs_low)) printf(" in [%g, %g]", (double)e->obs_low, (double)e->obs_high);
  printf("\n  layout       %s\n", e->observation);
  if (e->action_space.kind == MYR_SPACE_DISCRETE)
    printf("  action       Discrete(%d)\n", (int)e->action_space.n);
  else
    printf("  action       Box(%g, %g, (%d,), float32)\n",
           (double)e->action_space.low, (double)e->action_space.high,
           (int)e->action_space.n);
  printf("  reward       %s\n", e->reward);
  printf("  truncation   %d steps; state %zu bytes/env (float32)\n",
         (int)e->max_steps_default, e->state_bytes_per_env);
  printf("  fields      ");
  for (i = 0; i < e->num_fields; ++i)
    printf(" %s%s%s%s", e->fields[i].name, e->fields[i].unit[0] ? " [" : "",
           e->fields[i].unit, e->fields[i].unit[0] ? "]" : "");
  printf("\n  parameters   %-14s %10s  %-20s %-9s %s\n", "name", "default",
         "range", "unit", "meaning");
  for (i = 0; i < e->num_params; ++i) {
    const myr_param_info* p = &e->params[i];
    char range[64];
    snprintf(range, sizeof range, "[%.10g, %.10g]%s", p->min_value, p->max_value,
             p->is_integer ? " int" : "");
    printf("               %-14s %10g  %-20s %-9s %s\n", p->name,
           p->default_value, range, p->unit, p->description);
  }
  printf("\n");
}

int cli_cmd_envs(int argc, char** argv) {
  cli_opts o;
  int rc;
  int32_t i;
  cli_opts_init(&o, "envs");
  o.env = NULL;
  if ((rc = cli_parse(&o, argc, argv, OPT_ENV | OPT_ENV_ALL | OPT_MODEL,
                      envs_usage)) != 0)
    return rc < 0 ? 0 : rc;
  if (o.model != NULL) { /* a model: the env a batch of it gets */
    myr_batch* b = NULL;
    o.num_envs = 1;
    o.threads = 1;
    if ((rc = cli_make_batch(&o, &b)) != 0) return rc;
    printf("model %s\n", o.model);
    print_env(myr_batch_env(b));
    myr_batch_destroy(b);
    return 0;
  }
  if (o.env != NULL && strcmp(o.env, "all") != 0) {
    print_env(myr_env_find(o.env));
    return 0;
  }
  for (i = 0; i < myr_env_count(); ++i) print_env(myr_env_at(i));
  cli_models_list(stdout);
  return 0;
}

static const char* version_usage =
    "usage: myriad version\n"
    "\n"
    "Print the version, the backends and SIMD built in, the compiler, the git\n"
    "revision and the CPU.\n";

static int cmd_version(int argc, char** argv) {
  cli_opts o;
  int rc;
  cli_opts_init(&o, "version");
  if ((rc = cli_parse(&o, argc, argv, 0, version_usage)) != 0)
    return rc < 0 ? 0 : rc;
  printf("%s\n", myr_build_info());
  printf("compiler  %s\n", cli_compiler());
  printf("revision  %s\n", cli_git_rev());
  printf("cpu       %s (%d online)\n", cli_cpu_model(), (int)myr_cpu_count());
  return 0;
}

static int dispatch(int argc, char** argv) {
  const char* cmd;
  if (argc < 2) {
    fputs(top_usage, stderr);
    return CLI_EXIT_USAGE;
  }
  cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
      strcmp(cmd, "help") == 0) {
    fputs(top_usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0)
    return cmd_version(argc - 2, argv + 2);
  if (strcmp(cmd, "envs") == 0) return cli_cmd_envs(argc - 2, argv + 2);
  if (strcmp(cmd, "run") == 0) return cli_cmd_run(argc - 2, argv + 2);
  if (strcmp(cmd, "demo") == 0) return cli_cmd_demo(argc - 2, argv + 2);
  if (strcmp(cmd, "bench") == 0) return cli_cmd_bench(argc - 2, argv + 2);
  if (strcmp(cmd, "tune") == 0) return cli_cmd_tune(argc - 2, argv + 2);
  if (strcmp(cmd, "render") == 0) return cli_cmd_render(argc - 2, argv + 2);
  {
    static const char* const commands[] = {"envs", "run", "demo", "bench",
                                           "tune", "render", "version", "help"};
    const char* near = cli_suggest(cmd, commands, 8);
    if (near != NULL)
      cli_error("'%s' is not a myriad command; did you mean '%s'?", cmd, near);
    else
      cli_error("'%s' is not a myriad command (see 'myriad --help')", cmd);
  }
  return CLI_EXIT_USAGE;
}

int main(int argc, char** argv) {
  int rc = cli_mpi_init(&argc, &argv);
  if (rc == 0) rc = dispatch(argc, argv);
  /* results that never reached stdout (a full disk, a closed pipe) are a
   * failed run, not a success */
  if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
    if (rc == 0) {
      cli_error("cannot write the output: %s", strerror(errno ? errno : EIO));
      rc = CLI_EXIT_FAIL;
    }
  }
  cli_mpi_finalize(rc);
  return rc;
}
