#include "rtc/router/Router.h"

#include <algorithm>
#include <cstring>

#include "core/Clock.h"
#include "core/Log.h"
#include "rtc/rtcp/Fir.h"
#include "rtc/rtcp/GenericNack.h"
#include "rtc/rtcp/Pli.h"
#include "rtc/rtcp/ReceiverReport.h"
#include "rtc/rtcp/Remb.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/Sdes.h"
#include "rtc/rtcp/SenderReport.h"
#include "rtc/rtcp/TransportFeedback.h"
#include "rtc/rtp/ByteIo.h"
#include "rtc/rtp/RedPacket.h"
#include "rtc/rtp/RtxPacket.h"

namespace rooms::rtc {

namespace {
// libsrtp appends at most this much (auth tag plus MKI); every write leaves it free.
constexpr size_t kSrtpTrailer = 148;

// abs-send-time: 6.18 fixed-point seconds, 24 bits.
uint32_t absSendTimeAt(int64_t us) {
  return static_cast<uint32_t>((us << 18) / 1'000'000) & 0xFFFFFF;
}
// Restamps a packet about to be resent with what the subscriber negotiated. abs-send-time: a resend with its
// first send time looks to the subscriber's REMB estimator like a packet delayed by a round trip, which it
// reads as congestion. The transport-wide number (twccSeq): the feedback reports each number once, and our
// estimator must see the resend as the new packet it is.
void restampResend(uint8_t* data, size_t size, const RtpHeaderExtensionIds& ids, int64_t sendUs,
                   uint16_t twccSeq) {
  if (ids.absSendTime == 0 && ids.transportWideCc == 0) return;
  auto packet = RtpPacket::parse(data, size);
  if (!packet) return;
  if (ids.absSendTime) {
    const uint32_t at = absSendTimeAt(sendUs);
    const uint8_t value[3] = {static_cast<uint8_t>(at >> 16), static_cast<uint8_t>(at >> 8),
                              static_cast<uint8_t>(at)};
    packet->setExtension(ids.absSendTime, value);
  }
  if (ids.transportWideCc) {
    std::array<uint8_t, 2> value{};
    writeTransportWideSequenceNumber(value, twccSeq);
    packet->setExtension(ids.transportWideCc, value);
  }
}
}  // namespace

Router::Router(std::string roomId, Listener& listener, WebRtcTransport::Sender& sender,
               std::shared_ptr<const dtls::DtlsCertificate> certificate, uint64_t maxVideoBitrate,
               RecoveryCounters& recovery)
    : roomId_(std::move(roomId)),
      listener_(listener),
      sender_(sender),
      certificate_(std::move(certificate)),
      maxVideoBitrate_(maxVideoBitrate),
      recovery_(recovery) {}

Router::~Router() {
  for (auto& [id, member] : members_) listener_.onRouterTransportRemoved(*member->transport);
}

WebRtcTransport& Router::applyPlan(const TransportPlan& plan, int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  auto it = members_.find(plan.params.id);
  if (it == members_.end()) {
    auto member = std::make_unique<Member>();
    member->transport = std::make_unique<WebRtcTransport>(*this, sender_, certificate_, plan.params, nowMs);
    member->rtcpSsrc = plan.rtcpSsrc;
    member->cname = plan.cname;
    member->nextRtcpMs = nowMs + kRtcpIntervalMs;
    member->statsSinceMs = nowMs;
    byTransport_[member->transport.get()] = member.get();
    it = members_.emplace(plan.params.id, std::move(member)).first;
  } else if (it->second->transport->params().localUfrag != plan.params.localUfrag) {
    it->second->transport->restartIce(plan.params.localUfrag, plan.params.localPwd, plan.params.remoteUfrag,
                                      nowMs);
  }
  Member& member = *it->second;
  applyProducers(member, plan.producers);
  applyConsumers(member, plan.consumers);
  relink(nowMs);
  return *member.transport;
}

void Router::applyProducers(Member& member, const std::vector<ProducerSpec>& specs) {
  std::vector<std::unique_ptr<Producer>> next;
  for (const auto& spec : specs) {
    auto same = std::find_if(member.producers.begin(), member.producers.end(), [&](const auto& p) {
      return p && p->spec().trackId == spec.trackId && p->spec().ssrc == spec.ssrc;
    });
    if (same != member.producers.end()) {
      (*same)->updateSpec(spec);
      next.push_back(std::move(*same));
    } else {
      next.push_back(std::make_unique<Producer>(spec, member.transport.get()));
    }
  }
  for (auto& old : member.producers) {
    if (!old) continue;
    for (Consumer* c : old->consumers()) c->setProducer(nullptr);
  }
  member.producers = std::move(next);
  producersBySsrc_.clear();
  for (auto& [id, m] : members_) {
    for (auto& p : m->producers) {
      producersBySsrc_[p->spec().ssrc] = p.get();
      if (p->spec().rtxSsrc) producersBySsrc_[*p->spec().rtxSsrc] = p.get();
    }
  }
}

void Router::applyConsumers(Member& member, const std::vector<ConsumerSpec>& specs) {
  std::vector<std::unique_ptr<Consumer>> next;
  for (const auto& spec : specs) {
    auto same = std::find_if(member.consumers.begin(), member.consumers.end(),
                             [&](const auto& c) { return c && c->spec() == spec; });
    if (same != member.consumers.end()) {
      next.push_back(std::move(*same));
    } else {
      next.push_back(std::make_unique<Consumer>(spec, *member.transport, nullptr));
    }
  }
  for (auto& old : member.consumers) {
    if (old && old->producer()) old->producer()->removeConsumer(old.get());
  }
  member.consumers = std::move(next);
  const bool numbered = std::any_of(member.consumers.begin(), member.consumers.end(),
                                    [](const auto& c) { return c->spec().extensions.transportWideCc != 0; });
  if (numbered && !member.bwe) {
    member.bwe = probeVia(member) ? std::make_unique<SendSideBandwidthEstimator>(probeCeiling(member))
                                  : std::make_unique<SendSideBandwidthEstimator>();
    member.pacer = std::make_unique<Pacer>();
    member.pacer->setEstimate(member.bwe->estimate());
  }
}

// Rooms hold a handful of tracks, so recomputing every link after a negotiation is cheaper to get right than
// incremental bookkeeping, and it never runs per packet.
void Router::relink(int64_t nowMs) {
  std::unordered_map<std::string, Producer*> byTrack;
  const auto index = [&](Producer& p) {
    byTrack[p.spec().trackId] = &p;
    p.consumers().clear();
    auto tap = taps_.find(p.spec().trackId);
    p.setTap(tap == taps_.end() ? nullptr : tap->second);
    auto recording = recordingTaps_.find(p.spec().trackId);
    p.setRecordingTap(recording == recordingTaps_.end() ? nullptr : recording->second);
  };
  for (auto& [id, m] : members_) {
    for (auto& p : m->producers) index(*p);
  }
  for (auto& p : localProducers_) index(*p);
  for (auto& [id, m] : members_) {
    for (auto& c : m->consumers) {
      auto found = byTrack.find(c->spec().trackId);
      Producer* producer = found == byTrack.end() ? nullptr : found->second;
      const bool fresh = producer && c->producer() != producer;
      c->setProducer(producer);
      if (!producer) continue;
      producer->addConsumer(c.get());
      // A new subscriber can decode nothing until the next key frame: ask for one now.
      if (fresh && producer->spec().kind == MediaKind::Video) {
        producer->markKeyFrameWanted();
        requestKeyFrame(*producer, nowMs);
      }
    }
  }
}

void Router::removeTransport(const std::string& transportId) {
  ROOMS_CHECK_THREAD(thread_);
  auto it = members_.find(transportId);
  if (it == members_.end()) return;
  Member& member = *it->second;
  for (auto& p : member.producers) {
    for (Consumer* c : p->consumers()) c->setProducer(nullptr);
    producersBySsrc_.erase(p->spec().ssrc);
    if (p->spec().rtxSsrc) producersBySsrc_.erase(*p->spec().rtxSsrc);
  }
  for (auto& c : member.consumers) {
    if (c->producer()) c->producer()->removeConsumer(c.get());
  }
  member.transport->close();
  listener_.onRouterTransportRemoved(*member.transport);
  byTransport_.erase(member.transport.get());
  members_.erase(it);
}

void Router::setTap(const std::string& trackId, TapKind kind, std::shared_ptr<RtpPacketRing> tap) {
  ROOMS_CHECK_THREAD(thread_);
  auto& taps = kind == TapKind::Speech ? taps_ : recordingTaps_;
  if (tap) {
    taps[trackId] = tap;
  } else {
    taps.erase(trackId);
  }
  const auto apply = [&](Producer& p) {
    if (p.spec().trackId != trackId) return;
    if (kind == TapKind::Speech) {
      p.setTap(tap);
    } else {
      p.setRecordingTap(tap);
    }
  };
  for (auto& [id, m] : members_) {
    for (auto& p : m->producers) apply(*p);
  }
  for (auto& p : localProducers_) apply(*p);
}

void Router::requestKeyFrame(const std::string& trackId, int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  for (auto& [id, m] : members_) {
    for (auto& p : m->producers) {
      if (p->spec().trackId == trackId && p->spec().kind == MediaKind::Video) {
        p->markKeyFrameWanted();
        requestKeyFrame(*p, nowMs);
      }
    }
  }
}

void Router::addLocalProducer(const ProducerSpec& spec, std::shared_ptr<RtpPacketRing> source,
                              int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  removeLocalProducer(spec.trackId, nowMs);
  auto producer = std::make_unique<Producer>(spec, nullptr);
  producer->setSource(std::move(source));
  localProducers_.push_back(std::move(producer));
  relink(nowMs);
}

void Router::removeLocalProducer(const std::string& trackId, int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  auto it = std::find_if(localProducers_.begin(), localProducers_.end(),
                         [&](const auto& p) { return p->spec().trackId == trackId; });
  if (it == localProducers_.end()) return;
  for (Consumer* c : (*it)->consumers()) c->setProducer(nullptr);
  localProducers_.erase(it);
  relink(nowMs);
}

// A server-side source writes payloads ahead of time with the moment each is due; the 20 ms tick sends what
// is due, so a browser's jitter buffer sees the same pacing as from a microphone.
void Router::pumpLocalSources(int64_t nowMs) {
  for (auto& producer : localProducers_) {
    RtpPacketRing* source = producer->source();
    if (!source) continue;
    const ProducerSpec& spec = producer->spec();
    while (const RtpPacketRing::Slot* slot = source->front()) {
      if (slot->atMs > nowMs) break;
      uint8_t* out = localBuffer_.data();
      size_t n = RtpPacket::kFixedHeaderSize;
      out[0] = 0x80;
      out[1] = static_cast<uint8_t>((slot->marker ? 0x80 : 0) | (spec.payloadType & 0x7F));
      out[2] = static_cast<uint8_t>(slot->sequence >> 8);
      out[3] = static_cast<uint8_t>(slot->sequence);
      for (int i = 0; i < 4; ++i) {
        out[4 + i] = static_cast<uint8_t>(slot->timestamp >> (24 - 8 * i));
        out[8 + i] = static_cast<uint8_t>(spec.ssrc >> (24 - 8 * i));
      }
      if (spec.extensions.audioLevel) {
        // One-byte extension block with the RFC 6464 level, so pages can animate the speaker.
        out[0] |= 0x10;
        const uint8_t ext[8] = {
            0xBE, 0xDE, 0x00, 0x01, static_cast<uint8_t>(spec.extensions.audioLevel << 4), slot->audioLevel,
            0,    0};
        std::memcpy(out + n, ext, sizeof(ext));
        n += sizeof(ext);
      }
      std::memcpy(out + n, slot->payload.data(), slot->size);
      n += slot->size;
      source->pop();
      auto packet = RtpPacket::parse(out, n);
      if (packet) forward(*producer, *packet, nowMs);
    }
  }
}

WebRtcTransport* Router::findTransport(const std::string& transportId) {
  auto it = members_.find(transportId);
  return it == members_.end() ? nullptr : it->second->transport.get();
}

Router::Member* Router::memberOf(const WebRtcTransport& transport) {
  auto it = byTransport_.find(&transport);
  return it == byTransport_.end() ? nullptr : it->second;
}

Consumer* Router::findConsumer(Member& member, uint32_t ssrc) {
  for (auto& c : member.consumers) {
    if (c->spec().ssrc == ssrc) return c.get();
  }
  return nullptr;
}

void Router::onTransportStateChanged(WebRtcTransport& transport, WebRtcTransport::State state) {
  if (state == WebRtcTransport::State::Connected) {
    // Whatever was sent before the subscriber could decrypt is lost: start it on a key frame.
    if (Member* member = memberOf(transport)) {
      for (auto& c : member->consumers) {
        if (c->producer() && c->spec().kind == MediaKind::Video) c->producer()->markKeyFrameWanted();
      }
    }
  }
  listener_.onRouterTransportState(*this, transport, state);
}

void Router::onTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) {
  listener_.onRouterTransportTuple(transport, tuple);
}

