/*
 * models.c -- the shipped reaction-network models (models/NAME.xml with their
 * .myriad sidecars): finding one by name, listing them, and loading the
 * model a command's options name.
 *
 * Search order: $MYRIAD_MODELS (a directory), the source tree recorded at
 * build time (MYR_SOURCE_DIR/models), the installed copy
 * (MYR_MODELS_DIR, share/myriad/models under the install prefix).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifndef MYR_SOURCE_DIR
#  define MYR_SOURCE_DIR "."
#endif
#ifndef MYR_MODELS_DIR
#  define MYR_MODELS_DIR "/usr/local/share/myriad/models"
#endif

#define DIRS 3

static int model_dirs(const char* dirs[DIRS]) {
  static char src[4096];
  const char* env = getenv("MYRIAD_MODELS");
  int n = 0;
  if (env != NULL && env[0] != '\0') dirs[n++] = env;
  snprintf(src, sizeof src, "%s/models", MYR_SOURCE_DIR);
  dirs[n++] = src;
  dirs[n++] = MYR_MODELS_DIR;
  return n;
}

/* a plain model name: letters, digits, '_' and '-' */
static int plain_name(const char* s) {
  size_t k;
  if (s[0] == '\0' || strlen(s) > 100) return 0;
  for (k = 0; s[k] != '\0'; ++k) {
    char c = s[k];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return 0;
  }
  return 1;
}

int cli_model_find(const char* name, char* buf, size_t size) {
  const char* dirs[DIRS];
  char alt[128];
  int n = model_dirs(dirs), i, v;
  if (name == NULL || !plain_name(name)) return 0;
  /* birth-death finds birth_death.xml */
  snprintf(alt, sizeof alt, "%s", name);
  for (i = 0; alt[i] != '\0'; ++i)
    if (alt[i] == '-') alt[i] = '_';
  for (i = 0; i < n; ++i)
    for (v = 0; v < 2; ++v) {
      snprintf(buf, size, "%s/%s.xml", dirs[i], v ? alt : name);
      if (access(buf, R_OK) == 0) return 1;
    }
  return 0;
}

static int by_name(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

void cli_models_list(FILE* f) {
  const char* dirs[DIRS];
  char* names[256];
  int n = model_dirs(dirs), i, count = 0, k;
  for (i = 0; i < n && count == 0; ++i) {
    DIR* h = opendir(dirs[i]);
    struct dirent* e;
    if (h == NULL) continue;
    while ((e = readdir(h)) != NULL && count < 256) {
      size_t len = strlen(e->d_name);
      if (len > 4 && strcmp(e->d_name + len - 4, ".xml") == 0 &&
          (names[count] = strdup(e->d_name)) != NULL)
        names[count++][len - 4] = '\0';
    }
    closedir(h);
    if (count == 0) continue;
    qsort(names, (size_t)count, sizeof names[0], by_name);
    fprintf(f, "shipped models (reaction-network; myriad run --env NAME), in %s:\n",
            dirs[i]);
    if (!myr_sbml_available())
      fprintf(f, "  (this build has no SBML support (libsbml): they cannot be loaded)\n");
    for (k = 0; k < count; ++k) {
      char path[4200];
      myr_model* m = NULL;
      snprintf(path, sizeof path, "%s/%s.xml", dirs[i], names[k]);
      if (!myr_sbml_available()) {
        fprintf(f, "  %s\n", names[k]);
      } else if (myr_model_load(path, NULL, &m) == MYR_OK) {
        fprintf(f, "  %-16s %s\n", names[k], myr_model_name(m));
        myr_model_destroy(m);
      } else {
        fprintf(f, "  %-16s (%s)\n", names[k], myr_last_error());
      }
      free(names[k]);
    }
  }
}

int cli_model_load(const cli_opts* o, myr_model** out) {
  myr_model_opts mo = myr_model_opts_default();
  int rc;
  mo.input = o->model_input;
  mo.observe = o->model_observe;
  mo.dt = o->model_dt;
  mo.input_space = o->model_input_space;
  rc = myr_model_load(o->model, &mo, out);
  if (rc != MYR_OK) {
    cli_error("%s: %s", o->cmd, myr_last_error());
    return cli_exit_code(rc);
  }
  return 0;
}
