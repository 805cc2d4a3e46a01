/*
 * npy.h -- streaming writer for NumPy .npy files (format 1.0).
 *
 * The header is written with the full shape up front and padded to 128
 * bytes so it can be rewritten in place if fewer rows arrive.  Data goes to
 * a new temporary file "<dir>/<name>.npy.XXXXXX.tmp" (created O_EXCL, see
 * safefile.c); close() syncs it and renames it to "<name>.npy" when
 * complete or, after an interruption or a write error, cuts it to the rows
 * written (so header and data agree), rewrites the shape and renames it to
 * "<name>.partial.npy".  A crash leaves only *.tmp files.
 */
#ifndef MYR_CLI_NPY_H
#define MYR_CLI_NPY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct myr_npy {
  FILE* f;
  char tmp_path[1100];
  char final_path[1024];
  char partial_path[1024];
  char descr[8];
  int64_t shape[4];
  int ndim;
  size_t row_bytes; /* bytes of one leading-dimension row */
} myr_npy;

/* 0, or -1 with a message printed */
int myr_npy_open(myr_npy* n, const char* dir, const char* name,
                 const char* descr, const int64_t* shape, int ndim);
int myr_npy_append(myr_npy* n, const void* data, size_t bytes);
/* whole rows that reached the file (buffers flushed; after a write error
 * fewer than were appended) */
int64_t myr_npy_rows_written(myr_npy* n);
/* rows: leading dimension actually written; 0 or -1 with a message */
int myr_npy_close(myr_npy* n, int64_t rows, int complete);
void myr_npy_abort(myr_npy* n);
/* bytes of the file a complete or partial close of `rows` rows leaves */
int64_t myr_npy_file_bytes(const myr_npy* n, int64_t rows);

#endif
