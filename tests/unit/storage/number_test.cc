#include "storage/number.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace ddbd {
namespace {

// DynamoDB's exact messages (dynalite validations/index.js checkNum and its
// AWS-run tests; ScyllaDB test/alternator/test_number.py for arithmetic).
const std::string kNotNumeric = "The parameter cannot be converted to a numeric value";
const std::string kOverflow = "Number overflow. Attempting to store a number with magnitude larger than supported range";
const std::string kUnderflow = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
const std::string kTooPrecise = "Attempting to store more than 38 significant digits in a Number";

std::string zeros(std::size_t n) { return std::string(n, '0'); }

Number num(const std::string& s) {
  auto n = Number::parse(s);
  EXPECT_TRUE(n) << s;
  return n ? *n : Number();
}

std::string encode(const Number& n) {
  std::string out;
  n.encode_ordered(out);
  return out;
}

TEST(NumberTest, ParsesAndCanonicalises) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"+0", "0"},
      {"0.0", "0"},
      {"-0.0", "0"},
      {"000", "0"},
      {".0", "0"},
      {"0.", "0"},
      {"0e1000", "0"},
      {"-0E-99999999999999999999", "0"},
      {"1", "1"},
      {"+5", "5"},
      {"+1.5", "1.5"},
      {"+1e2", "100"},
      {"-7", "-7"},
      {"1.50", "1.5"},
      {"1E+2", "100"},
      {"1e2", "100"},
      {"1.5E+3", "1500"},
      {"0.0001", "0.0001"},
      {"1e-5", "0.00001"},
      {"-0.5", "-0.5"},
      {"123e-2", "1.23"},
      {".123", "0.123"},
      {"5.", "5"},
      {"1.e1", "10"},
      {"0001.23", "1.23"},
      {"-7.1234", "-7.1234"},
      {"-17e5", "-1700000"},
      {"-17.4E37", "-174" + zeros(36)},
      {"1E0", "1"},
      {"1e+0", "1"},
      {"1e-0", "1"},
      {"1e000", "1"},
      {"10e-1", "1"},
      {"100e-2", "1"},
      {"0.01E+2", "1"},
      {".001e3", "1"},
      {"12.34", "12.34"},
      {"-120.0500", "-120.05"},
      // 1 followed by 42 zeros: one significant digit.
      {"1" + zeros(42), "1" + zeros(42)},
      {zeros(50) + "1", "1"},
      {"1." + zeros(50), "1"},
      {"1" + zeros(50) + "e-50", "1"},
      // Range edges.
      {"1E-130", "0." + zeros(129) + "1"},
      {"-1E-130", "-0." + zeros(129) + "1"},
      {"0.1E-129", "0." + zeros(129) + "1"},
      {"1e125", "1" + zeros(125)},
      {"9.9999999999999999999999999999999999999E+125", std::string(38, '9') + zeros(88)},
      {"-9.9999999999999999999999999999999999999E+125", "-" + std::string(38, '9') + zeros(88)},
      // Exactly 38 significant digits, with zeros around them.
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345678"},
      {"000.00012345678901234567890123456789012345678000", "0.00012345678901234567890123456789012345678"},
      {"3.1415926535897932384626433832795028841", "3.1415926535897932384626433832795028841"},
      {"31415926535897932384626433832795028841e30", "31415926535897932384626433832795028841" + zeros(30)},
  };
  for (const auto& c : cases) {
    std::string err;
    auto n = Number::parse(c.in, &err);
    ASSERT_TRUE(n) << c.in << ": " << err;
    EXPECT_EQ(n->to_string(), c.out) << c.in;
    // Canonical text parses back to the same value and text.
    auto again = Number::parse(n->to_string());
    ASSERT_TRUE(again) << c.out;
    EXPECT_EQ(again->to_string(), c.out);
    EXPECT_EQ(again->compare(*n), 0);
  }
}

TEST(NumberTest, NormalisedRepresentation) {
  Number z = num("-0.000");
  EXPECT_TRUE(z.is_zero());
  EXPECT_FALSE(z.negative());
  EXPECT_EQ(z.digits(), "");
  Number n = num("-0012.3400e1");
  EXPECT_TRUE(n.negative());
  EXPECT_EQ(n.digits(), "1234");
  EXPECT_EQ(n.exponent(), 3);  // -0.1234e3 = -123.4
  EXPECT_EQ(n.to_string(), "-123.4");
  EXPECT_TRUE(Number().is_zero());
  EXPECT_EQ(Number().to_string(), "0");
}

