/*
 * npy.c -- streaming .npy writer (see npy.h).
 */
#include "npy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

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

int64_t myr_npy_file_bytes(const myr_npy* n, int64_t rows) {
  return HEADER_BYTES + rows * (int64_t)n->row_bytes;
}

int myr_npy_open(myr_npy* n, const char* dir, const char* name,
                 const char* descr, const int64_t* shape, int ndim) {
  int k, fd;
  memset(n, 0, sizeof *n);
  if (ndim < 1 || ndim > 4) return -1;
  snprintf(n->final_path, sizeof n->final_path, "%s/%s.npy", dir, name);
  snprintf(n->partial_path, sizeof n->partial_path, "%s/%s.partial.npy", dir,
           name);
  snprintf(n->descr, sizeof n->descr, "%s", descr);
  n->row_bytes = (size_t)(descr[2] - '0'); /* "<f4", "<i4", "|u1" */
  for (k = 0; k < ndim; ++k) {
    n->shape[k] = shape[k];
    if (k > 0) n->row_bytes *= (size_t)shape[k];
  }
  n->ndim = ndim;
  fd = cli_tmp_open("run", n->final_path, n->tmp_path, sizeof n->tmp_path);
  if (fd < 0) return -1;
  n->f = fdopen(fd, "wb");
  if (n->f == NULL) {
    cli_error("run: cannot write '%s': %s", n->tmp_path, strerror(errno));
    close(fd);
    unlink(n->tmp_path);
    return -1;
  }
  if (write_header(n, shape[0]) != 0) {
    cli_error("run: cannot write '%s': %s", n->tmp_path, strerror(errno));
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

int64_t myr_npy_rows_written(myr_npy* n) {
  struct stat st;
  if (n->f == NULL) return 0;
  fflush(n->f); /* on a full disk this fails: count what did arrive */
  clearerr(n->f);
  if (fstat(fileno(n->f), &st) != 0 || st.st_size < HEADER_BYTES) return 0;
  return (int64_t)(st.st_size - HEADER_BYTES) / (int64_t)n->row_bytes;
}

int myr_npy_close(myr_npy* n, int64_t rows, int complete) {
  int err = 0, fd;
  if (n->f == NULL) return -1;
  /* a partial file holds exactly the rows its header names: flush what is
   * buffered (it may fail on a full disk), then cut to the whole rows */
  if (!complete) {
    fflush(n->f);
    clearerr(n->f);
    errno = 0;
    if (ftruncate(fileno(n->f), (off_t)myr_npy_file_bytes(n, rows)) != 0 ||
        write_header(n, rows) != 0)
      err = errno ? errno : EIO;
  }
  if (fflush(n->f) != 0 && err == 0) err = errno;
  fd = dup(fileno(n->f));
  if (fclose(n->f) != 0 && err == 0) err = errno;
  n->f = NULL;
  if (err != 0 || fd < 0) {
    cli_error("run: writing '%s' failed: %s", n->tmp_path,
              strerror(err ? err : errno));
    if (fd >= 0) close(fd);
    unlink(n->tmp_path);
    return -1;
  }
  return cli_publish("run", fd, n->tmp_path,
                     complete ? n->final_path : n->partial_path);
}

void myr_npy_abort(myr_npy* n) {
  if (n->f != NULL) fclose(n->f);
  n->f = NULL;
  if (n->tmp_path[0] != '\0') unlink(n->tmp_path);
}