void Router::onTransportRtp(WebRtcTransport& transport, RtpPacket& packet, int64_t nowMs, int64_t arrivalUs) {
  ROOMS_CHECK_THREAD(thread_);
  auto it = producersBySsrc_.find(packet.ssrc());
  if (it == producersBySsrc_.end()) return;
  Producer& producer = *it->second;
  if (producer.transport() != &transport) return;
  const ProducerSpec& spec = producer.spec();
  if (const uint8_t id = spec.extensions.transportWideCc) {
    // Every packet counts for the estimator, the RTX stream's probes included.
    const auto value = packet.extension(id);
    const auto seq = value ? readTransportWideSequenceNumber(*value) : std::nullopt;
    if (seq) {
      if (Member* member = memberOf(transport)) {
        member->twccFeedback.onPacket(*seq, arrivalUs);
        if (member->twccFeedback.pending() >= TransportCcFeedbackGenerator::kEagerPackets)
          sendTransportFeedback(*member, nowMs);
      }
    }
  }
  if (packet.ssrc() != spec.ssrc) {
    // The RTX stream: a retransmission we asked for (or the sender's own probing) becomes the original
    // packet again and is forwarded like any other; subscribers that NACKed it from us get it this way.
    if (!spec.rtxSsrc || (spec.rtxPayloadType && packet.payloadType() != *spec.rtxPayloadType)) return;
    producer.countRtx();
    ++recovery_.rtxReceived;
    auto restored = RtxPacket::restore(packet, spec.ssrc, spec.payloadType);
    if (!restored) return;  // padding only: bandwidth probing
    Arrival arrival = Arrival::Fresh;
    if (NackGenerator* nack = producer.nack()) {
      switch (nack->onPacket(restored->sequenceNumber(), nowMs)) {
        case NackGenerator::Arrival::Recovered:
          ++recovery_.packetsRecovered;
          arrival = Arrival::Repair;
          break;
        case NackGenerator::Arrival::Duplicate:
          arrival = Arrival::Copy;
          break;
        default:
          break;
      }
    }
    // Not counted in the reception statistics: our receiver reports tell the publisher the loss of its
    // link, as a browser's do, so its loss-based rate control sees the real uplink.
    forward(producer, *restored, nowMs, nullptr, arrival);
    return;
  }
  producer.stats().onPacket(packet.sequenceNumber(), packet.timestamp(), nowMs, packet.size());
  Arrival arrival = Arrival::Fresh;
  if (NackGenerator* nack = producer.nack()) {
    switch (nack->onPacket(packet.sequenceNumber(), nowMs)) {
      case NackGenerator::Arrival::Gap:
        sendNacks(producer, nowMs);  // at once: every round trip of waiting is a frame the decoder misses
        break;
      case NackGenerator::Arrival::Recovered:
        ++recovery_.packetsRecovered;  // reordered, or a plain retransmission
        arrival = Arrival::Repair;
        break;
      case NackGenerator::Arrival::Duplicate:
        arrival = Arrival::Copy;  // a plain resend nobody asked for: the same rule as an RTX copy
        break;
      case NackGenerator::Arrival::Reset:
        sendNacks(producer, nowMs);  // sends nothing, asks for the key frame
        break;
      default:
        break;
    }
  }
  if (const uint8_t id = spec.extensions.audioLevel) {
    if (auto level = packet.extension(id); level && !level->empty())
      producer.setAudioLevel((*level)[0] & 0x7F);
  }
  if (spec.redPayloadType) {
    if (packet.payloadType() == *spec.redPayloadType) {
      forwardRed(producer, packet, nowMs);
      return;
    }
    producer.advanceSequence(packet.sequenceNumber());
  }
  tapAudio(producer, packet, nowMs);
  forward(producer, packet, nowMs, nullptr, arrival);
}

