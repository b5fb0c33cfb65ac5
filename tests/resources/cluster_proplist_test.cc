// The ClusAPI property list wire format: the exact bytes SET_COMMON_PROPERTIES gets for
// DatabaseReadWriteMode = 0, and decoding of the formats a GET answer carries.
#include "resources/cluster_proplist.h"

#include <gtest/gtest.h>

namespace plumb {
namespace {

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PutEntry(std::vector<uint8_t>& out, uint32_t syntax, std::vector<uint8_t> data) {
  Put32(out, syntax);
  Put32(out, static_cast<uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
  while (out.size() % 4) out.push_back(0);
}

TEST(ClusterPropList, EncodesOneDwordExactlyAsDocumented) {
  std::vector<uint8_t> bytes = EncodePropertyList({{"DatabaseReadWriteMode", uint32_t{0}}});
  // count, NAME syntax, 44 bytes of name (21 chars + NUL, already 4-aligned), DWORD syntax, 4, 0, ENDMARK
  ASSERT_EQ(bytes.size(), 4u + 8u + 44u + 8u + 4u + 4u);
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ((std::vector<uint8_t>(bytes.begin() + 4, bytes.begin() + 12)),
            (std::vector<uint8_t>{0x03, 0x00, 0x04, 0x00, 44, 0, 0, 0}));
  EXPECT_EQ(bytes[12], 'D');
  EXPECT_EQ(bytes[13], 0);
  EXPECT_EQ(bytes[12 + 42], 0) << "NUL terminator";
  EXPECT_EQ((std::vector<uint8_t>(bytes.begin() + 56, bytes.end())),
            (std::vector<uint8_t>{0x02, 0x00, 0x01, 0x00, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
}

TEST(ClusterPropList, PadsOddNamesAndRoundTripsStrings) {
  std::vector<ClusterProperty> in = {{"Description", std::string("Hyper-V cluster – Köln")}, {"QuorumArbitrationTimeMax", uint32_t{20}}};
  auto bytes = EncodePropertyList(in);
  EXPECT_EQ(bytes.size() % 4, 0u);
  auto out = DecodePropertyList(bytes);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].name, "Description");
  EXPECT_EQ(std::get<std::string>((*out)[0].value), "Hyper-V cluster – Köln");
  EXPECT_EQ(std::get<uint32_t>((*out)[1].value), 20u);
}

TEST(ClusterPropList, DecodesEveryFormatAGetAnswerCarries) {
  std::vector<uint8_t> b;
  Put32(b, 5);
  auto name = [&](const char* n) { PutEntry(b, kClusPropName, ToUtf16Le(n)); };
  name("SharedVolumesRoot");
  PutEntry(b, 0x00010004, ToUtf16Le("C:\\ClusterStorage"));  // EXPAND_SZ
  PutEntry(b, 0x00010008, ToUtf16Le("C:\\ClusterStorage"));  // EXPANDED_SZ follows it
  Put32(b, kClusPropEndmark);
  name("ClusterLogSize");
  std::vector<uint8_t> large;
  Put32(large, 0x00000000);
  Put32(large, 0x00000001);
  PutEntry(b, 0x00010006, large);  // ULARGE_INTEGER 2^32
  Put32(b, kClusPropEndmark);
  name("AdminAccessPoints");
  std::vector<uint8_t> multi = ToUtf16Le("a");
  auto second = ToUtf16Le("b");
  multi.insert(multi.end(), second.begin(), second.end());
  multi.push_back(0);
  multi.push_back(0);
  PutEntry(b, 0x00010005, multi);  // MULTI_SZ
  Put32(b, kClusPropEndmark);
  name("Security Descriptor");
  PutEntry(b, 0x00010001, {0x01, 0xab, 0x0f});  // BINARY
  Put32(b, kClusPropEndmark);
  name("DatabaseReadWriteMode");
  std::vector<uint8_t> one;
  Put32(one, 1);
  PutEntry(b, kClusPropDword, one);
  Put32(b, kClusPropEndmark);

  auto out = DecodePropertyList(b);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 5u);
  EXPECT_EQ(ToDisplay((*out)[0].value), "C:\\ClusterStorage");
  EXPECT_EQ(ToDisplay((*out)[1].value), "4294967296");
  EXPECT_EQ(ToDisplay((*out)[2].value), "a,b");
  EXPECT_EQ(ToDisplay((*out)[3].value), "01ab0f");
  EXPECT_EQ((*out)[4].name, "DatabaseReadWriteMode");
  EXPECT_EQ(std::get<uint32_t>((*out)[4].value), 1u);
}

TEST(ClusterPropList, LargeIntegerIsFormatTenAndWordIsNot) {
  // CLUSPROP_FORMAT_LARGE_INTEGER is 10 (signed 64-bit); 11 is CLUSPROP_FORMAT_WORD.
  std::vector<uint8_t> b;
  Put32(b, 2);
  PutEntry(b, kClusPropName, ToUtf16Le("Offset"));
  std::vector<uint8_t> minus_five;
  Put32(minus_five, 0xfffffffb);
  Put32(minus_five, 0xffffffff);
  PutEntry(b, 0x0001000a, minus_five);
  Put32(b, kClusPropEndmark);
  PutEntry(b, kClusPropName, ToUtf16Le("Flags"));
  PutEntry(b, 0x0001000b, {0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  Put32(b, kClusPropEndmark);
  auto out = DecodePropertyList(b);
  ASSERT_TRUE(out) << out.error().message;
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ(ToDisplay((*out)[0].value), "-5");
  EXPECT_NE(ToDisplay((*out)[1].value), "4660") << "a WORD entry is not read as a 64-bit integer";
}

TEST(ClusterPropList, MalformedListsNameTheOffset) {
  auto good = EncodePropertyList({{"DatabaseReadWriteMode", uint32_t{0}}});
  EXPECT_EQ(DecodePropertyList({1, 0}).error().message, "malformed cluster property list at byte 0: shorter than its count");
  auto cut = good;
  cut.resize(40);
  EXPECT_EQ(DecodePropertyList(cut).error().message, "malformed cluster property list at byte 4: name runs past the end");
  auto no_end = good;
  no_end.resize(no_end.size() - 4);
  EXPECT_EQ(DecodePropertyList(no_end).error().message,
            "malformed cluster property list at byte 68: property 'DatabaseReadWriteMode' has no end mark");
  auto two = good;
  two[0] = 2;
  EXPECT_EQ(DecodePropertyList(two).error().message,
            "malformed cluster property list at byte 72: truncated before property 2 of 2");
  auto wrong = good;
  wrong[4] = 0x02;
  EXPECT_EQ(DecodePropertyList(wrong).error().message,
            "malformed cluster property list at byte 4: expected a property name entry");
}

TEST(ClusterPropList, Utf16HandlesSurrogatePairs) {
  auto bytes = ToUtf16Le("node-\xF0\x9F\x96\xA5");  // U+1F5A5
  EXPECT_EQ(bytes.size(), (5 + 2 + 1) * 2u);
  EXPECT_EQ(FromUtf16Le(bytes.data(), bytes.size()), "node-\xF0\x9F\x96\xA5");
}

}  // namespace
}  // namespace plumb
