#include <gtest/gtest.h>

#include "rooms/RoomState.h"

using namespace rooms;

TEST(RoomState, AllowsOnlyForwardTransitions) {
  EXPECT_TRUE(canTransition(RoomState::Waiting, RoomState::Ready));
  EXPECT_TRUE(canTransition(RoomState::Waiting, RoomState::Active));
  EXPECT_TRUE(canTransition(RoomState::Ready, RoomState::Active));
  EXPECT_TRUE(canTransition(RoomState::Active, RoomState::Ended));
  EXPECT_TRUE(canTransition(RoomState::Waiting, RoomState::Ended));
  EXPECT_FALSE(canTransition(RoomState::Active, RoomState::Waiting));
  EXPECT_FALSE(canTransition(RoomState::Active, RoomState::Ready));
  EXPECT_FALSE(canTransition(RoomState::Ended, RoomState::Active));
  EXPECT_FALSE(canTransition(RoomState::Ended, RoomState::Ended));
  EXPECT_FALSE(canTransition(RoomState::Ready, RoomState::Waiting));
}

TEST(RoomState, PublicStatusUsesTheSpecVocabulary) {
  EXPECT_EQ(publicStatus(RoomState::Waiting), "waiting");
  EXPECT_EQ(publicStatus(RoomState::Ready), "waiting");
  EXPECT_EQ(publicStatus(RoomState::Active), "active");
  EXPECT_EQ(publicStatus(RoomState::Ended), "ended");
  EXPECT_EQ(roomStateFromString("ready"), RoomState::Ready);
  EXPECT_EQ(roomStateFromString("bogus"), std::nullopt);
}
