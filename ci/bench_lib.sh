# Helpers the bench scripts share; sourced (`. ci/bench_lib.sh`), never run.

# bench_bin BUILD_DIR NAME: the absolute path of a built binary. It sits in
# BUILD_DIR itself since the stage folders; older trees have it in
# BUILD_DIR/harness, where a build dir that predates them may still hold a
# stale copy, so the new place is looked at first.
bench_bin() {
  if [ -e "$1/$2" ]; then realpath "$1/$2"; else realpath "$1/harness/$2"; fi
}

# median < NUMBERS (one per line): the middle one, or the mean of the two
# middle ones; nothing for no input.
median() {
  sort -g | awk '{ v[NR] = $1 }
    END { if (!NR) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
