// progress_series.cc — see progress_series.h.

#include "harness/report/progress_series.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace openrace {
namespace {

constexpr const char* kColumns[] = {"seconds", "calls", "scenarios", "findings"};

}  // namespace

ProgressSeries::ProgressSeries(size_t max_points)
    : max_points_(std::max<size_t>(max_points, 4)) {}

void ProgressSeries::Add(const ProgressPoint& point) {
  if (!points_.empty() && point.seconds < points_.back().seconds) return;
  const size_t n = points_.size();
  if (n >= 2 && point.seconds - points_[n - 2].seconds < step_) {
    points_.back() = point;  // the newest state, not yet a step on
  } else {
    points_.push_back(point);
  }
  if (points_.size() > max_points_) Thin();
}

void ProgressSeries::Thin() {
  std::vector<ProgressPoint> kept;
  kept.reserve(points_.size() / 2 + 2);
  for (size_t i = 0; i < points_.size(); i += 2) kept.push_back(points_[i]);
  if ((points_.size() - 1) % 2 != 0) kept.push_back(points_.back());
  points_ = std::move(kept);
  // The spacing left, so that new points come at the same density.
  if (points_.size() >= 2) {
    step_ = std::max(step_, (points_.back().seconds - points_.front().seconds) /
                                static_cast<double>(points_.size() - 1));
  }
}

void ProgressSeries::WriteTo(JsonWriter& json) const {
  json.BeginObject();
  json.Key("columns").BeginArray();
  for (const char* column : kColumns) json.String(column);
  json.EndArray();
  json.Key("step").Double(step_);
  json.Key("points").BeginArray();
  for (const ProgressPoint& p : points_) {
    json.BeginArray();
    json.Double(p.seconds);
    json.Number(p.calls);
    json.Number(p.scenarios);
    json.Number(p.findings);
    json.EndArray();
  }
  json.EndArray();
  json.EndObject();
}

absl::StatusOr<ProgressSeries> ProgressSeries::FromJson(const JsonValue& value,
                                                        size_t max_points) {
  auto bad = [](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat("series: ", what));
  };
  if (!value.is_object()) return bad("not an object");
  const JsonValue& columns = value.Get("columns");
  if (columns.kind() != JsonValue::Kind::kArray ||
      columns.elements().size() != std::size(kColumns)) {
    return bad("columns is not [seconds, calls, scenarios, findings]");
  }
  for (size_t i = 0; i < std::size(kColumns); ++i) {
    if (columns.elements()[i].AsString() != std::string(kColumns[i])) {
      return bad("columns is not [seconds, calls, scenarios, findings]");
    }
  }
  const JsonValue& points = value.Get("points");
  if (points.kind() != JsonValue::Kind::kArray) return bad("points is not a list");
  ProgressSeries series(max_points);
  series.step_ = std::max(0.0, value.Get("step").AsDouble().value_or(0));
  for (const JsonValue& point : points.elements()) {
    const std::vector<JsonValue>& v = point.elements();
    if (point.kind() != JsonValue::Kind::kArray || v.size() != 4) {
      return bad("a point is not [seconds, calls, scenarios, findings]");
    }
    const double seconds = v[0].AsDouble().value_or(-1);
    absl::optional<uint64_t> calls = v[1].AsUint64();
    absl::optional<uint64_t> scenarios = v[2].AsUint64();
    absl::optional<uint64_t> findings = v[3].AsUint64();
    if (seconds < 0 || !calls || !scenarios || !findings) {
      return bad("a point is not [seconds, calls, scenarios, findings]");
    }
    if (!series.points_.empty() && seconds < series.points_.back().seconds) {
      return bad("points go back in time");
    }
    // As written: no step rule, which only decides what gets written.
    series.points_.push_back({seconds, *calls, *scenarios, *findings});
    if (series.points_.size() > series.max_points_) series.Thin();
  }
  return series;
}

}  // namespace openrace
