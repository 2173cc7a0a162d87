#include "signaling/ConnectionAnalytics.h"

#include <algorithm>
#include <cmath>

namespace rooms::signaling {

namespace {
double round1(double v) {
  return std::round(v * 10) / 10;
}
}  // namespace

void ConnectionAnalytics::addSample(const std::string& role, const Sample& s) {
  auto& r = roles_[role];
  if (s.rttMs >= 0) {
    r.rttSum += s.rttMs;
    ++r.rttCount;
  }
  r.lossSum += s.packetLoss;
  ++r.lossCount;
  // Per participant samples: upload is what it sends us, download what we send it.
  peakUpload_ = std::max(peakUpload_, s.uploadBps);
  peakDownload_ = std::max(peakDownload_, s.downloadBps);
  uploadSum_ += s.uploadBps;
  downloadSum_ += s.downloadBps;
  ++bandwidthSamples_;
}

nlohmann::ordered_json ConnectionAnalytics::metricsJson() const {
  nlohmann::ordered_json quality = nlohmann::ordered_json::object();
  for (const auto& [role, r] : roles_) {
    quality[role] = {
        {"averageRTT", r.rttCount ? std::lround(r.rttSum / static_cast<double>(r.rttCount)) : 0},
        {"packetLoss", r.lossCount ? round1(r.lossSum / static_cast<double>(r.lossCount)) : 0.0}};
  }
  const double n = bandwidthSamples_ ? static_cast<double>(bandwidthSamples_) : 1;
  nlohmann::ordered_json fallbacks = nlohmann::ordered_json::array();
  for (const auto& f : fallbacks_) fallbacks.push_back(f);
  return {{"connectionQuality", quality},
          {"bandwidth",
           {{"peakUpload", std::llround(peakUpload_)},
            {"peakDownload", std::llround(peakDownload_)},
            {"averageUpload", std::llround(uploadSum_ / n)},
            {"averageDownload", std::llround(downloadSum_ / n)}}},
          {"reconnections", reconnections_},
          {"fallbacksUsed", fallbacks}};
}

nlohmann::json ConnectionAnalytics::toJson() const {
  nlohmann::json roles = nlohmann::json::object();
  for (const auto& [role, r] : roles_) {
    roles[role] = {
        {"rttSum", r.rttSum}, {"rttCount", r.rttCount}, {"lossSum", r.lossSum}, {"lossCount", r.lossCount}};
  }
  return {{"roles", roles},
          {"peakUpload", peakUpload_},
          {"peakDownload", peakDownload_},
          {"uploadSum", uploadSum_},
          {"downloadSum", downloadSum_},
          {"bandwidthSamples", bandwidthSamples_},
          {"reconnections", reconnections_},
          {"fallbacks", fallbacks_}};
}

ConnectionAnalytics ConnectionAnalytics::fromJson(const nlohmann::json& j) {
  ConnectionAnalytics a;
  try {
    for (const auto& [role, r] : j.at("roles").items()) {
      a.roles_[role] = RoleStats{r.at("rttSum").get<double>(), r.at("rttCount").get<int64_t>(),
                                 r.at("lossSum").get<double>(), r.at("lossCount").get<int64_t>()};
    }
    a.peakUpload_ = j.at("peakUpload").get<double>();
    a.peakDownload_ = j.at("peakDownload").get<double>();
    a.uploadSum_ = j.at("uploadSum").get<double>();
    a.downloadSum_ = j.at("downloadSum").get<double>();
    a.bandwidthSamples_ = j.at("bandwidthSamples").get<int64_t>();
    a.reconnections_ = j.at("reconnections").get<int>();
    a.fallbacks_ = j.at("fallbacks").get<std::set<std::string>>();
  } catch (const nlohmann::json::exception&) {
    return ConnectionAnalytics{};  // a row from another version: start over rather than fail the request
  }
  return a;
}

}  // namespace rooms::signaling