void Router::tapAudio(Producer& producer, const RtpPacket& packet, int64_t nowMs) {
  if (RtpPacketRing* tap = producer.tap()) {
    // A copy for the speech pipeline; when it falls behind the ring refuses and counts, never blocks.
    tap->push(nowMs, packet.sequenceNumber(), packet.timestamp(), packet.marker(), producer.audioLevel(),
              packet.payload());
  }
}

std::optional<RtpPacket> Router::plainCopy(const RtpPacket& red, std::span<const uint8_t> payload,
                                           uint16_t seq, uint32_t timestamp, bool marker,
                                           uint8_t payloadType) {
  const size_t header = red.headerSize();
  if (header + payload.size() > redBuffer_.size() - kSrtpTrailer) return std::nullopt;
  uint8_t* out = redBuffer_.data();
  std::memcpy(out, red.data(), header);
  out[0] &= static_cast<uint8_t>(~0x20);  // the RED packet's padding stays behind
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (payloadType & 0x7F));
  write16(out + 2, seq);
  write32(out + 4, timestamp);
  std::memcpy(out + header, payload.data(), payload.size());
  return RtpPacket::parse(out, header + payload.size());
}

void Router::forwardRed(Producer& producer, const RtpPacket& packet, int64_t nowMs) {
  const ProducerSpec& spec = producer.spec();
  const uint16_t seq = packet.sequenceNumber();
  const int missing = producer.advanceSequence(seq);
  const auto red = RedPacket::parse(packet.payload());
  if (!red) return;  // malformed: none of its blocks can be trusted
  // Block i of n redundant ones is the packet n - i before this one. Those lost on the way are rebuilt
  // from their copies and forwarded first, in order, so every subscriber (and the speech pipeline) gets
  // them: the ones without RED could not otherwise.
  const size_t redundant = red->redundantCount();
  for (size_t i = 0; i < redundant; ++i) {
    const auto distance = static_cast<int>(redundant - i);
    const RedPacket::Block& block = red->block(i);
    if (distance > missing || block.payloadType != spec.payloadType || block.data.empty()) continue;
    auto recovered = plainCopy(packet, block.data, static_cast<uint16_t>(seq - distance),
                               packet.timestamp() - block.timestampOffset, false, spec.payloadType);
    if (!recovered) continue;
    ++recovery_.audioRecovered;
    tapAudio(producer, *recovered, nowMs);
    forward(producer, *recovered, nowMs);
  }
  if (red->primary().payloadType != spec.payloadType) return;
  auto primary =
      plainCopy(packet, red->primary().data, seq, packet.timestamp(), packet.marker(), spec.payloadType);
  if (!primary) return;
  tapAudio(producer, *primary, nowMs);
  forward(producer, packet, nowMs, &*primary);
}

