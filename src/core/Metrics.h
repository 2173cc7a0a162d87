#pragma once
// The process's Prometheus metrics, on prometheus-cpp (Debian's prometheus-cpp-dev): its counters, gauges
// and histograms (lock-free updates) and its text serializer for GET /metrics, served by our own HTTP
// server. What this adds is get-or-create by name: every layer asks for a metric by name and labels, the
// family is registered on first use, and a name is held to one kind. Creating a child takes a mutex, so
// callers keep the returned reference (it stays valid as long as the registry).
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rooms {

using Counter = prometheus::Counter;
using Gauge = prometheus::Gauge;
using Histogram = prometheus::Histogram;
using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The child for (name, labels), registering the family on first use. A name used with another kind
  // throws std::logic_error; an invalid name or label name throws std::invalid_argument. Help text and a
  // histogram's bounds are taken from the first call for the name.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = defaultLatencyBounds());

  // Prometheus text exposition format (0.0.4), families sorted by name.
  std::string render() const;

  static std::vector<double> defaultLatencyBounds();  // seconds: 0.0005 .. 10

 private:
  // Families are owned by registry_; the variant's alternative is the kind the name was first used with.
  using AnyFamily =
      std::variant<prometheus::Family<Counter>*, prometheus::Family<Gauge>*, prometheus::Family<Histogram>*>;
  struct Family {
    AnyFamily family;
    std::vector<double> bounds;  // histograms: the first call's buckets
  };
  template <class T>
  std::pair<prometheus::Family<T>*, Family*> family(const std::string& name, const std::string& help);

  mutable std::mutex mutex_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::map<std::string, Family> families_;
};

}  // namespace rooms