TEST(NumberTest, RejectsWithDynamoDbMessages) {
  struct Case {
    std::string in, message;
  };
  auto bad = [](const std::string& s) { return kNotNumeric + ": " + s; };
  const std::vector<Case> cases = {
      {"", kNotNumeric},  // empty: no ": <text>" suffix (dynalite test: {N: ''})
      {" ", bad(" ")},
      {" 1", bad(" 1")},
      {"1 ", bad("1 ")},
      {"\t1", bad("\t1")},
      {"1\n", bad("1\n")},
      {"NaN", bad("NaN")},
      {"-NaN", bad("-NaN")},
      {"Infinity", bad("Infinity")},
      {"-Infinity", bad("-Infinity")},
      {"inf", bad("inf")},
      {"dog", bad("dog")},
      {"-dog", bad("-dog")},
      {"b", bad("b")},
      {"0x10", bad("0x10")},
      {"0X1F", bad("0X1F")},
      {".", bad(".")},
      {"-.", bad("-.")},
      {"-", bad("-")},
      {"+", bad("+")},
      {"1e", bad("1e")},
      {"1E+", bad("1E+")},
      {"1e-", bad("1e-")},
      {"12e", bad("12e")},
      {"e5", bad("e5")},
      {".e1", bad(".e1")},
      {"1.2.3", bad("1.2.3")},
      {"1e5.5", bad("1e5.5")},
      {"1e5e5", bad("1e5e5")},
      {"--1", bad("--1")},
      {"+-1", bad("+-1")},
      {"1,000", bad("1,000")},
      {"1_000", bad("1_000")},
      {"1d", bad("1d")},
      {"1f", bad("1f")},
      {"1L", bad("1L")},
      {std::string("1\0", 2), bad(std::string("1\0", 2))},
      {"\xd9\xa1", bad("\xd9\xa1")},  // ARABIC-INDIC DIGIT ONE
      // Magnitude too large.
      {"1e126", kOverflow},
      {"-1e126", kOverflow},
      {"1E+126", kOverflow},
      {"10E+125", kOverflow},
      {"11e125", kOverflow},
      {"1" + zeros(126), kOverflow},
      {"1e99999999999999999999999999", kOverflow},
      // Magnitude too small.
      {"1e-131", kUnderflow},
      {"-1e-131", kUnderflow},
      {"0.9e-130", kUnderflow},
      {"0.99E-130", kUnderflow},
      {"0." + zeros(130) + "1", kUnderflow},
      {"1e-99999999999999999999999999", kUnderflow},
      // Too many significant digits.
      {"123456789012345678901234567890123456789", kTooPrecise},
      {"-1.23456789012345678901234567890123456789", kTooPrecise},
      {"3.14159265358979323846264338327950288419", kTooPrecise},
      {"314159265358979323846.264338327950288419", kTooPrecise},
      {"314159265358979323846264338327950288419e30", kTooPrecise},
      {"9.99999999999999999999999999999999999999E+125", kTooPrecise},
      {"1" + zeros(37) + "1", kTooPrecise},
      // Range is checked before precision (dynalite checkNum order).
      {"123456789012345678901234567890123456789e200", kOverflow},
      {"123456789012345678901234567890123456789e-200", kUnderflow},
  };
  for (const auto& c : cases) {
    std::string err = "unset";
    auto n = Number::parse(c.in, &err);
    EXPECT_FALSE(n) << c.in << " parsed as " << (n ? n->to_string() : "");
    EXPECT_EQ(err, c.message) << c.in;
    // A null error pointer is allowed.
    EXPECT_FALSE(Number::parse(c.in));
  }
}

