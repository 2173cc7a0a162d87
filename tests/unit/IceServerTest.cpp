#include "rtc/ice/IceServer.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "rtc/ice/StunMessageBuilder.h"

namespace rooms::ice {
namespace {

using State = IceServer::State;
using Outcome = IceServer::Outcome;

struct Sent {
  StunAddress tuple;
  std::vector<uint8_t> bytes;
};

class RecordingListener : public IceServer::Listener {
 public:
  void onIceSelectedTuple(IceServer&, const StunAddress& tuple) override { selected.push_back(tuple); }
  void onIceStateChanged(IceServer&, State state) override { states.push_back(state); }
  void sendStun(IceServer&, const StunAddress& tuple, const uint8_t* bytes, size_t size) override {
    sent.push_back({tuple, std::vector<uint8_t>(bytes, bytes + size)});
  }
  std::vector<StunAddress> selected;
  std::vector<State> states;
  std::vector<Sent> sent;
};

struct Request {
  std::string username = "srvU:cliU";
  std::string password = "server-password-0123456";
  bool priority = true;
  bool useCandidate = false;
  bool controlled = false;
  bool fingerprint = true;
  bool integrity = true;
  uint16_t extraAttribute = 0;
};

std::vector<uint8_t> makeRequest(const Request& r, uint8_t txSeed = 1) {
  std::array<uint8_t, 512> buf{};
  TransactionId tx{};
  for (size_t i = 0; i < tx.size(); ++i) tx[i] = static_cast<uint8_t>(txSeed + i);
  StunMessageBuilder b(buf, stun::kMethodBinding, StunClass::Request, tx);
  if (!r.username.empty()) b.addUsername(r.username);
  if (r.priority) b.addPriority(0x6e0001ff);
  if (r.controlled) {
    b.addIceControlled(42);
  } else {
    b.addIceControlling(42);
  }
  if (r.useCandidate) b.addUseCandidate();
  if (r.extraAttribute) b.addAttribute(r.extraAttribute, std::span<const uint8_t>());
  if (r.integrity) b.addMessageIntegrity(r.password);
  if (r.fingerprint) b.addFingerprint();
  const size_t n = b.finish();
  EXPECT_GT(n, 0u);
  return {buf.begin(), buf.begin() + n};
}

class IceServerTest : public ::testing::Test {
 protected:
  IceServer::Config config() {
    IceServer::Config c;
    c.localUfrag = "srvU";
    c.localPwd = "server-password-0123456";
    c.remoteUfrag = "cliU";
    return c;
  }

  Outcome send(IceServer& server, const Request& r, const StunAddress& from, int64_t nowMs) {
    const auto bytes = makeRequest(r);
    return server.handleStun(bytes.data(), bytes.size(), from, nowMs);
  }

  StunMessage lastResponse() {
    last_ = listener.sent.back().bytes;
    StunMessage msg;
    EXPECT_EQ(StunMessage::parse(last_.data(), last_.size(), msg), StunError::None);
    return msg;
  }