int64_t Router::rttMsOf(const Member& member) const {
  double sum = 0;
  int count = 0;
  for (const auto& c : member.consumers) {
    if (c->rtt().averageRttMs() > 0) {
      sum += c->rtt().averageRttMs();
      ++count;
    }
  }
  return count ? static_cast<int64_t>(sum / count) : -1;
}

void Router::sendNacks(Producer& producer, int64_t nowMs) {
  NackGenerator* nack = producer.nack();
  Member* publisher = producer.transport() ? memberOf(*producer.transport()) : nullptr;
  if (!nack || !publisher) return;
  const size_t n = nack->collect(nowMs, rttMsOf(*publisher), nackScratch_);
  if (nack->takeKeyFrameNeeded()) {
    ++recovery_.keyFramesForLoss;
    producer.markKeyFrameWanted();
    requestKeyFrame(producer, nowMs);
  }
  if (n == 0 || !publisher->transport->connected()) return;
  const size_t size = GenericNack::write({rtcpBuffer_.data(), rtcpBuffer_.size() - kSrtpTrailer},
                                         publisher->rtcpSsrc, producer.spec().ssrc, {nackScratch_.data(), n});
  if (size && publisher->transport->sendRtcp(rtcpBuffer_.data(), size, rtcpBuffer_.size())) {
    recovery_.nacksSent += n;
  }
}

bool Router::wantsRedundancy(const Member& subscriber) const {
  return subscriber.pacer && subscriber.bwe && subscriber.bwe->lossRatio() >= kRedundantResendLoss &&
         subscriber.bwe->lossLooksRandom() &&
         static_cast<double>(subscriber.bwe->estimate()) >=
             kRedundancyHeadroom * static_cast<double>(subscriber.pacer->offeredBps());
}

void Router::forward(Producer& producer, const RtpPacket& packet, int64_t nowMs, const RtpPacket* plain,
                     Arrival arrival) {
  if (RtpPacketRing* recording = producer.recordingTap()) {
    // The recorder's copy: what subscribers get, repairs included (its reorder buffer puts them back in
    // place). A full ring refuses and counts; the recorder, not the call, loses the packet.
    const RtpPacket& copy = plain ? *plain : packet;
    recording->push(nowMs, copy.sequenceNumber(), copy.timestamp(), copy.marker(), producer.audioLevel(),
                    copy.payload());
  }
  const auto& inIds = producer.spec().extensions;
  const int64_t sendUs = steadyNowUs();
  const uint32_t absSendTime = absSendTimeAt(sendUs);
  for (Consumer* consumer : producer.consumers()) {
    WebRtcTransport& out = consumer->transport();
    if (!out.connected()) continue;
    Member* sub = memberOf(out);
    if (!sub) continue;
    // A copy is the accidental redundancy of a browser's probing: on a lossy link it fills some of what the
    // first copy lost, but into a slow link it is a burst on top of the media (at a call's start, the probes
    // after a new subscriber's key frame overflowed a 300 kbit/s link's queue, bench-quality warm-up 0).
    if (arrival == Arrival::Copy && !wantsRedundancy(*sub)) continue;
    const RtpPacket& in = plain && !consumer->spec().redPayloadType ? *plain : packet;
    const size_t size =
        consumer->rewrite(in, inIds, packetBuffer_.data(), packetBuffer_.size() - kSrtpTrailer, nowMs,
                          sub->twccSeq, absSendTime);
    if (size == 0) continue;
    // A repair fills a gap the subscriber has seen too and may be NACKing from us right now: this copy
    // answers that NACK, and a second copy from the history would arrive as a duplicate.
    consumer->onSent(packetBuffer_.data(), size, nowMs, arrival == Arrival::Repair);
    if (sub->pacer && !admitPaced(*sub, *consumer, size, nowMs)) continue;
    if (consumer->spec().extensions.transportWideCc) sub->bwe->onPacketSent(sub->twccSeq++, sendUs, size);
    out.sendRtp(packetBuffer_.data(), size, packetBuffer_.size());
  }
}

