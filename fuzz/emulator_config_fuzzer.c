/* emulator_config_fuzzer.c — the planted-bug emulator's text parsers
 * against any bytes.
 *
 * The emulator (emulator/emulator.c) reads its configuration from the
 * environment with small static C functions: parse_probability, parse_u64,
 * parse_rules, and it folds every path it judges with normalise,
 * is_at_or_under and parent_of. They are pure, so this file compiles
 * emulator.c into itself and calls them directly. The functions emulator.c
 * interposes (open, close, mkdir, ...) are renamed first, so this program
 * does not replace libc's, and with OPENRACE_EMULATOR_ROOT unset the
 * library's constructor leaves it inert.
 *
 * The input is split at its first NUL into a base and a path (the base is
 * used only when it is absolute); the first byte also picks a small output
 * capacity, so the bounds checks are exercised with buffers ASan guards.
 * Properties:
 *   parse_probability  accepted => value in [0,1], only digits . e E + -
 *   parse_u64          accepted => printing the value and parsing it again
 *                      gives the value
 *   parse_rules        accepted => the rule bits, spelled canonically,
 *                      parse to the same bits
 *   normalise          a result fits its buffer, has the length returned,
 *                      starts with '/', holds no empty, "." or ".."
 *                      component and no trailing '/', and is a fixed point
 *   parent_of          a result fits and is "." or a prefix of the path
 *   is_at_or_under     true => the path starts with the root
 */

#define open openrace_fuzz_open
#define open64 openrace_fuzz_open64
#define openat openrace_fuzz_openat
#define openat64 openrace_fuzz_openat64
#define __open_2 openrace_fuzz___open_2
#define __open64_2 openrace_fuzz___open64_2
#define __openat_2 openrace_fuzz___openat_2
#define __openat64_2 openrace_fuzz___openat64_2
#define creat openrace_fuzz_creat
#define creat64 openrace_fuzz_creat64
#define mkdir openrace_fuzz_mkdir
#define mkdirat openrace_fuzz_mkdirat
#define close openrace_fuzz_close
#define close_range openrace_fuzz_close_range
#define closefrom openrace_fuzz_closefrom
#define dup2 openrace_fuzz_dup2
#define dup3 openrace_fuzz_dup3

#include "emulator/emulator.c"

static void fail(const char *what, const char *a, const char *b) {
  fprintf(stderr, "emulator_config_fuzzer: %s\n  input: '%s'\n  got:   '%s'\n",
          what, a, b ? b : "");
  abort();
}

static void check_probability(const char *s) {
  double v = -1;
  if (!parse_probability(s, &v)) return;
  if (!(v >= 0.0 && v <= 1.0)) fail("probability outside [0,1]", s, NULL);
  for (const char *c = s; *c; c++) {
    if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == 'e' || *c == 'E' ||
          *c == '+' || *c == '-'))
      fail("probability accepted a stray character", s, NULL);
  }
}

static void check_u64(const char *s) {
  uint64_t v = 0, again = 0;
  if (!parse_u64(s, &v)) return;
  char text[32];
  snprintf(text, sizeof text, "%llu", (unsigned long long)v);
  if (!parse_u64(text, &again) || again != v) fail("u64 does not round-trip", s, text);
}

static void check_rules(const char *s) {
  int rules = -1, again = -1;
  if (!parse_rules(s, &rules)) return;
  const char *names[] = {"held-relative",    "mkdir-relative",        "any-relative",
                         "sibling-create-enoent", "excl-create-wins", "rename-lost",
                         "stale-open"};
  const int bits[] = {RULE_HELD, RULE_MKDIR,       RULE_ANY,  RULE_SIBLING,
                      RULE_EXCL, RULE_RENAME_LOST, RULE_STALE};
  const int count = (int)(sizeof bits / sizeof bits[0]);
  int known = 0;
  for (int i = 0; i < count; i++) known |= bits[i];
  if (rules & ~known) fail("unknown rule bits", s, NULL);
  char text[160] = "";
  for (int i = 0; i < count; i++) {
    if (!(rules & bits[i])) continue;
    if (text[0]) strcat(text, ",");
    strcat(text, names[i]);
  }
  if (!parse_rules(text, &again) || again != rules) fail("rules do not round-trip", s, text);
}

static void check_normalised(const char *base, const char *path, size_t cap) {
  char *out = malloc(cap ? cap : 1);
  long n = normalise(base, path, out, cap);
  if (n >= 0) {
    if ((size_t)n >= cap || strlen(out) != (size_t)n) fail("length or bound wrong", path, out);
    if (out[0] != '/') fail("not absolute", path, out);
    if (n > 1 && out[n - 1] == '/') fail("trailing separator", path, out);
    for (const char *p = out + 1; n > 1 && *p;) {
      const char *e = strchr(p, '/');
      size_t l = e ? (size_t)(e - p) : strlen(p);
      if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
        fail("empty, . or .. component left", path, out);
      p += l + (e ? 1 : 0);
    }
    char *again = malloc((size_t)n + 1);
    long m = normalise(NULL, out, again, (size_t)n + 1);
    if (m != n || strcmp(again, out) != 0) fail("not a fixed point", out, m >= 0 ? again : "");
    /* The root test on a normalised path: a match is a prefix match. */
    if (n > 1 && is_at_or_under(out, (size_t)n, out, (size_t)n) != 1)
      fail("a path is not under itself", path, out);
    if (base != NULL && base[0] == '/') {
      char *b = malloc(strlen(base) + 2);
      long bn = normalise(NULL, base, b, strlen(base) + 2);
      if (bn > 1 && is_at_or_under(out, (size_t)n, b, (size_t)bn) &&
          strncmp(out, b, (size_t)bn) != 0)
        fail("under the root without its prefix", path, out);
      free(b);
    }
    free(again);
  }
  free(out);
}

static void check_parent(const char *path, size_t cap) {
  char *buf = malloc(cap < 2 ? 2 : cap);
  if (parent_of(path, buf, cap < 2 ? 2 : cap)) {
    size_t l = strlen(buf);
    if (l >= (cap < 2 ? 2 : cap)) fail("parent overflows", path, buf);
    if (strcmp(buf, ".") != 0 && strncmp(buf, path, l) != 0)
      fail("parent is not a prefix", path, buf);
  }
  free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = '\0';
  const char *first = text;
  const char *second = text + strlen(text);
  if ((size_t)(second - text) < size) second++; /* past the NUL */
  check_probability(first);
  check_u64(first);
  check_rules(first);
  const size_t cap = size ? (size_t)(data[0] % 64) : 0;
  check_normalised(NULL, first, cap);
  check_normalised(NULL, first, PATH_MAX);
  check_normalised(first, second, cap);
  check_normalised(first, second, 2 * PATH_MAX);
  check_parent(first, cap);
  check_parent(second, PATH_MAX);
  free(text);
  return 0;
}
