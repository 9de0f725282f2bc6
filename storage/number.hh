// Number: DynamoDB's decimal number type.
//
// DynamoDB numbers have up to 38 significant digits and a magnitude between
// 1E-130 and 9.9999999999999999999999999999999999999E+125 (positive or
// negative), or are zero.  See
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
// They are compared and added exactly, never through double.
//
// Representation: sign, a digit string without leading or trailing zeros
// (1..38 digits, empty for zero) and an exponent such that
//   value = (-1)^negative * 0.d1d2d3... * 10^exponent
// i.e. the decimal point sits before the first digit.
//
// Thread-safety: a Number is a plain value; const methods are safe to call
// concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ddbd {

class Number {
 public:
  // Zero.
  Number() = default;

  // Limits, in terms of the representation above: 1..38 digits and an
  // exponent in [kMinExponent, kMaxExponent], i.e. 1E-130 <= |v| < 1E+126.
  static constexpr int kMaxDigits = 38;
  static constexpr int kMinExponent = -129;  // 0.1E-129 == 1E-130
  static constexpr int kMaxExponent = 126;   // 0.99..9E+126 < 1E+126

  // Parses DynamoDB's number syntax: optional sign ('+' or '-'), digits with
  // an optional '.' (".5" and "5." are accepted, a lone "." is not),
  // optional exponent (e/E, optional sign, at least one digit).  Leading and
  // trailing whitespace, "NaN", "Infinity" and hex are NOT accepted.  Zero
  // with any exponent ("0e1000", "-0.0") is zero.  On failure returns nullopt
  // and, when `error` is non-null, stores DynamoDB's message, checked in this
  // order (dynalite validations/index.js checkNum, whose tests run against
  // AWS):
  //   - empty text: "The parameter cannot be converted to a numeric value"
  //   - not a number at all: "The parameter cannot be converted to a numeric value: <text>"
  //   - magnitude too large: "Number overflow. Attempting to store a number with magnitude larger than supported range"
  //   - magnitude too small (non-zero): "Number underflow. Attempting to store a number with magnitude smaller than supported range"
  //   - more than 38 significant digits (counted after stripping leading
  //     and trailing zeros):
  //     "Attempting to store more than 38 significant digits in a Number"
  static std::optional<Number> parse(std::string_view text, std::string* error = nullptr);

  // Canonical text as DynamoDB returns it: no exponent notation, no trailing
  // zeros after the decimal point, no leading zeros, "-" for negatives,
  // "0" for zero.  Examples: "1.50" -> "1.5", "1E+2" -> "100", "-0.0" -> "0",
  // "0.0001" -> "0.0001", "1e-5" -> "0.00001".
  std::string to_string() const;

  // Exact total order: -1, 0, +1.
  int compare(const Number& other) const;
  bool operator==(const Number& o) const { return compare(o) == 0; }
  bool operator<(const Number& o) const { return compare(o) < 0; }

  // Exact arithmetic: the exact sum/difference, never rounded.  When it is
  // not storable (|result| >= 1E+126, non-zero |result| < 1E-130, or more
  // than 38 significant digits) returns nullopt and sets `error` (if
  // non-null) to "Number overflow. Attempting to store a number with
  // magnitude larger than supported range" in ALL three cases: DynamoDB
  // reports the overflow text even for a result that is too precise
  // (1E+50 - 1; measured against AWS in ScyllaDB's
  // test/alternator/test_number.py, test_update_expression_plus_imprecise)
  // or too small (floci DynamoDbNumberUtils.checkArithmeticResult).
  std::optional<Number> add(const Number& other, std::string* error = nullptr) const;
  std::optional<Number> subtract(const Number& other, std::string* error = nullptr) const;

  bool is_zero() const { return digits_.empty(); }
  bool negative() const { return negative_; }
  // Significant digits (no leading/trailing zeros); empty for zero.
  const std::string& digits() const { return digits_; }
  int exponent() const { return exponent_; }

  // Appends an order-preserving byte encoding: for numbers a < b,
  // encode(a) < encode(b) bytewise (memcmp, shorter-is-smaller), and equal
  // numbers encode identically.  Self-delimiting is NOT guaranteed; use only
  // as the last component of a key.  Layout: see number.cc.  The bytes are
  // stored in keys on disk: the layout is frozen.
  void encode_ordered(std::string& out) const;
  // Inverse of encode_ordered over the whole input; nullopt if malformed.
  static std::optional<Number> decode_ordered(std::string_view bytes);

  // Size in bytes by DynamoDB's documented item-size rule, "1 byte per two
  // significant digits + 1 byte" with leading and trailing zeros trimmed
  // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
  // (digits().size() + 1) / 2 + 1, so zero is 1 byte and 38 digits are 20.
  std::size_t size_bytes() const;

 private:
  // Takes already-normalised parts (see the class comment); no checks.
  Number(bool negative, std::string digits, int exponent)
      : negative_(negative), digits_(std::move(digits)), exponent_(exponent) {}
  // Exact a + b, or a - b when `negate_b`; see add().
  static std::optional<Number> add_signed(const Number& a, const Number& b, bool negate_b, std::string* error);

  bool negative_ = false;
  std::string digits_;  // '0'..'9', no leading or trailing '0'
  int exponent_ = 0;    // value = 0.digits * 10^exponent_
};

}  // namespace ddbd