bool Router::admitPaced(Member& subscriber, Consumer& consumer, size_t size, int64_t nowMs) {
  Pacer& pacer = *subscriber.pacer;
  const int64_t nowUs = nowMs * 1000;
  // Audio goes first: it is small, and late audio is lost audio. Only what the history keeps can wait.
  if (consumer.spec().kind != MediaKind::Video || !consumer.keepsHistory() ||
      size > RtpRetransmissionBuffer::kMaxPacketSize) {
    pacer.onSentUnpaced(size, nowUs);
    return true;
  }
  if (pacer.trySend(size, nowUs)) return true;
  if (!pacer.enqueue({consumer.spec().ssrc, read16(packetBuffer_.data() + 2), static_cast<uint16_t>(size)},
                     nowUs)) {
    return true;  // a full queue sends rather than drops
  }
  ++recovery_.pacedPackets;
  startPacing();
  return false;
}

size_t Router::writeResend(Consumer& consumer, std::span<const uint8_t> stored) {
  const size_t capacity = packetBuffer_.size() - kSrtpTrailer;
  if (stored.size() + RtxPacket::kOsnSize > capacity) return 0;
  const ConsumerSpec& spec = consumer.spec();
  if (spec.rtxSsrc && spec.rtxPayloadType) {
    // On the RTX stream, browsers count it as a retransmission, not as media, which keeps their receive
    // statistics and bandwidth estimates right.
    return RtxPacket::wrap(stored, *spec.rtxSsrc, *spec.rtxPayloadType, consumer.nextRtxSequenceNumber(),
                           packetBuffer_.data(), capacity);
  }
  // A copy (encryption is in place): the history keeps the clear packet for the next NACK.
  std::copy(stored.begin(), stored.end(), packetBuffer_.begin());
  return stored.size();
}

bool Router::sendRestamped(Member& member, Consumer& consumer, size_t size, int64_t nowUs) {
  const ConsumerSpec& spec = consumer.spec();
  restampResend(packetBuffer_.data(), size, spec.extensions, nowUs, member.twccSeq);
  if (spec.extensions.transportWideCc) member.bwe->onPacketSent(member.twccSeq++, nowUs, size);
  return member.transport->sendRtp(packetBuffer_.data(), size, packetBuffer_.size());
}

uint64_t Router::probeCeiling(const Member& member) const {
  uint64_t bps = 0;
  for (const auto& c : member.consumers)
    bps += c->spec().kind == MediaKind::Video ? maxVideoBitrate_ : 64'000;
  return bps;
}

Consumer* Router::probeVia(const Member& member) {
  for (const auto& c : member.consumers) {
    if (c->spec().kind == MediaKind::Video && c->spec().rtxSsrc && c->spec().rtxPayloadType) return c.get();
  }
  return nullptr;
}

void Router::logProbeOutcome(Member& member) {
  const auto outcome = member.bwe->takeProbeOutcome();
  if (!outcome || !log::debugEnabled()) return;
  // What docs/architecture.md's probing figures are read from: BENCH_QUALITY_LOG_LEVEL=debug.
  log::debug("bwe_probe_done", {{"transport", member.transport->id()},
                                {"bps", outcome->bps},
                                {"saturated", outcome->atCapacity},
                                {"ignored", outcome->ignored},
                                {"estimate", member.bwe->estimate()}});
}

void Router::sendProbes(Member& member, int64_t nowMs) {
  Consumer* via = probeVia(member);
  if (!via || !member.transport->connected()) return;
  for (int i = 0; i < kMaxProbePacketsPerPace; ++i) {
    const uint8_t cluster = member.bwe->probeDue(nowMs * 1000);
    if (cluster == 0) return;
    const int64_t sendUs = steadyNowUs();
    const size_t size = via->writePadding(packetBuffer_.data(), packetBuffer_.size() - kSrtpTrailer, nowMs,
                                          member.twccSeq, absSendTimeAt(sendUs), kProbePaddingBytes);
    if (size == 0) return;
    member.bwe->onPacketSent(member.twccSeq++, sendUs, size, cluster);
    if (member.transport->sendRtp(packetBuffer_.data(), size, packetBuffer_.size())) ++recovery_.probePackets;
  }
}

void Router::startPacing() {
  if (pacing_) return;
  pacing_ = true;
  listener_.onRouterPacing(*this);
}

bool Router::pace(int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  bool pending = false;
  for (auto& [id, member] : members_) {
    if (member->bwe && member->bwe->probeSending()) {
      sendProbes(*member, nowMs);
      pending = pending || member->bwe->probeSending();
    }
    if (!member->pacer || member->pacer->empty()) continue;
    drainPacer(*member, nowMs);
    pending = pending || !member->pacer->empty();
  }
  pacing_ = pending;
  return pending;
}

void Router::drainPacer(Member& member, int64_t nowMs) {
  const int64_t sendUs = steadyNowUs();
  while (auto due = member.pacer->next(nowMs * 1000)) {
    Consumer* consumer = findConsumer(member, due->entry.ssrc);
    if (!consumer || !member.transport->connected()) continue;  // renegotiated away, or gone
    const auto stored = consumer->stored(due->entry.seq, nowMs);
    if (stored.empty()) {
      ++recovery_.pacedExpired;
      continue;
    }
    size_t size = 0;
    if (due->retransmission) {
      size = writeResend(*consumer, stored);
    } else {
      std::copy(stored.begin(), stored.end(), packetBuffer_.begin());
      size = stored.size();
    }
    if (size && sendRestamped(member, *consumer, size, sendUs) && due->retransmission) {
      consumer->countRetransmission();
      ++recovery_.retransmissionsSent;
    }
  }
}

