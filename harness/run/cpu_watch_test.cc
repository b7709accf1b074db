#include "harness/run/internal/cpu_watch.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace openrace {
namespace internal {
namespace {

constexpr int64_t kMs = 1'000'000;

// Feeds windows of `wall` ms in which the process used `cpu` ms, as the
// executor reads the clocks after its batches.
class Clocks {
 public:
  explicit Clocks(int cpus) : watch_(cpus, 0, 0) {}
  bool Window(int64_t wall_ms, int64_t cpu_ms) {
    wall_ += wall_ms * kMs;
    cpu_ += cpu_ms * kMs;
    return watch_.GettingItsCpus(wall_, cpu_);
  }
  void Restart() { watch_.Restart(wall_, cpu_); }

 private:
  CpuWatch watch_;
  int64_t wall_ = 0;
  int64_t cpu_ = 0;
};

TEST(CpuWatchTest, OneShortWindowIsNotEnough) {
  Clocks clocks(1);
  EXPECT_TRUE(clocks.Window(50, 50));
  EXPECT_TRUE(clocks.Window(50, 10));  // a stall
  EXPECT_TRUE(clocks.Window(50, 48));
  EXPECT_TRUE(clocks.Window(60, 20));  // another, not right after
  EXPECT_TRUE(clocks.Window(50, 50));
}

TEST(CpuWatchTest, TwoShortWindowsInARowAreNotGettingTheCpu) {
  Clocks clocks(1);
  EXPECT_TRUE(clocks.Window(50, 30));
  EXPECT_FALSE(clocks.Window(50, 30));
}

// Whether a run on `cpus` CPUs that used `cpu_ms` of every `wall_ms` for
// two windows in a row is still getting its CPUs (after the first window
// it always is).
bool GettingItsCpusAfterTwo(int cpus, int64_t wall_ms, int64_t cpu_ms) {
  Clocks clocks(cpus);
  EXPECT_TRUE(clocks.Window(wall_ms, cpu_ms));
  return clocks.Window(wall_ms, cpu_ms);
}

TEST(CpuWatchTest, TheBoundIsThreeQuartersOfOneCpu) {
  EXPECT_TRUE(GettingItsCpusAfterTwo(1, 100, 75));
  EXPECT_FALSE(GettingItsCpusAfterTwo(1, 100, 74));
}

TEST(CpuWatchTest, OnSeveralCpusTheBoundIsThreeFifthsOfEach) {
  // 2 CPUs: 1.2 CPUs' worth of the wall time.
  EXPECT_TRUE(GettingItsCpusAfterTwo(2, 50, 60));
  // What a busy loop on one of them left.
  EXPECT_FALSE(GettingItsCpusAfterTwo(2, 50, 40));
}

TEST(CpuWatchTest, ReadingsWithinAWindowAccumulate) {
  Clocks clocks(1);
  // Ten 5 ms readings, all idle: one short 50 ms window, not ten.
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(clocks.Window(5, 0));
  EXPECT_TRUE(clocks.Window(5, 0));
  // Nine busy 5 ms readings then: not yet a window, so not judged.
  for (int i = 0; i < 9; ++i) EXPECT_TRUE(clocks.Window(5, 5));
  EXPECT_TRUE(clocks.Window(5, 5));  // a full window, and a good one
  EXPECT_TRUE(clocks.Window(50, 0));
  EXPECT_FALSE(clocks.Window(50, 0));
}

TEST(CpuWatchTest, RestartForgetsTheShortWindows) {
  Clocks clocks(1);
  EXPECT_TRUE(clocks.Window(50, 0));
  clocks.Restart();
  EXPECT_TRUE(clocks.Window(50, 0));
  EXPECT_FALSE(clocks.Window(50, 0));
}

constexpr int64_t kSecond = 1'000'000'000;

TEST(NoYieldNsTest, IsASecondAtFirstAndAfterAQuietSecond) {
  EXPECT_EQ(NoYieldNs(0, 0), kSecond);
  EXPECT_EQ(NoYieldNs(8 * kSecond, kSecond), kSecond);
  EXPECT_EQ(NoYieldNs(16 * kSecond, 60 * kSecond), kSecond);
}

TEST(NoYieldNsTest, DoublesUpTo16SecondsWhileTheYieldsFailAtOnce) {
  int64_t period = NoYieldNs(0, 0);
  for (int64_t want : {2, 4, 8, 16, 16}) {
    period = NoYieldNs(period, kSecond / 10);
    EXPECT_EQ(period, want * kSecond);
  }
}

}  // namespace
}  // namespace internal
}  // namespace openrace
