#pragma once
// A room's connection analytics as GET /api/rooms/{roomId}/analytics serves them (spec section 11): per role
// the average RTT and packet loss, the room's peak and average upload and download in bit/s, reconnections
// and fallbacks used. Fed from the media plane's periodic transport statistics.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace rooms::signaling {

class ConnectionAnalytics {
 public:
  struct Sample {
    double rttMs = -1;      // -1: not measured
    double packetLoss = 0;  // percent
    double uploadBps = 0;
    double downloadBps = 0;
  };

  void addSample(const std::string& role, const Sample& sample);
  void addReconnection() { ++reconnections_; }
  void addFallback(const std::string& name) { fallbacks_.insert(name); }
  int reconnections() const { return reconnections_; }

  // {"connectionQuality": {...}, "bandwidth": {...}, "reconnections": n, "fallbacksUsed": [...]}
  nlohmann::ordered_json metricsJson() const;
  nlohmann::json toJson() const;  // for storage
  static ConnectionAnalytics fromJson(const nlohmann::json& j);

 private:
  struct RoleStats {
    double rttSum = 0;
    int64_t rttCount = 0;
    double lossSum = 0;
    int64_t lossCount = 0;
  };
  std::map<std::string, RoleStats> roles_;
  double peakUpload_ = 0;
  double peakDownload_ = 0;
  double uploadSum_ = 0;
  double downloadSum_ = 0;
  int64_t bandwidthSamples_ = 0;
  int reconnections_ = 0;
  std::set<std::string> fallbacks_;
};

}  // namespace rooms::signaling
