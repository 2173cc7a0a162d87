// Signed recording links: valid until they expire, bound to their room and recording.
#include "api/RecordingLink.h"

#include <gtest/gtest.h>

namespace rooms {
namespace {

TEST(RecordingLinkTest, SignedLinkVerifiesUntilItExpires) {
  RecordingLink links("secret");
  const std::string sig = links.sign("room1", "rec_1", 1000);
  EXPECT_EQ(links.verify("room1", "rec_1", "1000", sig, 999), RecordingLink::Check::Valid);
  EXPECT_EQ(links.verify("room1", "rec_1", "1000", sig, 1000), RecordingLink::Check::Valid);
  EXPECT_EQ(links.verify("room1", "rec_1", "1000", sig, 1001), RecordingLink::Check::Expired);
}

TEST(RecordingLinkTest, AnyChangeBreaksTheSignature) {
  RecordingLink links("secret");
  const std::string sig = links.sign("room1", "rec_1", 1000);
  EXPECT_EQ(links.verify("room2", "rec_1", "1000", sig, 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(links.verify("room1", "rec_2", "1000", sig, 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(links.verify("room1", "rec_1", "2000", sig, 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(links.verify("room1", "rec_1", "1000x", sig, 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(links.verify("room1", "rec_1", "", sig, 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(links.verify("room1", "rec_1", "1000", sig.substr(1), 0), RecordingLink::Check::Invalid);
  EXPECT_EQ(RecordingLink("other").verify("room1", "rec_1", "1000", sig, 0), RecordingLink::Check::Invalid);
}

}  // namespace
}  // namespace rooms
