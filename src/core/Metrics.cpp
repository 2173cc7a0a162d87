#include "core/Metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rooms {

namespace {

// std::atomic<double>::fetch_add exists in C++20, but libstdc++ versions differ in whether it is lock-free;
// a CAS loop is lock-free wherever atomic<double> itself is.
void atomicAdd(std::atomic<double>& a, double v) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + v, std::memory_order_relaxed, std::memory_order_relaxed)) {
  }
}

enum class Kind { Counter, Gauge, Histogram };

const char* kindName(Kind k) {
  switch (k) {
    case Kind::Counter:
      return "counter";
    case Kind::Gauge:
      return "gauge";
    case Kind::Histogram:
      return "histogram";
  }
  return "untyped";
}

bool validMetricName(const std::string& n) {
  if (n.empty()) {
    return false;
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

bool validLabelName(const std::string& n) {
  if (n.empty() || n.rfind("__", 0) == 0) {
    return false;  // "__" names are reserved for Prometheus
  }
  for (size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) {
      return false;
    }
  }
  return true;
}

// Exposition format 0.0.4: label values escape backslash, double quote and line feed.
std::string escapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// HELP text escapes only backslash and line feed.
std::string escapeHelp(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string formatValue(double v) {
  if (std::isnan(v)) {
    return "NaN";
  }
  if (std::isinf(v)) {
    return v > 0 ? "+Inf" : "-Inf";
  }
  // Shortest representation that round-trips, so 0.1 renders as "0.1" and not 0.10000000000000001.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// Canonical label text, `a="x",b="y"`, sorted by name so the same set in any order is one child. It is
// both the child's key and what render() prints between the braces.
std::string labelKey(const Labels& labels, bool histogram) {
  Labels sorted = labels;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string key;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const auto& [name, value] = sorted[i];
    if (!validLabelName(name)) {
      throw std::invalid_argument("invalid metric label name: " + name);
    }
    if (histogram && name == "le") {
      throw std::invalid_argument("histograms cannot carry an 'le' label");
    }
    if (i > 0 && sorted[i - 1].first == name) {
      throw std::invalid_argument("duplicate metric label: " + name);
    }
    if (!key.empty()) {
      key += ',';
    }
    key += name;
    key += "=\"";
    key += escapeLabelValue(value);
    key += '"';
  }
  return key;
}

}  // namespace

void Counter::inc(double v) {
  // Counters only go up; a negative or NaN increment would make rate() report nonsense.
  if (!(v > 0)) {
    return;
  }
  atomicAdd(value_, v);
}

double Counter::value() const {
  return value_.load(std::memory_order_relaxed);
}

void Gauge::set(double v) {
  value_.store(v, std::memory_order_relaxed);
}
void Gauge::inc(double v) {
  atomicAdd(value_, v);
}
void Gauge::dec(double v) {
  atomicAdd(value_, -v);
}
double Gauge::value() const {
  return value_.load(std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  // +Inf is always the implicit last bucket, and NaN has no place in an ordering.
  std::erase_if(bounds_, [](double b) { return std::isnan(b) || std::isinf(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
}

void Histogram::observe(double v) {
  // One NaN would turn _sum into NaN for the life of the process.
  if (std::isnan(v)) {
    return;
  }
  // Bucket i counts bounds_[i-1] < v <= bounds_[i], which is Prometheus's "le" semantics.
  const size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  atomicAdd(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::cumulativeCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

double Histogram::sum() const {
  return sum_.load(std::memory_order_relaxed);
}
uint64_t Histogram::count() const {
  return count_.load(std::memory_order_relaxed);
}

struct MetricsRegistry::Family {
  std::string help;
  Kind kind;
  std::vector<double> bounds;  // histograms: every child shares the first call's buckets
  // Keyed by the canonical label text; std::map keeps render() output stable between scrapes.
  std::map<std::string, std::unique_ptr<Counter>> counters;
  std::map<std::string, std::unique_ptr<Gauge>> gauges;
  std::map<std::string, std::unique_ptr<Histogram>> histograms;
};

namespace {

template <typename Families, typename Family>
Family& familyFor(Families& families, const std::string& name, const std::string& help, Kind kind) {
  if (!validMetricName(name)) {
    throw std::invalid_argument("invalid metric name: " + name);
  }
  auto it = families.find(name);
  if (it == families.end()) {
    auto f = std::make_unique<Family>();
    f->help = help;
    f->kind = kind;
    it = families.emplace(name, std::move(f)).first;
  } else if (it->second->kind != kind) {
    throw std::logic_error("metric " + name + " already registered as a " + kindName(it->second->kind));
  }
  return *it->second;
}

}  // namespace

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  const std::string key = labelKey(labels, false);
  std::lock_guard lock(mutex_);
  Family& f = familyFor<decltype(families_), Family>(families_, name, help, Kind::Counter);
  auto& child = f.counters[key];
  if (!child) {
    child = std::make_unique<Counter>();
  }
  return *child;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  const std::string key = labelKey(labels, false);
  std::lock_guard lock(mutex_);
  Family& f = familyFor<decltype(families_), Family>(families_, name, help, Kind::Gauge);
  auto& child = f.gauges[key];
  if (!child) {
    child = std::make_unique<Gauge>();
  }
  return *child;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help, const Labels& labels,
                                      std::vector<double> bounds) {
  const std::string key = labelKey(labels, true);
  std::lock_guard lock(mutex_);
  const bool fresh = families_.find(name) == families_.end();
  Family& f = familyFor<decltype(families_), Family>(families_, name, help, Kind::Histogram);
  if (fresh) {
    f.bounds = std::move(bounds);
  }
  auto& child = f.histograms[key];
  if (!child) {
    child = std::make_unique<Histogram>(f.bounds);
  }
  return *child;
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  // One line: name[suffix][{labels}] value. Appends in place; /metrics is scraped often.
  const auto sample = [&out](const std::string& name, const char* suffix, const std::string& labels,
                             const std::string& value) {
    out.append(name).append(suffix);
    if (!labels.empty()) {
      out.append("{").append(labels).append("}");
    }
    out.append(" ").append(value).append("\n");
  };
  for (const auto& [name, f] : families_) {
    out.append("# HELP ").append(name).append(" ").append(escapeHelp(f->help)).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(kindName(f->kind)).append("\n");
    switch (f->kind) {
      case Kind::Counter:
        for (const auto& [key, c] : f->counters) {
          sample(name, "", key, formatValue(c->value()));
        }
        break;
      case Kind::Gauge:
        for (const auto& [key, g] : f->gauges) {
          sample(name, "", key, formatValue(g->value()));
        }
        break;
      case Kind::Histogram:
        for (const auto& [key, h] : f->histograms) {
          const auto counts = h->cumulativeCounts();
          const auto& bounds = h->bounds();
          for (size_t i = 0; i < counts.size(); ++i) {
            std::string labels = key;
            if (!labels.empty()) {
              labels += ',';
            }
            labels.append("le=\"").append(i < bounds.size() ? formatValue(bounds[i]) : "+Inf").append("\"");
            sample(name, "_bucket", labels, std::to_string(counts[i]));
          }
          sample(name, "_sum", key, formatValue(h->sum()));
          // The +Inf bucket, not count(), so _count always equals it even while observe() races the scrape.
          sample(name, "_count", key, std::to_string(counts.back()));
        }
        break;
    }
  }
  return out;
}

std::vector<double> MetricsRegistry::defaultLatencyBounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace rooms