TEST(NumberTest, ComparesExactly) {
  struct Case {
    std::string a, b;
    int expected;
  };
  const std::vector<Case> cases = {
      {"0", "0", 0},
      {"0", "-0.0", 0},
      {"1", "1.0", 0},
      {"100", "1e2", 0},
      {"0.5", "5e-1", 0},
      {"-1", "1", -1},
      {"1", "-1", 1},
      {"0", "1e-130", -1},
      {"0", "-1e-130", 1},
      {"-1e-130", "1e-130", -1},
      {"1", "2", -1},
      {"2", "10", -1},
      {"9.99", "10", -1},
      {"10", "9.99", 1},
      {"0.1", "0.15", -1},
      {"0.15", "0.1", 1},
      {"0.1", "0.101", -1},
      {"-0.1", "-0.101", 1},
      {"-0.1", "-0.15", 1},
      {"-2", "-10", 1},
      {"-10", "-2", -1},
      {"1e-5", "1e-4", -1},
      {"-1e-5", "-1e-4", 1},
      {"1e125", "9.9999999999999999999999999999999999999E+125", -1},
      {"-9.9999999999999999999999999999999999999E+125", "9.9999999999999999999999999999999999999E+125", -1},
      {"12345678901234567890123456789012345678", "12345678901234567890123456789012345679", -1},
      {"1.2345678901234567890123456789012345678", "1.2345678901234567890123456789012345677", 1},
      {"1" + zeros(42), "1e42", 0},
      {"123", "123.0000001", -1},
  };
  for (const auto& c : cases) {
    Number a = num(c.a), b = num(c.b);
    EXPECT_EQ(a.compare(b), c.expected) << c.a << " vs " << c.b;
    EXPECT_EQ(b.compare(a), -c.expected) << c.b << " vs " << c.a;
    EXPECT_EQ(a == b, c.expected == 0);
    EXPECT_EQ(a < b, c.expected < 0);
  }
}

TEST(NumberTest, AddsAndSubtractsExactly) {
  const std::string max = "9.9999999999999999999999999999999999999E+125";
  struct Case {
    std::string a;
    char op;
    std::string b;
    std::string expected;  // canonical result, or the error message
    bool ok;
  };
  const std::vector<Case> cases = {
      // ScyllaDB test_update_expression_plus_precision (measured on AWS).
      {"1", '+', "10000000000000000000000", "10000000000000000000001", true},
      {"10000000000000000000000", '-', "1", "9999999999999999999999", true},
      {"0.1", '+', "0.2", "0.3", true},
      {"-0.1", '+', "0.1", "0", true},
      {"1", '-', "1", "0", true},
      {"5", '-', "7", "-2", true},
      {"-5", '-', "-7", "2", true},
      {"-5", '+', "-7", "-12", true},
      {"5", '+', "-7", "-2", true},
      {"-5", '+', "7", "2", true},
      {"0", '+', "-3.5", "-3.5", true},
      {"0", '-', "3.5", "-3.5", true},
      {"0", '-', "-3.5", "3.5", true},
      {"3.5", '-', "0", "3.5", true},
      {"0", '+', "0", "0", true},
      {"9.99", '+', "0.01", "10", true},
      {"1000", '-', "0.001", "999.999", true},
      {"1e-130", '+', "1e-130", "0." + zeros(129) + "2", true},
      {"-1e-130", '+', "1e-130", "0", true},
      {"99999999999999999999999999999999999999", '+', "1", "1" + zeros(38), true},
      {"12345678901234567890123456789012345678", '+', "1", "12345678901234567890123456789012345679", true},
      {"1e125", '+', "1e125", "2" + zeros(125), true},
      {max, '-', max, "0", true},
      {max, '-', "1e88", std::string(37, '9') + "8" + zeros(88), true},
      // Out of range: 9e125 + 9e125 (ScyllaDB test_update_expression_plus_overflow).
      {"9e125", '+', "9e125", kOverflow, false},
      {"9e125", '-', "-9e125", kOverflow, false},
      {"-9e125", '-', "9e125", kOverflow, false},
      {max, '+', "1e125", kOverflow, false},
      {max, '+', "1e88", kOverflow, false},
      {"-" + max, '-', "1e88", kOverflow, false},
      // Too precise: DynamoDB still says "Number overflow" (ScyllaDB
      // test_update_expression_plus_imprecise, measured on AWS).
      {"1e50", '-', "1", kOverflow, false},
      {"1e50", '+', "1", kOverflow, false},
      {"12345678901234567890123456789012345678", '+', "0.1", kOverflow, false},
      {"1e125", '+', "1e-130", kOverflow, false},
      // Too small: also the overflow text.
      {"1.5e-130", '-', "1.4e-130", kOverflow, false},
  };
  for (const auto& c : cases) {
    Number a = num(c.a), b = num(c.b);
    std::string err = "unset";
    auto r = c.op == '+' ? a.add(b, &err) : a.subtract(b, &err);
    if (c.ok) {
      ASSERT_TRUE(r) << c.a << c.op << c.b << ": " << err;
      EXPECT_EQ(r->to_string(), c.expected) << c.a << c.op << c.b;
    } else {
      EXPECT_FALSE(r) << c.a << c.op << c.b << " = " << (r ? r->to_string() : "");
      EXPECT_EQ(err, c.expected) << c.a << c.op << c.b;
      EXPECT_FALSE(c.op == '+' ? a.add(b) : a.subtract(b));  // null error pointer
    }
  }
}

