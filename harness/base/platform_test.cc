#include "harness/base/platform.h"

#if defined(__linux__)
#include <sched.h>
#endif

#include <set>
#include <thread>

#include "gtest/gtest.h"

namespace openrace {
namespace {

TEST(CpuShareTest, SharesSplitTheCpusWithoutGapOrOverlap) {
  for (uint64_t cpus : {1u, 2u, 3u, 8u, 64u}) {
    for (uint64_t shares = 1; shares <= cpus; ++shares) {
      uint64_t next = 0;
      for (uint64_t share = 0; share < shares; ++share) {
        const auto [first, last] = CpuShare(share, shares, cpus);
        EXPECT_EQ(first, next) << share << " of " << shares << " on " << cpus;
        EXPECT_GT(last, first) << share << " of " << shares << " on " << cpus;
        next = last;
      }
      EXPECT_EQ(next, cpus) << shares << " shares on " << cpus;
    }
  }
}

TEST(CpuShareTest, MoreSharesThanCpusTakeOneCpuEachInTurn) {
  std::multiset<uint64_t> used;
  for (uint64_t share = 0; share < 6; ++share) {
    const auto [first, last] = CpuShare(share, 6, 4);
    EXPECT_EQ(last, first + 1);
    used.insert(first);
  }
  EXPECT_EQ(used, (std::multiset<uint64_t>{0, 0, 1, 1, 2, 3}));
}

#if defined(__linux__)
TEST(KeepToCpuShareTest, TheThreadKeepsToItsShare) {
  // On a thread of its own: the mask is the calling thread's, and the test
  // process keeps its own.
  const int before = UsableCpus();
  int kept = -1, usable = -1;
  std::thread([&] {
    kept = KeepToCpuShare(before - 1, static_cast<uint64_t>(before));
    usable = UsableCpus();
  }).join();
  EXPECT_EQ(kept, 1);
  EXPECT_EQ(usable, 1);
  EXPECT_EQ(UsableCpus(), before);
}

// Worker i of a pinned run keeps to CPU i mod C of the C CPUs it may use.
TEST(KeepThreadToCpuTest, TheThreadKeepsToTheNthCpu) {
  const int before = UsableCpus();
  for (uint64_t nth : {uint64_t{0}, uint64_t{1}, uint64_t{5}}) {
    bool kept = false;
    int usable = -1, cpu = -1;
    std::thread([&] {
      kept = KeepThreadToCpu(nth);
      usable = UsableCpus();
      cpu = sched_getcpu();
    }).join();
    EXPECT_TRUE(kept) << nth;
    EXPECT_EQ(usable, 1) << nth;
    cpu_set_t all;
    CPU_ZERO(&all);
    ASSERT_EQ(sched_getaffinity(0, sizeof all, &all), 0);
    int expected = -1;
    for (int c = 0, seen = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &all) && static_cast<uint64_t>(seen++) == nth % before) {
        expected = c;
        break;
      }
    }
    EXPECT_EQ(cpu, expected) << nth;
  }
  EXPECT_EQ(UsableCpus(), before);  // the test's own thread keeps its mask
}
#endif

}  // namespace
}  // namespace openrace
