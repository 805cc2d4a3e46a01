/*
 * npy.h -- streaming writer for NumPy .npy files (format 1.0).
 *
 * The header is written with the full shape up front and padded to 128
 * bytes so it can be rewritten in place if fewer rows arrive.  Data goes to
 * "<dir>/<name>.npy.tmp"; close() renames it to "<name>.npy" when complete
 * or, after an interruption, rewrites the shape to the rows written and
 * renames it to "<name>.partial.npy".  A crash leaves only *.tmp files.
 */
#ifndef MYR_CLI_NPY_H
#define MYR_CLI_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct myr_npy {
  FILE* f;
  char tmp_path[1024];
  char final_path[1024];
  char partial_path[1024];
  char descr[8];
  int64_t shape[4];
  int ndim;
} myr_npy;

int myr_npy_open(myr_npy* n, const char* dir, const char* name,
                 const char* descr, const int64_t* shape, int ndim);
int myr_npy_append(myr_npy* n, const void* data, size_t bytes);
/* rows: leading dimension actually written */
int myr_npy_close(myr_npy* n, int64_t rows, int complete);
void myr_npy_abort(myr_npy* n);

#endif
