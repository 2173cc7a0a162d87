#include "core/Metrics.h"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace rooms {

namespace {

prometheus::Labels toMap(const Labels& labels) {
  prometheus::Labels out;
  for (const auto& [k, v] : labels) {
    if (!out.emplace(k, v).second) throw std::invalid_argument("label " + k + " given twice");
  }
  return out;
}

// Histogram bounds as Prometheus wants them: finite, ascending, distinct (+Inf is implicit).
std::vector<double> normaliseBounds(std::vector<double> bounds) {
  bounds.erase(std::remove_if(bounds.begin(), bounds.end(), [](double b) { return !std::isfinite(b); }),
               bounds.end());
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

}  // namespace

MetricsRegistry::MetricsRegistry() : registry_(std::make_shared<prometheus::Registry>()) {}

template <class T>
std::pair<prometheus::Family<T>*, MetricsRegistry::Family*> MetricsRegistry::family(const std::string& name,
                                                                                    const std::string& help) {
  if (auto it = families_.find(name); it != families_.end()) {
    auto* const* f = std::get_if<prometheus::Family<T>*>(&it->second.family);
    if (!f) throw std::logic_error("metric " + name + " is registered with another kind");
    return {*f, &it->second};
  }
  // prometheus-cpp checks the name (std::invalid_argument) as the family is built.
  prometheus::Family<T>* built = nullptr;
  if constexpr (std::is_same_v<T, Counter>) {
    built = &prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
  } else if constexpr (std::is_same_v<T, Gauge>) {
    built = &prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
  } else {
    built = &prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
  }
  auto& entry = families_.emplace(name, Family{built, {}}).first->second;
  return {built, &entry};
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  return family<Counter>(name, help).first->Add(toMap(labels));
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  return family<Gauge>(name, help).first->Add(toMap(labels));
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                                      std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  for (const auto& [k, v] : labels) {
    if (k == "le") throw std::invalid_argument("label le is the histogram's own");
  }
  auto [f, entry] = family<Histogram>(name, help);
  // Every child of a family shares the first call's buckets, or the family's series would not aggregate.
  if (entry->bounds.empty()) entry->bounds = normaliseBounds(std::move(bounds));
  return f->Add(toMap(labels), entry->bounds);
}

std::string MetricsRegistry::render() const {
  std::vector<prometheus::MetricFamily> collected;
  {
    std::lock_guard lock(mutex_);
    collected = registry_->Collect();
  }
  std::sort(collected.begin(), collected.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return prometheus::TextSerializer().Serialize(collected);
}

std::vector<double> MetricsRegistry::defaultLatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace rooms
