/*
 * npy.c -- streaming .npy writer (see npy.h).
 */
#include "npy.h"

#include <stdio.h>
#include <string.h>

#define HEADER_BYTES 128

static int write_header(myr_npy* n, int64_t rows) {
  char dict[HEADER_BYTES];
  char shape[96];
  int len = 0, k, hl;
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
  shape[0] = '\0';
  for (k = 0; k < n->ndim; ++k) {
    char part[32];
    snprintf(part, sizeof part, "%lld,%s", (long long)(k == 0 ? rows : n->shape[k]),
             (k + 1 < n->ndim) ? " " : "");
    strncat(shape, part, sizeof shape - strlen(shape) - 1);
  }
  if (n->ndim > 1) shape[strlen(shape) - 1] = '\0'; /* drop trailing comma */
  len = snprintf(dict, sizeof dict,
                 "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                 n->descr, shape);
  if (len < 0 || len > HEADER_BYTES - 11) return -1;
  hl = HEADER_BYTES - 10;
  memset(dict + len, ' ', (size_t)(hl - len - 1));
  dict[hl - 1] = '\n';
  pre[8] = (unsigned char)(hl & 0xFF);
  pre[9] = (unsigned char)(hl >> 8);
  if (fseek(n->f, 0, SEEK_SET) != 0) return -1;
  if (fwrite(pre, 1, 10, n->f) != 10) return -1;
  if (fwrite(dict, 1, (size_t)hl, n->f) != (size_t)hl) return -1;
  return 0;
}

int myr_npy_open(myr_npy* n, const char* dir, const char* name,
                 const char* descr, const int64_t* shape, int ndim) {
  int k;
  memset(n, 0, sizeof *n);
  if (ndim < 1 || ndim > 4) return -1;
  snprintf(n->tmp_path, sizeof n->tmp_path, "%s/%s.npy.tmp", dir, name);
  snprintf(n->final_path, sizeof n->final_path, "%s/%s.npy", dir, name);
  snprintf(n->partial_path, sizeof n->partial_path, "%s/%s.partial.npy", dir,
           name);
  snprintf(n->descr, sizeof n->descr, "%s", descr);
  for (k = 0; k < ndim; ++k) n->shape[k] = shape[k];
  n->ndim = ndim;
  n->f = fopen(n->tmp_path, "wb");
  if (n->f == NULL) return -1;
  if (write_header(n, shape[0]) != 0) {
    myr_npy_abort(n);
    return -1;
  }
  return 0;
}

int myr_npy_append(myr_npy* n, const void* data, size_t bytes) {
  if (n->f == NULL) return -1;
  if (fseek(n->f, 0, SEEK_END) != 0) return -1;
  return fwrite(data, 1, bytes, n->f) == bytes ? 0 : -1;
}

int myr_npy_close(myr_npy* n, int64_t rows, int complete) {
  int bad = 0;
  if (n->f == NULL) return -1;
  if (!complete && write_header(n, rows) != 0) bad = 1;
  if (fflush(n->f) != 0) bad = 1;
  if (fclose(n->f) != 0) bad = 1;
  n->f = NULL;
  if (bad) {
    remove(n->tmp_path);
    return -1;
  }
  return rename(n->tmp_path, complete ? n->final_path : n->partial_path) == 0
             ? 0
             : -1;
}

void myr_npy_abort(myr_npy* n) {
  if (n->f != NULL) fclose(n->f);
  n->f = NULL;
  if (n->tmp_path[0] != '\0') remove(n->tmp_path);
}
