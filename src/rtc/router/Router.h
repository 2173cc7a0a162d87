#pragma once
// The SFU of one room: the transports of its participants, the tracks they publish (Producers) and what each
// subscriber receives (Consumers). RTP from a publisher is rewritten per subscriber and sent on; RTCP is
// terminated here: we answer NACKs from our history, turn PLI/FIR into one rate-limited PLI to the
// publisher, send our own SR/RR/SDES, and give publishers REMB: the lowest of their subscribers' shares of
// our send-side estimates (from the subscribers' transport-cc feedback), or of their own REMBs.
// Media thread only.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/ThreadChecker.h"
#include "rtc/WebRtcTransport.h"
#include "rtc/bwe/Pacer.h"
#include "rtc/bwe/RembShare.h"
#include "rtc/bwe/SendSideBandwidthEstimator.h"
#include "rtc/router/Consumer.h"
#include "rtc/router/Producer.h"
#include "rtc/router/TrackSpec.h"
#include "rtc/rtcp/RtcpHeader.h"
#include "rtc/rtp/TransportCcFeedbackGenerator.h"

namespace rooms::rtc {

// What the control plane learns about one transport every few seconds.
struct TransportStats {
  std::string transportId;
  WebRtcTransport::State state = WebRtcTransport::State::New;
  double rttMs = -1;       // -1: not measured yet
  double packetLoss = 0;   // percent, of what we receive from it and what it reports receiving from us
  double uploadBps = 0;    // bits/s it sent us over the last interval
  double downloadBps = 0;  // bits/s we sent it
  uint64_t bytesIn = 0;
  uint64_t bytesOut = 0;
  std::vector<std::pair<std::string, uint8_t>> audioLevels;  // trackId, RFC 6464 level
  // How long subscribers of its video should buffer at least (PlayoutDelayPolicy), 0: their own choice.
  uint32_t playoutDelayMs = 0;
};

// What the routers of one media worker did to repair loss. Media thread only; MediaWorker publishes it.
struct RecoveryCounters {
  uint64_t nacksSent = 0;               // sequence numbers asked of publishers, retries included
  uint64_t rtxReceived = 0;             // packets on publishers' RTX streams
  uint64_t packetsRecovered = 0;        // gaps filled (by retransmission or late arrival)
  uint64_t keyFramesForLoss = 0;        // key frames asked for because a gap could not be repaired in time
  uint64_t retransmissionsSent = 0;     // to subscribers, from our history
  uint64_t retransmissionsRefused = 0;  // over a subscriber's retransmission budget
  uint64_t redundantResends = 0;        // second copies to subscribers whose downlink loses (Router.cpp)
  uint64_t audioRecovered = 0;          // lost Opus packets rebuilt from the redundancy (RED) after them
  uint64_t pacedPackets = 0;            // held by a subscriber's pacer before they went out
  uint64_t pacedExpired = 0;            // of those, gone from the history by the time they were due: lost
  uint64_t probePackets = 0;            // padding sent to measure a new subscriber's link (ProbeController)
};

class Router : public WebRtcTransport::Listener {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onRouterTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) = 0;
    virtual void onRouterTransportState(Router& router, WebRtcTransport& transport,
                                        WebRtcTransport::State state) = 0;
    // Called before the transport is destroyed, so the socket layer can forget it.
    virtual void onRouterTransportRemoved(WebRtcTransport& transport) = 0;
    // A subscriber's pacer started holding packets: call pace() every few milliseconds until it says done.
    virtual void onRouterPacing(Router& router) = 0;
  };

  static constexpr size_t kPacketBufferSize = 2048;  // an MTU plus the SRTP trailer, with room to spare
  static constexpr int64_t kRtcpIntervalMs = 1000;
  // Padding octets in a probe packet: the most RFC 3550's one-octet count allows.
  static constexpr uint8_t kProbePaddingBytes = 255;
  // Probe packets sent in one pace() call at most: a late timer must not turn a cluster into a burst.
  static constexpr int kMaxProbePacketsPerPace = 32;
  // A subscriber whose downlink loses this share of what we send it (its transport-cc feedback) loses as
  // many of our resends, and each lost resend costs its decoder another round trip: at 10% loss that was
  // twice the direct call's freezes (bench-quality loss10, downlink). Such a subscriber gets every resend
  // twice, a pacing slot apart; the cost is the loss share again in repair traffic. Only while that loss
  // looks like the link's own and the estimate leaves room: on a link we congest, the copies are lost
  // again and take media with them (bench-quality cap300k, downlink: 29% loss and 23 s frozen with them).
  static constexpr double kRedundantResendLoss = 0.02;
  static constexpr double kRedundancyHeadroom = 1.25;
  // recovery is shared by every router of a media worker and outlives them.
  Router(std::string roomId, Listener& listener, WebRtcTransport::Sender& sender,
         std::shared_ptr<const dtls::DtlsCertificate> certificate, uint64_t maxVideoBitrate,
         RecoveryCounters& recovery);
  ~Router() override;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  const std::string& roomId() const { return roomId_; }
  // Creates the transport on first use, restarts ICE when the credentials changed, and brings its producers
  // and consumers to the plan. Returns the transport so the caller can index it.
  WebRtcTransport& applyPlan(const TransportPlan& plan, int64_t nowMs);
  void removeTransport(const std::string& transportId);
  WebRtcTransport* findTransport(const std::string& transportId);
  bool empty() const { return members_.empty() && localProducers_.empty(); }

  // A copy of each payload of track trackId goes to tap (null removes it). Kept across renegotiations.
  void setTap(const std::string& trackId, TapKind kind, std::shared_ptr<RtpPacketRing> tap);
  // Asks the publisher of trackId for a key frame (rate-limited like every other request).
  void requestKeyFrame(const std::string& trackId, int64_t nowMs);
  // A server-side participant's track: packets read from source when due and forwarded like any other.
  void addLocalProducer(const ProducerSpec& spec, std::shared_ptr<RtpPacketRing> source, int64_t nowMs);
  void removeLocalProducer(const std::string& trackId, int64_t nowMs);

  void tick(int64_t nowMs);
  // Sends what the subscribers' pacers have due; true while any still holds packets.
  bool pace(int64_t nowMs);
  // Appends one entry per transport; resets the per-interval byte counters.
  void collectStats(int64_t nowMs, std::vector<TransportStats>& out);

  // WebRtcTransport::Listener
  void onTransportStateChanged(WebRtcTransport& transport, WebRtcTransport::State state) override;
  void onTransportRtp(WebRtcTransport& transport, RtpPacket& packet, int64_t nowMs,
                      int64_t arrivalUs) override;
  void onTransportRtcp(WebRtcTransport& transport, const uint8_t* data, size_t size, int64_t nowMs) override;
  void onTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) override;

 private:
  struct Member {
    std::unique_ptr<WebRtcTransport> transport;
    uint32_t rtcpSsrc = 0;
    std::string cname;
    std::vector<std::unique_ptr<Producer>> producers;
    std::vector<std::unique_ptr<Consumer>> consumers;
    uint16_t twccSeq = 1;
    // Our estimate of the link to it, from its transport-cc feedback on what we send; made when a
    // consumer first negotiates transport-cc (its send history is 32 KiB, which a transport without
    // feedback should not carry). It probes the link first when a video consumer has an RTX stream.
    std::unique_ptr<SendSideBandwidthEstimator> bwe;
    // Spreads what we send it at a little above that estimate; made with it.
    std::unique_ptr<Pacer> pacer;
    // Arrivals of what it publishes, for its send-side bandwidth estimator.
    TransportCcFeedbackGenerator twccFeedback;
    int64_t nextRtcpMs = 0;
    int64_t statsSinceMs = 0;
    uint64_t statsBytesIn = 0;
    uint64_t statsBytesOut = 0;
  };

  Member* memberOf(const WebRtcTransport& transport);
  Consumer* findConsumer(Member& member, uint32_t ssrc);
  void applyProducers(Member& member, const std::vector<ProducerSpec>& specs);
  void applyConsumers(Member& member, const std::vector<ConsumerSpec>& specs);
  void relink(int64_t nowMs);
  // What a forwarded packet is to the router, which decides who gets it and whether a NACK for it is
  // answered again.
  enum class Arrival : uint8_t {
    Fresh,   // first time here
    Repair,  // filled a gap (a retransmission, or reordered), which its subscribers saw as well
    Copy,    // here before: a publisher's RTX probe (a recent packet sent again), or a resend we did not ask
             // for
  };
  // plain, when given, is what subscribers without RED get instead of packet (RED).
  void forward(Producer& producer, const RtpPacket& packet, int64_t nowMs, const RtpPacket* plain = nullptr,
               Arrival arrival = Arrival::Fresh);
  // Whether the subscriber's link is one where a second copy of a packet is worth its bandwidth: it loses 2%
  // or more, that loss looks like the link's own, and the estimate leaves room (kRedundancyHeadroom).
  bool wantsRedundancy(const Member& subscriber) const;
  // A RED packet from a publisher: copies of packets lost before it are forwarded first (as Opus), then the
  // packet itself, as RED to subscribers that take it and unwrapped to the others.
  void forwardRed(Producer& producer, const RtpPacket& packet, int64_t nowMs);
  // An Opus packet in redBuffer_ with red's header and the given fields and payload.
  std::optional<RtpPacket> plainCopy(const RtpPacket& red, std::span<const uint8_t> payload, uint16_t seq,
                                     uint32_t timestamp, bool marker, uint8_t payloadType);
  void tapAudio(Producer& producer, const RtpPacket& packet, int64_t nowMs);
  // Whether the packet just written to packetBuffer_ for subscriber through consumer goes out now; false when
  // the subscriber's pacer queued it.
  // The pacer runs on the media thread's millisecond clock (nowMs), which tests control.
  bool admitPaced(Member& subscriber, Consumer& consumer, size_t size, int64_t nowMs);
  // Writes a resend of stored to packetBuffer_: on the consumer's RTX stream where negotiated. Returns the
  // size, 0 when it does not fit.
  size_t writeResend(Consumer& consumer, std::span<const uint8_t> stored);
  // Restamps the packet in packetBuffer_ for sending now, numbers it for the estimator and sends it.
  bool sendRestamped(Member& member, Consumer& consumer, size_t size, int64_t nowUs);
  void drainPacer(Member& member, int64_t nowMs);
  // Sends the padding the member's start-up probe has due now, on the RTX stream of its first video.
  void sendProbes(Member& member, int64_t nowMs);
  // The consumer whose RTX stream carries the member's probes (its first video with RTX), null when none.
  static Consumer* probeVia(const Member& member);
  // Logs, at debug level, how the member's start-up probing ended, once it has.
  void logProbeOutcome(Member& member);
  // The most the member could ever be sent (every video at the cap, and its audio): probing stops there.
  uint64_t probeCeiling(const Member& member) const;
  // Asks the listener for pace() calls, once until pace() reports the queues empty.
  void startPacing();
  void pumpLocalSources(int64_t nowMs);
  void requestKeyFrame(Producer& producer, int64_t nowMs);
  // NACKs what the producer's generator says is due, and asks for a key frame when it gave up.
  void sendNacks(Producer& producer, int64_t nowMs);
  // The member's round trip as its receiver reports measure it, -1 before any.
  int64_t rttMsOf(const Member& member) const;
  void sendRtcpReports(Member& member, int64_t nowMs);
  void sendTransportFeedback(Member& member, int64_t nowMs);
  void handleFeedback(Member& member, const RtcpPacketView& packet, int64_t nowMs);
  uint64_t rembFor(const Producer& producer) const;
  // What the publisher (its transport; null: the server's own tracks) may send in all, of what this
  // subscriber's estimate allows (RembShare).
  uint64_t publisherShareOf(const Member& subscriber, const WebRtcTransport* publisher,
                            uint64_t estimate) const;
  // Appends our REMB for the member's video to buffer at used; 0 when it publishes no video.
  size_t writeRemb(Member& member, std::span<uint8_t> buffer);
  // Tells the publishers of what this subscriber receives at once that its estimate fell.
  void announceEstimate(Member& subscriber);

  std::string roomId_;
  Listener& listener_;
  WebRtcTransport::Sender& sender_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  uint64_t maxVideoBitrate_;
  std::unordered_map<std::string, std::unique_ptr<Member>> members_;
  std::unordered_map<const WebRtcTransport*, Member*> byTransport_;
  std::unordered_map<uint32_t, Producer*> producersBySsrc_;
  std::vector<std::unique_ptr<Producer>> localProducers_;
  std::unordered_map<std::string, std::shared_ptr<RtpPacketRing>> taps_;
  std::unordered_map<std::string, std::shared_ptr<RtpPacketRing>> recordingTaps_;
  std::array<uint8_t, kPacketBufferSize> packetBuffer_{};
  std::array<uint8_t, kPacketBufferSize> rtcpBuffer_{};
  std::array<uint8_t, kPacketBufferSize> localBuffer_{};
  std::array<uint8_t, kPacketBufferSize> redBuffer_{};
  std::array<uint16_t, 128> nackScratch_{};
  bool pacing_ = false;  // a pacer holds packets and the listener was told
  RecoveryCounters& recovery_;
  // A room's router belongs to one media worker's thread.
  ThreadChecker thread_;
};

}  // namespace rooms::rtc
