// finding_store_writers_test.cc — FindingStore with several writers (the
// workers of `openrace campaign`): one claim wins, counts of every writer
// add up, a writer's counts go back to its checkpoint, dead claims are
// released.

#include <filesystem>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "harness/base/file_util.h"
#include "harness/store/finding_store.h"
#include "harness/base/process.h"

namespace openrace {
namespace {

class WritersTest : public testing::Test {
 protected:
  void SetUp() override {
    out_ = (std::filesystem::temp_directory_path() /
            ("openrace-writers-" + std::to_string(CurrentProcessId()) + "-" +
             std::to_string(std::random_device{}())))
               .string();
  }
  void TearDown() override { std::filesystem::remove_all(out_); }

  FindingStore Open(const std::string& writer) {
    absl::StatusOr<FindingStore> store = FindingStore::Open(out_);
    EXPECT_TRUE(store.ok()) << store.status();
    store->SetWriter(writer);
    return *std::move(store);
  }

  FindingStore::Claim ClaimOf(FindingStore& store) {
    absl::StatusOr<FindingStore::Claim> claim = store.TryClaim(signature_);
    EXPECT_TRUE(claim.ok()) << claim.status();
    return claim.ok() ? *claim : FindingStore::Claim::kTaken;
  }

  const Signature signature_ =
      *ParseSignature("open-invalid_parameter-EINVAL-transient-cwd");
  std::string out_;
};

TEST_F(WritersTest, OnlyTheFirstClaimWinsUntilItIsReleased) {
  FindingStore a = Open("shard-0");
  FindingStore b = Open("shard-1");
  EXPECT_EQ(ClaimOf(a), FindingStore::Claim::kNew);
  EXPECT_EQ(ClaimOf(b), FindingStore::Claim::kTaken);
  EXPECT_EQ(ClaimOf(a), FindingStore::Claim::kTaken);

  // A claim held by another pid stays; ours (the claimant) is released.
  EXPECT_TRUE(FindingStore::ReleaseClaims(out_, CurrentProcessId() + 1,
                                          FindingStore::Release::kHolderStopped)
                  .empty());
  ASSERT_EQ(FindingStore::ReleaseClaims(out_, CurrentProcessId(),
                                        FindingStore::Release::kHolderStopped)
                .size(),
            1u);
  ASSERT_TRUE(WriteFileAtomically(a.DirectoryOf(signature_) + "/found.scn",
                                  "openrace-scenario 1\n").ok());
  EXPECT_EQ(ClaimOf(b), FindingStore::Claim::kTakeOver);

  // Once done, nobody claims it again, and a release leaves it alone.
  ASSERT_TRUE(b.MarkDone(signature_, "minimized").ok());
  EXPECT_TRUE(
      FindingStore::ReleaseClaims(out_, 0, FindingStore::Release::kHolderCrashed)
          .empty());
  EXPECT_EQ(b.MinimizerCrashes(signature_), 0u);
  std::filesystem::remove(a.DirectoryOf(signature_) + "/claim");
  EXPECT_EQ(ClaimOf(a), FindingStore::Claim::kTaken);
}

TEST_F(WritersTest, OnlyAHolderThatCrashedCountsAgainstTheFinding) {
  FindingStore a = Open("shard-0");
  const auto release = [&](FindingStore::Release why) {
    EXPECT_EQ(ClaimOf(a), FindingStore::Claim::kNew);
    EXPECT_EQ(FindingStore::ReleaseClaims(out_, 0, why).size(), 1u);
  };
  // Stopped from outside (a killed supervisor), any number of times.
  release(FindingStore::Release::kHolderStopped);
  release(FindingStore::Release::kHolderStopped);
  release(FindingStore::Release::kHolderStopped);
  EXPECT_EQ(a.MinimizerCrashes(signature_), 0u);
  release(FindingStore::Release::kHolderCrashed);
  EXPECT_EQ(a.MinimizerCrashes(signature_), 1u);
  release(FindingStore::Release::kHolderStopped);
  release(FindingStore::Release::kHolderCrashed);
  EXPECT_EQ(a.MinimizerCrashes(signature_), kMaxMinimizerCrashes);
}

TEST_F(WritersTest, CountsOfEveryWriterAddUp) {
  FindingStore a = Open("shard-0");
  FindingStore b = Open("shard-1");
  ASSERT_TRUE(std::filesystem::create_directories(a.DirectoryOf(signature_)));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(a.CountOccurrence(signature_).ok());
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(b.CountOccurrence(signature_).ok());
  EXPECT_EQ(a.own_occurrences().at(signature_.ToString()), 3u);
  EXPECT_EQ(b.own_occurrences().at(signature_.ToString()), 4u);
  absl::StatusOr<FindingStore> reader = FindingStore::Open(out_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->Occurrences(signature_), 7u);
}

TEST_F(WritersTest, ASingleWriterRunOnACampaignsOutCountsOnlyItsOwn) {
  FindingStore worker = Open("shard-0");
  ASSERT_TRUE(std::filesystem::create_directories(worker.DirectoryOf(signature_)));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(worker.CountOccurrence(signature_).ok());
  absl::StatusOr<FindingStore> run = FindingStore::Open(out_);  // `openrace run`
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->CountOccurrence(signature_).ok());
  EXPECT_EQ(run->Occurrences(signature_), 4u);
  absl::StatusOr<FindingStore> reader = FindingStore::Open(out_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->Occurrences(signature_), 4u);
}

TEST_F(WritersTest, ResetGoesBackToTheCheckpoint) {
  FindingStore a = Open("shard-0");
  ASSERT_TRUE(std::filesystem::create_directories(a.DirectoryOf(signature_)));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(a.CountOccurrence(signature_).ok());
  // The checkpoint knew of 2; the 3 after it belong to a scenario that is
  // run again.
  FindingStore again = Open("shard-0");
  ASSERT_TRUE(again.ResetOwnOccurrences({{signature_.ToString(), 2}}).ok());
  EXPECT_EQ(again.Occurrences(signature_), 2u);
  absl::StatusOr<FindingStore> reader = FindingStore::Open(out_);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->Occurrences(signature_), 2u);
}

}  // namespace
}  // namespace openrace
