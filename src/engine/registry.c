/*
 * registry.c -- the table of env classes (src/envs/env_list.h) and lookup by id
 * or alias.
 */
#include <string.h>

#include "internal.h"

static const myr__env_class* const classes[] = {
#define MYR_ENV_CLASS_(name) &name,
#include "../envs/env_list.h"
#undef MYR_ENV_CLASS_
};

int32_t myr__env_class_count(void) {
  return (int32_t)(sizeof classes / sizeof classes[0]);
}

const myr__env_class* myr__env_class_at(int32_t index) {
  if (index < 0 || index >= myr__env_class_count()) return NULL;
  return classes[index];
}

static int alias_matches(const char* aliases, const char* id) {
  size_t len = strlen(id);
  const char* p = aliases;
  while (p != NULL && *p != '\0') {
    const char* comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == len && strncmp(p, id, n) == 0) return 1;
    p = comma ? comma + 1 : NULL;
  }
  return 0;
}

const myr__env_class* myr__env_class_find(const char* id) {
  int32_t i;
  if (id == NULL) return NULL;
  for (i = 0; i < myr__env_class_count(); ++i)
    if (strcmp(classes[i]->info.id, id) == 0 ||
        alias_matches(classes[i]->info.aliases, id))
      return classes[i];
  return NULL;
}

int32_t myr_env_count(void) { return myr__env_class_count(); }

const myr_env_info* myr_env_at(int32_t index) {
  const myr__env_class* c = myr__env_class_at(index);
  return c ? &c->info : NULL;
}

const myr_env_info* myr_env_find(const char* id) {
  const myr__env_class* c = myr__env_class_find(id);
  if (c == NULL) {
    myr__fail(MYR_ENOENV, "unknown environment '%s'", id ? id : "(null)");
    return NULL;
  }
  return &c->info;
}