  RecordingListener listener;
  const StunAddress a = StunAddress::v4({192, 0, 2, 10}, 50000);
  const StunAddress b = StunAddress::v6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 50001);
  std::vector<uint8_t> last_;
};

TEST_F(IceServerTest, AnswersAValidCheckWithSignedMappedAddress) {
  IceServer server(listener, config());
  EXPECT_EQ(server.state(), State::New);
  EXPECT_EQ(send(server, {}, a, 1000), Outcome::Answered);
  ASSERT_EQ(listener.sent.size(), 1u);
  EXPECT_EQ(listener.sent[0].tuple, a);
  const StunMessage resp = lastResponse();
  EXPECT_EQ(resp.messageClass(), StunClass::SuccessResponse);
  EXPECT_EQ(*resp.xorMappedAddress(), a);
  EXPECT_TRUE(resp.verifyMessageIntegrity("server-password-0123456"));
  EXPECT_TRUE(resp.verifyFingerprint());
  // Same transaction id as the request.
  const auto req = makeRequest({});
  EXPECT_TRUE(std::equal(req.begin() + 8, req.begin() + 20, listener.sent[0].bytes.begin() + 8));

  EXPECT_EQ(server.state(), State::Connected);
  EXPECT_EQ(listener.states, std::vector<State>{State::Connected});
  ASSERT_TRUE(server.selectedTuple());
  EXPECT_EQ(*server.selectedTuple(), a);
  EXPECT_FALSE(server.nominated());
  EXPECT_TRUE(server.hasTuple(a));
}

TEST_F(IceServerTest, UseCandidateNominatesAndCompletes) {
  IceServer server(listener, config());
  ASSERT_EQ(send(server, {}, a, 0), Outcome::Answered);
  Request nominate;
  nominate.useCandidate = true;
  ASSERT_EQ(send(server, nominate, b, 10), Outcome::Answered);
  EXPECT_EQ(server.state(), State::Completed);
  EXPECT_TRUE(server.nominated());
  EXPECT_EQ(*server.selectedTuple(), b);
  EXPECT_EQ(listener.selected, (std::vector<StunAddress>{a, b}));
  EXPECT_EQ(listener.states, (std::vector<State>{State::Connected, State::Completed}));
  EXPECT_EQ(*lastResponse().xorMappedAddress(), b);

  // Later plain checks from another tuple do not move the nominated one.
  ASSERT_EQ(send(server, {}, a, 20), Outcome::Answered);
  EXPECT_EQ(*server.selectedTuple(), b);
  EXPECT_EQ(server.state(), State::Completed);
}

TEST_F(IceServerTest, AggressiveNominationGoesStraightToCompleted) {
  IceServer server(listener, config());
  Request nominate;
  nominate.useCandidate = true;
  ASSERT_EQ(send(server, nominate, a, 0), Outcome::Answered);
  EXPECT_EQ(listener.states, std::vector<State>{State::Completed});
}

TEST_F(IceServerTest, WrongPasswordGets401WithoutIntegrity) {
  IceServer server(listener, config());
  Request wrong;
  wrong.password = "not-the-password";
  EXPECT_EQ(send(server, wrong, a, 0), Outcome::Unauthorized);
  const StunMessage resp = lastResponse();
  EXPECT_EQ(resp.messageClass(), StunClass::ErrorResponse);
  EXPECT_EQ(resp.errorCode()->code, 401);
  EXPECT_FALSE(resp.hasMessageIntegrity());
  EXPECT_TRUE(resp.verifyFingerprint());
  EXPECT_EQ(server.state(), State::New);
  EXPECT_FALSE(server.selectedTuple());
  EXPECT_FALSE(server.hasTuple(a));
}

TEST_F(IceServerTest, WrongUsernameGets401) {
  IceServer server(listener, config());
  Request wrong;
  wrong.username = "srvU:someoneElse";
  EXPECT_EQ(send(server, wrong, a, 0), Outcome::Unauthorized);
  EXPECT_EQ(lastResponse().errorCode()->code, 401);
  EXPECT_EQ(server.state(), State::New);
}

TEST_F(IceServerTest, MissingCredentialsOrPriorityGet400) {
  IceServer server(listener, config());
  Request noUser;
  noUser.username.clear();
  EXPECT_EQ(send(server, noUser, a, 0), Outcome::BadRequest);
  EXPECT_EQ(lastResponse().errorCode()->code, 400);
  Request noMi;
  noMi.integrity = false;
  EXPECT_EQ(send(server, noMi, a, 0), Outcome::BadRequest);
  Request noFp;
  noFp.fingerprint = false;
  EXPECT_EQ(send(server, noFp, a, 0), Outcome::BadRequest);
  Request noPriority;
  noPriority.priority = false;
  EXPECT_EQ(send(server, noPriority, a, 0), Outcome::BadRequest);
  EXPECT_EQ(lastResponse().errorCode()->code, 400);
  EXPECT_EQ(server.state(), State::New);
}

TEST_F(IceServerTest, ControlledPeerGetsSigned487) {
  IceServer server(listener, config());
  Request controlled;
  controlled.controlled = true;
  EXPECT_EQ(send(server, controlled, a, 0), Outcome::RoleConflict);
  const StunMessage resp = lastResponse();
  EXPECT_EQ(resp.errorCode()->code, 487);
  EXPECT_TRUE(resp.verifyMessageIntegrity("server-password-0123456"));
  EXPECT_EQ(server.state(), State::New);
}

TEST_F(IceServerTest, UnknownRequiredAttributeGets420) {
  IceServer server(listener, config());
  Request odd;
  odd.extraAttribute = 0x0077;
  EXPECT_EQ(send(server, odd, a, 0), Outcome::UnknownAttribute);
  const StunMessage resp = lastResponse();
  EXPECT_EQ(resp.errorCode()->code, 420);
  const auto* unknown = resp.find(stun::kAttrUnknownAttributes);
  ASSERT_NE(unknown, nullptr);
  ASSERT_EQ(unknown->value.size(), 2u);
  EXPECT_EQ(unknown->value[1], 0x77);
}

TEST_F(IceServerTest, DropsGarbageBadFingerprintAndNonRequests) {
  IceServer server(listener, config());
  const std::array<uint8_t, 5> garbage{1, 2, 3, 4, 5};
  EXPECT_EQ(server.handleStun(garbage.data(), garbage.size(), a, 0), Outcome::Dropped);
  auto bytes = makeRequest({});
  bytes.back() ^= 0xFF;
  EXPECT_EQ(server.handleStun(bytes.data(), bytes.size(), a, 0), Outcome::Dropped);

  std::array<uint8_t, 64> buf{};
  const size_t n = StunMessageBuilder(buf, stun::kMethodBinding, StunClass::Indication, TransactionId{})
                       .addFingerprint()
                       .finish();
  EXPECT_EQ(server.handleStun(buf.data(), n, a, 0), Outcome::Ignored);
  EXPECT_TRUE(listener.sent.empty());
  EXPECT_EQ(server.state(), State::New);
}

TEST_F(IceServerTest, ConsentTimeoutDisconnectsAndAFreshCheckReconnects) {
  auto c = config();
  c.consentTimeoutMs = 5000;
  IceServer server(listener, c);
  Request nominate;
  nominate.useCandidate = true;
  ASSERT_EQ(send(server, nominate, a, 1000), Outcome::Answered);
  server.tick(5999);
  EXPECT_EQ(server.state(), State::Completed);
  ASSERT_EQ(send(server, {}, a, 5000), Outcome::Answered);  // consent refreshed
  server.tick(9999);
  EXPECT_EQ(server.state(), State::Completed);
  // Checks from a tuple that is not selected do not refresh consent.
  ASSERT_EQ(send(server, {}, b, 9000), Outcome::Answered);
  server.tick(10000);
  EXPECT_EQ(server.state(), State::Disconnected);
  EXPECT_EQ(server.lastConsentMs(), 5000);

  ASSERT_EQ(send(server, {}, a, 12000), Outcome::Answered);
  EXPECT_EQ(server.state(), State::Completed);
  EXPECT_EQ(listener.states, (std::vector<State>{State::Completed, State::Disconnected, State::Completed}));
}

TEST_F(IceServerTest, DefaultConsentTimeoutIsThirtySeconds) {
  IceServer server(listener, config());
  ASSERT_EQ(send(server, {}, a, 0), Outcome::Answered);
  server.tick(29999);
  EXPECT_EQ(server.state(), State::Connected);
  server.tick(30000);
  EXPECT_EQ(server.state(), State::Disconnected);
}

TEST_F(IceServerTest, FailTimeoutAndFailedIsSilentUntilRestart) {
  auto c = config();
  c.consentTimeoutMs = 1000;
  c.failTimeoutMs = 2000;
  IceServer server(listener, c);
  ASSERT_EQ(send(server, {}, a, 0), Outcome::Answered);
  server.tick(1000);
  EXPECT_EQ(server.state(), State::Disconnected);
  server.tick(2999);
  EXPECT_EQ(server.state(), State::Disconnected);
  server.tick(3000);
  EXPECT_EQ(server.state(), State::Failed);
  const size_t sentBefore = listener.sent.size();
  EXPECT_EQ(send(server, {}, a, 3100), Outcome::Dropped);
  EXPECT_EQ(listener.sent.size(), sentBefore);

  server.restart("srv2", "second-password-0123456", "cli2", 4000);
  EXPECT_EQ(server.state(), State::Checking);
  // Old credentials no longer work; new ones do.
  EXPECT_EQ(send(server, {}, a, 4100), Outcome::Unauthorized);
  Request fresh;
  fresh.username = "srv2:cli2";
  fresh.password = "second-password-0123456";
  EXPECT_EQ(send(server, fresh, a, 4200), Outcome::Answered);
  EXPECT_EQ(server.state(), State::Connected);
}

TEST_F(IceServerTest, RestartKeepsSelectedTupleUntilANewNomination) {
  IceServer server(listener, config());
  Request nominate;
  nominate.useCandidate = true;
  ASSERT_EQ(send(server, nominate, a, 0), Outcome::Answered);
  server.restart("srv2", "second-password-0123456", "cli2", 100);
  EXPECT_EQ(server.state(), State::Checking);
  EXPECT_FALSE(server.nominated());
  EXPECT_EQ(*server.selectedTuple(), a);
  Request fresh;
  fresh.username = "srv2:cli2";
  fresh.password = "second-password-0123456";
  fresh.useCandidate = true;
  ASSERT_EQ(send(server, fresh, b, 200), Outcome::Answered);
  EXPECT_EQ(server.state(), State::Completed);
  EXPECT_EQ(*server.selectedTuple(), b);
}

TEST_F(IceServerTest, ExplicitFailure) {
  IceServer server(listener, config());
  ASSERT_EQ(send(server, {}, a, 0), Outcome::Answered);
  server.fail();
  EXPECT_EQ(server.state(), State::Failed);
  EXPECT_EQ(listener.states.back(), State::Failed);
}

TEST_F(IceServerTest, RemembersABoundedNumberOfTuples) {
  IceServer server(listener, config());
  for (uint16_t port = 1; port <= IceServer::kMaxTuples + 3; ++port) {
    ASSERT_EQ(send(server, {}, StunAddress::v4({10, 0, 0, 1}, port), 0), Outcome::Answered);
  }
  EXPECT_FALSE(server.hasTuple(StunAddress::v4({10, 0, 0, 1}, 1)));
  EXPECT_TRUE(server.hasTuple(StunAddress::v4({10, 0, 0, 1}, IceServer::kMaxTuples + 3)));
}

TEST(IceServerStateTest, TransitionTable) {
  EXPECT_TRUE(IceServer::canTransition(State::New, State::Connected));
  EXPECT_TRUE(IceServer::canTransition(State::Connected, State::Completed));
  EXPECT_TRUE(IceServer::canTransition(State::Completed, State::Disconnected));
  EXPECT_TRUE(IceServer::canTransition(State::Disconnected, State::Completed));
  EXPECT_TRUE(IceServer::canTransition(State::Failed, State::Checking));
  EXPECT_FALSE(IceServer::canTransition(State::Completed, State::Connected));
  EXPECT_FALSE(IceServer::canTransition(State::Failed, State::Connected));
  EXPECT_FALSE(IceServer::canTransition(State::New, State::Disconnected));
  EXPECT_FALSE(IceServer::canTransition(State::Completed, State::New));
  EXPECT_STREQ(IceServer::toString(State::Completed), "completed");
}

}  // namespace
}  // namespace rooms::ice
