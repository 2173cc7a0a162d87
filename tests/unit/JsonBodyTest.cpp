#include <gtest/gtest.h>

#include <string>

#include "api/ApiError.h"
#include "api/JsonBody.h"

using namespace rooms;

namespace {
std::string errorCode(std::string_view text) {
  try {
    parseJsonText(text);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400u);
    return e.code();
  }
  return "";
}
}  // namespace

TEST(JsonBody, ParsesValidJson) {
  EXPECT_EQ(parseJsonText(R"({"a":[1,2,{"b":null}]})")["a"][2]["b"], nullptr);
}

TEST(JsonBody, SyntaxErrorsAreBadRequests) {
  EXPECT_EQ(errorCode("{\"a\":"), "invalid_json");
  EXPECT_EQ(errorCode(""), "invalid_json");
  EXPECT_EQ(errorCode("{'a':1}"), "invalid_json");
}

TEST(JsonBody, NumbersTooLargeForADoubleAreBadRequestsNotServerErrors) {
  // Found by create_room_request_fuzz: nlohmann reports these as out_of_range, not parse_error.
  EXPECT_EQ(errorCode("[4e3456789]"), "invalid_json");
  EXPECT_EQ(errorCode(R"({"maxDuration": 1e400})"), "invalid_json");
}

TEST(JsonBody, NestingIsLimited) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_EQ(errorCode(deep), "invalid_json");
  std::string ok(30, '[');
  ok += std::string(30, ']');
  EXPECT_NO_THROW(parseJsonText(ok));
}

TEST(JsonBody, RejectUnknownFieldsNamesTheField) {
  try {
    rejectUnknownFields(nlohmann::json{{"roomId", 1}, {"bogus", 2}}, {"roomId"}, "config");
    FAIL() << "accepted an unknown field";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "unknown_field");
    EXPECT_NE(std::string(e.what()).find("config.bogus"), std::string::npos);
  }
}

TEST(JsonBody, TheWholeBodyMustParse) {
  // The parser stops at a NUL as at the end of its input; a valid object before one is not the body.
  EXPECT_EQ(errorCode(std::string_view("{\"a\":1}\0garbage", 15)), "invalid_json");
  EXPECT_EQ(errorCode(std::string_view("{\"a\":1}\0", 8)), "invalid_json");
  EXPECT_EQ(errorCode("{\"a\":1} {\"b\":2}"), "invalid_json");
  EXPECT_EQ(errorCode("{\"a\":1}garbage"), "invalid_json");
  EXPECT_EQ(parseJsonText("{\"a\":\"\\u0000\"}")["a"].get<std::string>(), std::string(1, '\0'));
}
