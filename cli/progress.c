/*
 * progress.c -- numbers for people (1.23M) and the one-line progress
 * display of long commands, sized to
 * the terminal: the text (percent, steps, rate, ETA) always fits, and the
 * bar takes what is left, so the line never reaches the last column (a
 * line that fills it wraps on many terminals and scrolls instead of
 * redrawing in place).  Narrow terminals lose the bar, then the step
 * counts, before the percentage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

const char* cli_si(double v, char* buf, size_t size) {
  const char* suf[] = {"", "K", "M", "G", "T"};
  int k = 0;
  while (v >= 1000.0 && k < 4) {
    v /= 1000.0;
    k++;
  }
  snprintf(buf, size, k ? "%.2f%s" : "%.0f%s", v, suf[k]);
  return buf;
}

int cli_terminal_columns(int fd) {
  struct winsize w;
  const char* env = getenv("COLUMNS");
  if (ioctl(fd, TIOCGWINSZ, &w) == 0 && w.ws_col > 0) return (int)w.ws_col;
  if (env != NULL) {
    long c = strtol(env, NULL, 10);
    if (c > 0 && c < 10000) return (int)c;
  }
  return 80;
}

size_t cli_progress_line(char* buf, size_t size, int columns, int64_t done,
                         int64_t total, double rate, double eta) {
  char r[32], text[160], bar[256];
  double pct = total > 0 ? 100.0 * (double)done / (double)total : 100.0;
  int room = columns - 1, bar_width, filled, k;
  int n;
  if (size == 0) return 0;
  if (columns <= 0) room = (int)sizeof text + 8; /* not a terminal: no bar */
  if (room > (int)sizeof bar + 40) room = (int)sizeof bar + 40;
  cli_si(rate, r, sizeof r);
  /* the longest text that fits; the bar gets the rest */
  n = snprintf(text, sizeof text, "%5.1f%%  step %lld/%lld  %s steps/s  ETA %.1fs",
               pct, (long long)done, (long long)total, r, eta);
  if (n + 2 > room)
    n = snprintf(text, sizeof text, "%5.1f%%  %s/s  ETA %.0fs", pct, r, eta);
  if (n + 2 > room) n = snprintf(text, sizeof text, "%5.1f%%", pct);
  bar_width = room - n - 6; /* "  [" + "] " + text */
  if (bar_width > 40) bar_width = 40;
  if (bar_width < 10 || columns <= 0) {
    n = snprintf(buf, size, "  %s", text);
  } else {
    filled = (int)(pct / 100.0 * bar_width);
    for (k = 0; k < bar_width; ++k) bar[k] = k < filled ? '#' : '.';
    bar[bar_width] = '\0';
    n = snprintf(buf, size, "  [%s] %s", bar, text);
  }
  if (n < 0) {
    buf[0] = '\0';
    return 0;
  }
  if ((size_t)n >= size) n = (int)size - 1;
  if (n > room && room >= 0) { /* a terminal narrower than any text */
    buf[room] = '\0';
    n = room;
  }
  return (size_t)n;
}
