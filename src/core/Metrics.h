#pragma once
// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
// exposition format (version 0.0.4) for GET /metrics. Debian ships no prometheus-cpp, and the few
// metric kinds we need fit in one file. Thread-safe: metric updates are lock-free atomics; creating a
// labelled child takes a mutex (callers keep the returned reference).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rooms {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(double v = 1.0);
  double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double v);
  void inc(double v = 1.0);
  void dec(double v = 1.0);
  double value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  // Snapshot for rendering: cumulative counts per bound (+Inf last), sum and count.
  std::vector<uint64_t> cumulativeCounts() const;
  double sum() const;
  uint64_t count() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<double> sum_{0.0};
  std::atomic<uint64_t> count_{0};
};

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();  // out of line: Family is complete only in Metrics.cpp
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the child for (name, labels), creating the family and child on first use. The same name must
  // always be used with the same kind; help text is taken from the first call.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = defaultLatencyBounds());

  // Prometheus text format, families sorted by name, with # HELP and # TYPE lines.
  std::string render() const;

  static std::vector<double> defaultLatencyBounds();  // seconds: 0.0005 .. 10

 private:
  struct Family;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

}  // namespace rooms