void Router::onTransportRtcp(WebRtcTransport& transport, const uint8_t* data, size_t size, int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  Member* member = memberOf(transport);
  if (!member) return;
  auto compound = RtcpCompoundPacket::parse(data, size);
  if (!compound) return;
  for (const RtcpPacketView& packet : *compound) handleFeedback(*member, packet, nowMs);
}

void Router::handleFeedback(Member& member, const RtcpPacketView& packet, int64_t nowMs) {
  const auto onReportBlock = [&](const ReportBlock& block) {
    if (Consumer* c = findConsumer(member, block.ssrc)) {
      c->rtt().onReportBlock(block.lastSenderReport, block.delaySinceLastSenderReport, nowMs);
      c->setReportedLoss(block.fractionLost / 256.0);
    }
  };
  switch (packet.rtcpType()) {
    case RtcpType::kSenderReport: {
      auto sr = SenderReport::parse(packet);
      if (!sr) return;
      for (auto& p : member.producers) {
        if (p->spec().ssrc == sr->ssrc()) {
          const SenderInfo info = sr->senderInfo();
          const uint64_t ntp = (uint64_t{info.ntpSeconds} << 32) | info.ntpFraction;
          p->stats().onSenderReport(ntp, info.rtpTimestamp, nowMs);
          if (RtpPacketRing* recording = p->recordingTap())
            recording->pushSenderReport(nowMs, ntp, info.rtpTimestamp);
        }
      }
      for (size_t i = 0; i < sr->reportCount(); ++i) onReportBlock(sr->reportBlock(i));
      return;
    }
    case RtcpType::kReceiverReport: {
      auto rr = ReceiverReport::parse(packet);
      if (!rr) return;
      for (size_t i = 0; i < rr->reportCount(); ++i) onReportBlock(rr->reportBlock(i));
      return;
    }
    case RtcpType::kRtpFeedback: {
      if (packet.count == kFmtTransportFeedback) {
        auto feedback = TransportFeedback::parse(packet);
        if (!feedback) return;
        if (!member.bwe) return;  // feedback on packets we never numbered
        member.bwe->onFeedback(*feedback, nowMs, rttMsOf(member));
        member.pacer->setEstimate(member.bwe->estimate());
        logProbeOutcome(member);
        if (member.bwe->raised()) {
          // A probe found room: publishers may use it now rather than with the next periodic report.
          announceEstimate(member);
        } else if (member.bwe->dropped()) {
          // Rare (at most once per round trip), and what docs/architecture.md's start-up figures are read
          // from: BENCH_QUALITY_LOG_LEVEL=debug.
          if (log::debugEnabled()) {
            log::debug("bwe_estimate_dropped", {{"transport", member.transport->id()},
                                                {"bps", member.bwe->estimate()},
                                                {"ackedBps", member.bwe->ackedBps()},
                                                {"trainBps", member.bwe->trainBps()},
                                                {"loss", member.bwe->lossRatio()}});
          }
          announceEstimate(member);
        }
        return;
      }
      if (packet.count != kFmtGenericNack) return;
      auto nack = GenericNack::parse(packet);
      if (!nack) return;
      Consumer* c = findConsumer(member, nack->mediaSsrc());
      if (!c) return;
      const int64_t sendUs = steadyNowUs();
      const bool redundant = wantsRedundancy(member);
      nack->forEachLost([&](uint16_t seq) {
        // A packet we never received is not in the history: the publisher is being asked for it, and its
        // repair is forwarded to every subscriber like the original would have been.
        auto stored = c->retransmission(seq, nowMs);
        if (stored.empty()) return;
        if (!c->takeRetransmissionBudget(stored.size(), nowMs)) {
          ++recovery_.retransmissionsRefused;
          return;
        }
        const Pacer::Entry entry{c->spec().ssrc, seq, static_cast<uint16_t>(stored.size())};
        // The second copy queues behind the first, so the two go out at least a pacing slot apart.
        const auto sendSecondCopy = [&]() {
          if (!redundant || !c->takeRetransmissionBudget(stored.size(), nowMs) ||
              !member.pacer->enqueueRetransmission(entry, nowMs * 1000)) {
            return;
          }
          ++recovery_.redundantResends;
          startPacing();
        };
        // Paced like media, ahead of it: a burst of resends into a slow link is lost again.
        if (member.pacer && !member.pacer->trySend(stored.size(), nowMs * 1000) &&
            member.pacer->enqueueRetransmission(entry, nowMs * 1000)) {
          startPacing();
          ++recovery_.pacedPackets;
          sendSecondCopy();
          return;
        }
        const size_t size = writeResend(*c, stored);
        if (size && sendRestamped(member, *c, size, sendUs)) {
          c->countRetransmission();
          ++recovery_.retransmissionsSent;
        }
        sendSecondCopy();
      });
      return;
    }
    case RtcpType::kPayloadFeedback: {
      if (packet.count == kFmtPli) {
        auto pli = Pli::parse(packet);
        if (!pli) return;
        if (Consumer* c = findConsumer(member, pli->mediaSsrc()); c && c->producer()) {
          requestKeyFrame(*c->producer(), nowMs);
        }
      } else if (packet.count == kFmtFir) {
        auto fir = Fir::parse(packet);
        if (!fir) return;
        for (size_t i = 0; i < fir->entryCount(); ++i) {
          if (Consumer* c = findConsumer(member, fir->entry(i).ssrc); c && c->producer()) {
            requestKeyFrame(*c->producer(), nowMs);
          }
        }
      } else if (packet.count == kFmtAfb) {
        auto remb = Remb::parse(packet);
        if (!remb) return;
        for (size_t i = 0; i < remb->ssrcCount(); ++i) {
          if (Consumer* c = findConsumer(member, remb->ssrc(i))) c->setRembBitrate(remb->bitrate());
        }
      }
      return;
    }
    default:
      return;
  }
}