std::string int128_to_string(__int128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  unsigned __int128 u = neg ? static_cast<unsigned __int128>(-v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

__int128 random_int(std::mt19937_64& rng, int max_digits) {
  int n = 1 + static_cast<int>(rng() % static_cast<uint64_t>(max_digits));
  __int128 v = 0;
  for (int i = 0; i < n; ++i) v = v * 10 + static_cast<int>(rng() % 10);
  return rng() & 1 ? -v : v;
}

// Checks add/subtract against 128-bit integer arithmetic on scaled integers
// (A * 10^-k +- B * 10^-k == (A +- B) * 10^-k).
TEST(NumberTest, ArithmeticMatchesIntegerReference) {
  std::mt19937_64 rng(20240611);
  for (int i = 0; i < 5000; ++i) {
    __int128 x = random_int(rng, 30), y = random_int(rng, 30);
    int k = static_cast<int>(rng() % 60);
    auto scaled = [k](__int128 v) { return num(int128_to_string(v) + "e-" + std::to_string(k)); };
    Number a = scaled(x), b = scaled(y);
    auto sum = a.add(b);
    auto diff = a.subtract(b);
    ASSERT_TRUE(sum && diff);
    EXPECT_EQ(sum->compare(scaled(x + y)), 0) << a.to_string() << " + " << b.to_string();
    EXPECT_EQ(diff->compare(scaled(x - y)), 0) << a.to_string() << " - " << b.to_string();
    EXPECT_EQ(sum->to_string(), scaled(x + y).to_string());
    // The sign of a - b is compare(a, b).
    int sign = diff->is_zero() ? 0 : (diff->negative() ? -1 : 1);
    EXPECT_EQ(sign, a.compare(b));
  }
}

Number random_number(std::mt19937_64& rng) {
  if (rng() % 50 == 0) return Number();
  int n = 1 + static_cast<int>(rng() % Number::kMaxDigits);
  // Bias towards a few exponents so that equal exponents and shared digit
  // prefixes are common, but cover the whole range too.
  int exp = rng() % 3 == 0 ? static_cast<int>(rng() % 5) - 2
                           : Number::kMinExponent + static_cast<int>(rng() % (Number::kMaxExponent - Number::kMinExponent + 1));
  std::string digits;
  static const char* kPrefixes[] = {"1", "12", "123", "9", "99", "5"};
  if (rng() % 2) digits = kPrefixes[rng() % 6];
  while (static_cast<int>(digits.size()) < n) digits.push_back(static_cast<char>('0' + rng() % 10));
  digits.resize(std::min<std::size_t>(digits.size(), static_cast<std::size_t>(Number::kMaxDigits)));
  if (digits[0] == '0') digits[0] = '7';
  std::string text = (rng() & 1 ? "-0." : "0.") + digits + "e" + std::to_string(exp);
  auto parsed = Number::parse(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : Number();
}

TEST(NumberTest, OrderedEncodingMatchesCompare) {
  std::mt19937_64 rng(42);
  std::vector<Number> nums;
  for (const char* s : {"0", "-1", "1", "-0.5", "0.5", "10", "9.99", "1E+125", "-1E+125", "1E-130", "-1E-130", "100", "99",
                        "0.1", "0.101", "-0.1", "-0.101", "9.9999999999999999999999999999999999999E+125",
                        "-9.9999999999999999999999999999999999999E+125", "1.1E-130", "0.15"})
    nums.push_back(num(s));
  for (int i = 0; i < 4000; ++i) nums.push_back(random_number(rng));
  // Duplicates, to check that equal numbers encode identically.
  for (int i = 0; i < 200; ++i) nums.push_back(nums[rng() % nums.size()]);

  std::sort(nums.begin(), nums.end(), [](const Number& a, const Number& b) { return a.compare(b) < 0; });
  std::string prev = encode(nums[0]);
  for (std::size_t i = 1; i < nums.size(); ++i) {
    std::string cur = encode(nums[i]);
    if (nums[i - 1].compare(nums[i]) == 0)
      EXPECT_EQ(prev, cur) << nums[i].to_string();
    else
      EXPECT_LT(prev, cur) << nums[i - 1].to_string() << " vs " << nums[i].to_string();
    prev = std::move(cur);
  }
  // std::string's operator< is memcmp order; check memcmp explicitly too.
  for (std::size_t i = 1; i < nums.size(); ++i) {
    std::string a = encode(nums[i - 1]), b = encode(nums[i]);
    int c = std::char_traits<char>::compare(a.data(), b.data(), std::min(a.size(), b.size()));
    EXPECT_TRUE(c < 0 || (c == 0 && a.size() <= b.size()));
  }
}

TEST(NumberTest, OrderedEncodingRoundTrips) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 4000; ++i) {
    Number n = random_number(rng);
    std::string e = encode(n);
    EXPECT_LE(e.size(), 22u);
    auto d = Number::decode_ordered(e);
    ASSERT_TRUE(d) << n.to_string();
    EXPECT_EQ(d->negative(), n.negative());
    EXPECT_EQ(d->digits(), n.digits());
    EXPECT_EQ(d->exponent(), n.exponent());
    EXPECT_EQ(d->to_string(), n.to_string());
  }
}

TEST(NumberTest, OrderedEncodingLayoutIsFrozen) {
  // Golden bytes: the layout is on disk (see number.cc).
  struct Case {
    std::string in, bytes;
  };
  const std::vector<Case> cases = {
      {"0", std::string("\x02", 1)},
      {"1", "\x03\x82\x0b"},                  // exp 1 -> 130; "10" -> 11
      {"-1", "\x01\x7d\xf4\xff"},             // 255-130, 255-11, end
      {"12.3", "\x03\x83\x0d\x1f"},           // exp 2; "12" -> 13, "30" -> 31
      {"1E-130", std::string("\x03\x00\x0b", 3)},  // exp -129 -> 0
      {"9.9999999999999999999999999999999999999E+125",
       "\x03\xff" + std::string(19, '\x64')},  // "99" -> 100
      {"-9.9999999999999999999999999999999999999E+125",
       std::string("\x01\x00", 2) + std::string(19, '\x9b') + "\xff"},
  };
  for (const auto& c : cases) EXPECT_EQ(encode(num(c.in)), c.bytes) << c.in;
  std::string appended = "prefix";
  num("1").encode_ordered(appended);
  EXPECT_EQ(appended, "prefix\x03\x82\x0b");
}

TEST(NumberTest, DecodeRejectsMalformedInput) {
  const std::vector<std::string> cases = {
      "",
      std::string("\x00", 1),
      "\x04",
      std::string("\x02\x00", 2),
      "\x03",
      "\x03\x82",                     // no digits
      std::string("\x03\x82\x00", 3),  // digit byte 0
      "\x03\x82\x65",                 // digit byte 101
      "\x03\x82\x01",                 // "00"
      "\x03\x82\x02",                 // "01": leading zero
      "\x03\x82\x0b\x01",             // "1000": trailing zeros
      "\x03\x82" + std::string(20, '\x0c'),  // 40 digits
      "\x01\x7d\xf4",                 // negative without its end byte
      "\x01\x7d\xff",                 // negative without digits
      "\x01\x7d\xf4\xff\xff",         // trailing garbage
      "\x01\x7d\x10\xff",             // inverted digit byte out of range
  };
  for (const auto& c : cases) EXPECT_FALSE(Number::decode_ordered(c)) << testing::PrintToString(c);
}

TEST(NumberTest, SizeBytesFollowsDocumentedRule) {
  // (significant digits + 1) / 2 + 1, from the CapacityUnitCalculations page.
  struct Case {
    std::string in;
    std::size_t size;
  };
  const std::vector<Case> cases = {
      {"0", 1},
      {"1", 2},
      {"27", 2},
      {"-27", 2},
      {"461", 3},
      {"1e125", 2},
      {"0.001", 2},
      {"1.5", 2},
      {"1" + zeros(42), 2},
      {"12345", 4},
      {"123456", 4},
      {"1234567", 5},
      {"12345678901234567890123456789012345678", 20},
      // dynalite's AWS-run item-size tests: 38 ones then 88 zeros is 20 bytes.
      {std::string(38, '1') + zeros(88), 20},
  };
  for (const auto& c : cases) EXPECT_EQ(num(c.in).size_bytes(), c.size) << c.in;
}

}  // namespace
}  // namespace ddbd
