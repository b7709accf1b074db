// progress_series.h — a campaign's progress over time, kept small enough to
// live in summary.json: points of (seconds, calls, scenarios, findings),
// at most `max_points` of them however long the campaign runs.
//
// Each rewrite of summary.json adds a point. Points closer than `step`
// seconds to the one before the last replace the last (so the newest
// point is always the campaign's current state); when the series grows
// past `max_points`, every other point goes (the first and the last stay)
// and `step` becomes the spacing left. A night of 4 h rewritten every 2 s
// thus keeps 250 to 500 points, evenly spread.
//
// In summary.json (written by `openrace run` and `openrace campaign`, read
// by `openrace dashboard`):
//   "series": {"columns": ["seconds", "calls", "scenarios", "findings"],
//              "step": 2, "points": [[0, 0, 0, 0], [2.01, 5120, 31, 0], ...]}
// An object with a list in it, so `openrace merge` neither sums it nor
// treats it as a histogram; the merge ledger keeps each input's.
//
// Example:
//   ProgressSeries series;
//   series.Add({/*seconds=*/2.0, /*calls=*/5120, /*scenarios=*/31, /*findings=*/0});
//   JsonWriter json;
//   json.BeginObject();
//   json.Key("series");
//   series.WriteTo(json);
//   json.EndObject();

#ifndef OPENRACE_HARNESS_REPORT_PROGRESS_SERIES_H_
#define OPENRACE_HARNESS_REPORT_PROGRESS_SERIES_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/base/json.h"
#include "harness/base/json_reader.h"

namespace openrace {

struct ProgressPoint {
  double seconds = 0;  // since the campaign began, over all its runs
  uint64_t calls = 0;
  uint64_t scenarios = 0;
  uint64_t findings = 0;  // distinct signatures
  friend bool operator==(const ProgressPoint&, const ProgressPoint&) = default;
};

class ProgressSeries {
 public:
  static constexpr size_t kMaxPoints = 500;

  // `max_points` is at least 4.
  explicit ProgressSeries(size_t max_points = kMaxPoints);

  // A point earlier than the last one is ignored (a clock that stepped
  // back must not fold the line over itself).
  void Add(const ProgressPoint& point);

  const std::vector<ProgressPoint>& points() const { return points_; }
  double step() const { return step_; }
  size_t max_points() const { return max_points_; }

  // The value of "series" (see above).
  void WriteTo(JsonWriter& json) const;
  // Reads what WriteTo wrote; InvalidArgument says what is wrong. Points
  // past `max_points` are thinned as Add would.
  static absl::StatusOr<ProgressSeries> FromJson(const JsonValue& value,
                                                 size_t max_points = kMaxPoints);

 private:
  void Thin();
  size_t max_points_;
  double step_ = 0;
  std::vector<ProgressPoint> points_;
};

}  // namespace openrace

#endif  // OPENRACE_HARNESS_REPORT_PROGRESS_SERIES_H_