void Router::requestKeyFrame(Producer& producer, int64_t nowMs) {
  if (!producer.allowKeyFrameRequest(nowMs)) {
    producer.markKeyFrameWanted();  // tick() sends it once the interval has passed
    return;
  }
  Member* publisher = producer.transport() ? memberOf(*producer.transport()) : nullptr;
  if (!publisher || !publisher->transport->connected()) {
    if (!producer.transport()) return;  // a server-side source has no key frames to ask for
    producer.markKeyFrameWanted();
    return;
  }
  const size_t n = Pli::write({rtcpBuffer_.data(), rtcpBuffer_.size() - kSrtpTrailer}, publisher->rtcpSsrc,
                              producer.spec().ssrc);
  if (n) publisher->transport->sendRtcp(rtcpBuffer_.data(), n, rtcpBuffer_.size());
}

// One encoding per publisher (no simulcast): the slowest subscriber sets the rate for all. Sending it more
// than its link carries would queue and lose frames it cannot decode past; in the rooms this serves (a coach,
// a client, the orb) the subscribers of a video are one or two people, so the slowest is the one to serve.
uint64_t Router::rembFor(const Producer& producer) const {
  uint64_t estimate = maxVideoBitrate_;
  for (Consumer* c : producer.consumers()) {
    auto sub = byTransport_.find(&c->transport());
    uint64_t limit = c->rembBitrate();
    if (sub != byTransport_.end() && sub->second->bwe && sub->second->bwe->active())
      limit = publisherShareOf(*sub->second, producer.transport(), sub->second->bwe->estimate());
    if (limit > 0) estimate = std::min(estimate, limit);
  }
  return estimate;
}

uint64_t Router::publisherShareOf(const Member& subscriber, const WebRtcTransport* publisher,
                                  uint64_t estimate) const {
  RembShare share;
  for (const auto& c : subscriber.consumers) {
    if (!c->producer()) continue;
    const bool own = c->producer()->transport() == publisher;
    if (c->spec().kind == MediaKind::Video) {
      ++share.videoStreams;
      if (own) {
        ++share.publisherVideoStreams;
      }
    } else {
      if (!own) {
        ++share.otherAudioStreams;
      }
      if (c->spec().redPayloadType && c->producer()->spec().redPayloadType) {
        ++share.redAudioStreams;
      }
    }
  }
  return share.of(estimate);
}

size_t Router::writeRemb(Member& member, std::span<uint8_t> buffer) {
  std::array<uint32_t, 16> videoSsrcs{};
  size_t videoCount = 0;
  uint64_t remb = maxVideoBitrate_;
  for (auto& p : member.producers) {
    if (p->stats().packetsReceived() == 0 || p->spec().kind != MediaKind::Video) continue;
    if (videoCount < videoSsrcs.size()) {
      videoSsrcs[videoCount++] = p->spec().ssrc;
      remb = std::min(remb, rembFor(*p));
    }
  }
  if (videoCount == 0) return 0;
  return Remb::write(buffer, member.rtcpSsrc, remb, {videoSsrcs.data(), videoCount});
}

void Router::announceEstimate(Member& subscriber) {
  if (subscriber.bwe) subscriber.bwe->markAnnounced();
  std::array<Member*, 8> done{};
  size_t doneCount = 0;
  for (auto& c : subscriber.consumers) {
    const WebRtcTransport* from = c->producer() ? c->producer()->transport() : nullptr;
    Member* publisher = from ? memberOf(*from) : nullptr;
    if (!publisher || !publisher->transport->connected()) continue;
    if (std::find(done.begin(), done.begin() + doneCount, publisher) != done.begin() + doneCount) continue;
    if (doneCount < done.size()) done[doneCount++] = publisher;
    const size_t n = writeRemb(*publisher, {rtcpBuffer_.data(), rtcpBuffer_.size() - kSrtpTrailer});
    if (n) publisher->transport->sendRtcp(rtcpBuffer_.data(), n, rtcpBuffer_.size());
  }
}

void Router::sendRtcpReports(Member& member, int64_t nowMs) {
  const std::span<uint8_t> buffer(rtcpBuffer_.data(), rtcpBuffer_.size() - kSrtpTrailer);
  size_t used = 0;
  const auto flush = [&]() {
    if (used) member.transport->sendRtcp(rtcpBuffer_.data(), used, rtcpBuffer_.size());
    used = 0;
  };
  // Our SRs for what we send it, one per stream.
  for (auto& c : member.consumers) {
    SenderInfo info;
    if (!c->producer() || !c->senderInfo(nowMs, info)) continue;
    size_t n = SenderReport::write(buffer.subspan(used), info, {});
    if (n == 0) {
      flush();
      n = SenderReport::write(buffer.subspan(used), info, {});
    }
    used += n;
    const WebRtcTransport* from = c->producer()->transport();
    Member* publisher = from ? memberOf(*from) : nullptr;
    const std::string_view cname = publisher ? std::string_view(publisher->cname) : std::string_view("rooms");
    n = Sdes::writeCname(buffer.subspan(used), info.ssrc, cname);
    if (n == 0) {
      flush();
      n = Sdes::writeCname(buffer.subspan(used), info.ssrc, cname);
    }
    used += n;
  }
  // One RR covering what it publishes, and REMB for its video.
  std::array<ReportBlock, SenderReport::kMaxReportBlocks> blocks{};
  size_t blockCount = 0;
  for (auto& p : member.producers) {
    if (p->stats().packetsReceived() == 0) continue;
    if (blockCount < blocks.size()) blocks[blockCount++] = p->stats().reportBlock(p->spec().ssrc, nowMs);
  }
  if (blockCount || used == 0) {
    size_t n = ReceiverReport::write(buffer.subspan(used), member.rtcpSsrc, {blocks.data(), blockCount});
    if (n == 0) {
      flush();
      n = ReceiverReport::write(buffer.subspan(used), member.rtcpSsrc, {blocks.data(), blockCount});
    }
    used += n;
    n = Sdes::writeCname(buffer.subspan(used), member.rtcpSsrc, member.cname);
    if (n == 0) {
      flush();
      n = Sdes::writeCname(buffer.subspan(used), member.rtcpSsrc, member.cname);
    }
    used += n;
  }
  size_t n = writeRemb(member, buffer.subspan(used));
  if (n == 0 && used > 0) {
    flush();
    n = writeRemb(member, buffer.subspan(used));
  }
  used += n;
  flush();
}

void Router::sendTransportFeedback(Member& member, int64_t nowMs) {
  if (!member.transport->connected()) return;
  uint32_t mediaSsrc = 0;
  for (const auto& p : member.producers) {
    if (p->spec().extensions.transportWideCc) {
      mediaSsrc = p->spec().ssrc;
      break;
    }
  }
  // More than one packet only after a long silence or a burst; bounded all the same.
  for (int i = 0; i < 4; ++i) {
    const size_t n = member.twccFeedback.write({rtcpBuffer_.data(), rtcpBuffer_.size() - kSrtpTrailer},
                                               member.rtcpSsrc, mediaSsrc, nowMs);
    if (n == 0) return;
    member.transport->sendRtcp(rtcpBuffer_.data(), n, rtcpBuffer_.size());
    if (member.twccFeedback.pending() < TransportCcFeedbackGenerator::kEagerPackets) return;
  }
}

void Router::tick(int64_t nowMs) {
  ROOMS_CHECK_THREAD(thread_);
  pumpLocalSources(nowMs);
  for (auto& [id, member] : members_) {
    member->transport->tick(nowMs);
    if (!member->transport->connected()) continue;
    if (member->twccFeedback.due(nowMs)) sendTransportFeedback(*member, nowMs);
    if (member->bwe && member->bwe->probeInProgress()) {
      // The link is measured as soon as there is one to measure, before the first key frame is sent into it.
      member->bwe->startProbing(nowMs * 1000);  // once: from Armed only
      if (member->bwe->probeSending()) startPacing();
      member->bwe->onTick(nowMs);  // clusters whose feedback never came
      member->pacer->setEstimate(member->bwe->estimate());
      logProbeOutcome(*member);
    }
    for (auto& p : member->producers) {
      if (p->nack() && p->nack()->pending()) sendNacks(*p, nowMs);
      if (p->keyFrameWanted()) requestKeyFrame(*p, nowMs);
    }
    if (nowMs >= member->nextRtcpMs) {
      member->nextRtcpMs = nowMs + kRtcpIntervalMs;
      for (auto& p : member->producers) {
        if (const NackGenerator* nack = p->nack()) {
          p->playoutDelay().update(nack->counters().packetsMissing, p->stats().packetsReceived(),
                                   rttMsOf(*member), nowMs);
        }
      }
      sendRtcpReports(*member, nowMs);
      // Its estimate goes out with the publishers' reports within this interval.
      if (member->bwe) member->bwe->markAnnounced();
    }
  }
}

void Router::collectStats(int64_t nowMs, std::vector<TransportStats>& out) {
  ROOMS_CHECK_THREAD(thread_);
  for (auto& [id, member] : members_) {
    TransportStats s;
    const auto& counters = member->transport->counters();
    s.transportId = id;
    s.state = member->transport->state();
    s.bytesIn = counters.bytesIn;
    s.bytesOut = counters.bytesOut;
    const double seconds = std::max<int64_t>(1, nowMs - member->statsSinceMs) / 1000.0;
    s.uploadBps = static_cast<double>(counters.bytesIn - member->statsBytesIn) * 8 / seconds;
    s.downloadBps = static_cast<double>(counters.bytesOut - member->statsBytesOut) * 8 / seconds;
    member->statsSinceMs = nowMs;
    member->statsBytesIn = counters.bytesIn;
    member->statsBytesOut = counters.bytesOut;
    double rttSum = 0;
    int rttCount = 0;
    double loss = 0;
    for (auto& c : member->consumers) {
      if (c->rtt().averageRttMs() > 0) {
        rttSum += c->rtt().averageRttMs();
        ++rttCount;
      }
      loss = std::max(loss, c->reportedLoss());
    }
    for (auto& p : member->producers) {
      s.playoutDelayMs = std::max(s.playoutDelayMs, p->playoutDelay().minDelayMs());
      loss = std::max(loss, p->stats().lossRatio());
      if (p->spec().kind == MediaKind::Audio) s.audioLevels.emplace_back(p->spec().trackId, p->audioLevel());
    }
    if (rttCount) s.rttMs = rttSum / rttCount;
    if (log::debugEnabled()) {
      log::debug("transport_stats",
                 {{"transport", id},
                  {"rtpIn", counters.rtpPacketsIn},
                  {"rtpOut", counters.rtpPacketsOut},
                  {"srtpErrors", counters.srtpErrors},
                  {"producers", member->producers.size()},
                  {"consumers", member->consumers.size()},
                  {"bweActive", member->bwe && member->bwe->active()},
                  {"bweBps", member->bwe ? member->bwe->estimate() : 0},
                  {"bweAckedBps", member->bwe ? member->bwe->ackedBps() : 0},
                  {"bweLoss", member->bwe ? member->bwe->lossRatio() : 0.0},
                  {"playoutDelayMs", s.playoutDelayMs},
                  {"linked", std::count_if(member->consumers.begin(), member->consumers.end(),
                                           [](const auto& c) { return c->producer() != nullptr; })}});
    }
    s.packetLoss = loss * 100;
    out.push_back(std::move(s));
  }
}

}  // namespace rooms::rtc
