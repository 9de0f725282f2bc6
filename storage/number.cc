// Number: parsing, canonical text, exact comparison and arithmetic, and the
// order-preserving key encoding.  Everything works on decimal digit strings;
// there are no floating-point types in this file.
#include "storage/number.hh"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ddbd {

namespace {

// DynamoDB's messages.  Sources: dynalite validations/index.js checkNum and
// its tests (test/getItem.js, test/batchWriteItem.js), which run against AWS;
// ScyllaDB test/alternator/test_number.py for arithmetic (see add()).
constexpr std::string_view kNotNumeric = "The parameter cannot be converted to a numeric value";
constexpr std::string_view kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr std::string_view kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
constexpr std::string_view kTooPrecise = "Attempting to store more than 38 significant digits in a Number";

// Exponent digits beyond this are not accumulated: any non-zero number with
// such an exponent is out of range anyway, and zero stays zero.
constexpr int64_t kExponentClamp = int64_t{1} << 40;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void set_error(std::string* error, std::string_view message) {
  if (error) error->assign(message);
}

// Compares two magnitudes 0.a * 10^ea and 0.b * 10^eb (both non-zero,
// normalised).  Digit strings without trailing zeros compare correctly as
// strings: a proper prefix is the smaller value.
int compare_magnitude(const std::string& a, int ea, const std::string& b, int eb) {
  if (ea != eb) return ea < eb ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

std::optional<Number> Number::parse(std::string_view text, std::string* error) {
  if (text.empty()) {
    set_error(error, kNotNumeric);
    return std::nullopt;
  }
  auto not_numeric = [&]() -> std::optional<Number> {
    if (error) {
      error->assign(kNotNumeric);
      error->append(": ");
      error->append(text);
    }
    return std::nullopt;
  };

  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  // Mantissa: int digits [int_begin, int_end), fraction digits after '.'.
  std::size_t int_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  std::size_t int_end = i;
  std::size_t frac_begin = i, frac_end = i;
  if (i < text.size() && text[i] == '.') {
    ++i;
    frac_begin = i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) return not_numeric();

  int64_t exp10 = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    std::size_t exp_begin = i;
    while (i < text.size() && is_digit(text[i])) {
      if (exp10 < kExponentClamp) exp10 = exp10 * 10 + (text[i] - '0');
      ++i;
    }
    if (i == exp_begin) return not_numeric();
    if (exp_negative) exp10 = -exp10;
  }
  if (i != text.size()) return not_numeric();

  // All mantissa digits in order; the decimal point sits after the
  // (int_end - int_begin)-th of them.
  std::string all;
  all.reserve((int_end - int_begin) + (frac_end - frac_begin));
  all.append(text.substr(int_begin, int_end - int_begin));
  all.append(text.substr(frac_begin, frac_end - frac_begin));
  std::size_t first = all.find_first_not_of('0');
  if (first == std::string::npos) return Number();  // zero, whatever its sign or exponent
  std::size_t last = all.find_last_not_of('0');

  // value = 0.<all> * 10^(int digits + exp10); dropping `first` leading
  // zeros moves the point left by `first`.
  int64_t exponent = static_cast<int64_t>(int_end - int_begin) - static_cast<int64_t>(first) + exp10;
  if (exponent > kMaxExponent) {
    set_error(error, kOverflow);
    return std::nullopt;
  }
  if (exponent < kMinExponent) {
    set_error(error, kUnderflow);
    return std::nullopt;
  }
  std::size_t count = last - first + 1;
  if (count > static_cast<std::size_t>(kMaxDigits)) {
    set_error(error, kTooPrecise);
    return std::nullopt;
  }
  return Number(negative, all.substr(first, count), static_cast<int>(exponent));
}

std::string Number::to_string() const {
  if (is_zero()) return "0";
  std::string out;
  if (negative_) out.push_back('-');
  const int n = static_cast<int>(digits_.size());
  if (exponent_ <= 0) {
    // 0.000ddd
    out.append("0.");
    out.append(static_cast<std::size_t>(-exponent_), '0');
    out.append(digits_);
  } else if (exponent_ < n) {
    // dd.ddd
    out.append(digits_, 0, static_cast<std::size_t>(exponent_));
    out.push_back('.');
    out.append(digits_, static_cast<std::size_t>(exponent_), std::string::npos);
  } else {
    // ddd000
    out.append(digits_);
    out.append(static_cast<std::size_t>(exponent_ - n), '0');
  }
  return out;
}

int Number::compare(const Number& other) const {
  // Sign classes: -1 negative, 0 zero, +1 positive.
  int sa = is_zero() ? 0 : (negative_ ? -1 : 1);
  int sb = other.is_zero() ? 0 : (other.negative_ ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int m = compare_magnitude(digits_, exponent_, other.digits_, other.exponent_);
  return sa > 0 ? m : -m;
}

// Digit i of 0.d1d2... * 10^e has place value 10^(e - 1 - i), so a number
// occupies places [e - len, e).  Both operands are in range, so places lie
// within [-129 - 38, 126): at most 293 columns of schoolbook arithmetic.
std::optional<Number> Number::add_signed(const Number& a, const Number& b, bool negate_b, std::string* error) {
  const bool b_neg = b.negative_ != negate_b;
  if (b.is_zero()) return a;
  if (a.is_zero()) return Number(b_neg, b.digits_, b.exponent_);

  const int lo = std::min(a.exponent_ - static_cast<int>(a.digits_.size()), b.exponent_ - static_cast<int>(b.digits_.size()));
  const int hi = std::max(a.exponent_, b.exponent_);
  // col[k] is the digit at place lo + k; one spare column for a carry.
  std::vector<int> ca(static_cast<std::size_t>(hi - lo + 1), 0), cb(ca.size(), 0);
  auto fill = [lo](std::vector<int>& col, const Number& n) {
    for (std::size_t i = 0; i < n.digits_.size(); ++i)
      col[static_cast<std::size_t>(n.exponent_ - 1 - static_cast<int>(i) - lo)] = n.digits_[i] - '0';
  };
  fill(ca, a);
  fill(cb, b);

  std::vector<int> r(ca.size(), 0);
  bool result_neg = a.negative_;
  if (a.negative_ == b_neg) {
    int carry = 0;
    for (std::size_t k = 0; k < r.size(); ++k) {
      int s = ca[k] + cb[k] + carry;
      r[k] = s % 10;
      carry = s / 10;
    }
  } else {
    // Subtract the smaller magnitude from the larger; the result takes the
    // sign of the larger.
    int m = compare_magnitude(a.digits_, a.exponent_, b.digits_, b.exponent_);
    if (m == 0) return Number();
    const std::vector<int>& big = m > 0 ? ca : cb;
    const std::vector<int>& small = m > 0 ? cb : ca;
    result_neg = m > 0 ? a.negative_ : b_neg;
    int borrow = 0;
    for (std::size_t k = 0; k < r.size(); ++k) {
      int s = big[k] - small[k] - borrow;
      borrow = s < 0 ? 1 : 0;
      r[k] = s + 10 * borrow;
    }
  }

  std::size_t top = r.size();
  while (top > 0 && r[top - 1] == 0) --top;
  if (top == 0) return Number();
  std::size_t bottom = 0;
  while (r[bottom] == 0) ++bottom;
  const int exponent = lo + static_cast<int>(top);
  const std::size_t count = top - bottom;
  // DynamoDB answers every unstorable arithmetic result with the overflow
  // text, even a too-precise or too-small one (see the header).
  if (exponent > kMaxExponent || exponent < kMinExponent || count > static_cast<std::size_t>(kMaxDigits)) {
    set_error(error, kOverflow);
    return std::nullopt;
  }
  std::string digits;
  digits.reserve(count);
  for (std::size_t k = top; k > bottom; --k) digits.push_back(static_cast<char>('0' + r[k - 1]));
  return Number(result_neg, std::move(digits), exponent);
}

std::optional<Number> Number::add(const Number& other, std::string* error) const {
  return add_signed(*this, other, false, error);
}

std::optional<Number> Number::subtract(const Number& other, std::string* error) const {
  return add_signed(*this, other, true, error);
}

// Order-preserving encoding (frozen: these bytes are keys on disk).
//
//   zero:      +------+
//              | 0x02 |
//              +------+
//   positive:  +------+-----------------+--------------------------+
//              | 0x03 | exponent + 129  | digit pairs, 1 byte each |
//              +------+-----------------+--------------------------+
//   negative:  +------+-----------------+--------------------------+------+
//              | 0x01 | 126 - exponent  | 255 - (digit pair byte)  | 0xFF |
//              +------+-----------------+--------------------------+------+
//
// - The class byte orders negatives < zero < positives.
// - exponent is the class's exponent_ (value = 0.d1d2... * 10^exponent), in
//   [-129, 126], so exponent + 129 fills 0..255 exactly.  For equal signs a
//   larger exponent is a larger magnitude.
// - Digits are packed two per byte as d1 * 10 + d2 + 1 (1..100); an odd
//   count is padded with a 0 digit.  Digit strings never end in 0, so the
//   padding is unambiguous, and for equal exponents a proper prefix is the
//   smaller magnitude, which matches memcmp's shorter-is-smaller.
// - Negatives invert the exponent and digit bytes (digit bytes become
//   155..254) so that larger magnitudes sort first, and end with 0xFF, which
//   is above every inverted digit byte: a magnitude that is a proper prefix
//   of another (smaller, so the larger negative number) then sorts after it.
// At most 1 + 1 + 19 + 1 = 22 bytes.
namespace {
constexpr unsigned char kClassNegative = 0x01;
constexpr unsigned char kClassZero = 0x02;
constexpr unsigned char kClassPositive = 0x03;
constexpr unsigned char kNegativeEnd = 0xFF;
}  // namespace

void Number::encode_ordered(std::string& out) const {
  if (is_zero()) {
    out.push_back(static_cast<char>(kClassZero));
    return;
  }
  out.push_back(static_cast<char>(negative_ ? kClassNegative : kClassPositive));
  unsigned exp_byte = static_cast<unsigned>(exponent_ - kMinExponent);
  out.push_back(static_cast<char>(negative_ ? 255 - exp_byte : exp_byte));
  for (std::size_t i = 0; i < digits_.size(); i += 2) {
    unsigned d1 = static_cast<unsigned>(digits_[i] - '0');
    unsigned d2 = i + 1 < digits_.size() ? static_cast<unsigned>(digits_[i + 1] - '0') : 0;
    unsigned b = d1 * 10 + d2 + 1;
    out.push_back(static_cast<char>(negative_ ? 255 - b : b));
  }
  if (negative_) out.push_back(static_cast<char>(kNegativeEnd));
}

std::optional<Number> Number::decode_ordered(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  auto at = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
  const unsigned char cls = at(0);
  if (cls == kClassZero) return bytes.size() == 1 ? std::optional<Number>(Number()) : std::nullopt;
  if (cls != kClassPositive && cls != kClassNegative) return std::nullopt;
  const bool negative = cls == kClassNegative;
  std::size_t end = bytes.size();
  if (negative) {
    if (end < 4 || at(end - 1) != kNegativeEnd) return std::nullopt;
    --end;
  } else if (end < 3) {
    return std::nullopt;
  }
  if (end - 2 > static_cast<std::size_t>((kMaxDigits + 1) / 2)) return std::nullopt;
  unsigned exp_byte = negative ? 255u - at(1) : at(1);
  int exponent = static_cast<int>(exp_byte) + kMinExponent;

  std::string digits;
  for (std::size_t i = 2; i < end; ++i) {
    unsigned b = negative ? 255u - at(i) : at(i);
    if (b < 1 || b > 100) return std::nullopt;
    digits.push_back(static_cast<char>('0' + (b - 1) / 10));
    digits.push_back(static_cast<char>('0' + (b - 1) % 10));
  }
  // Only the final 0 may be padding; the result must be normalised.
  if (digits.back() == '0') digits.pop_back();
  if (digits.front() == '0' || digits.back() == '0') return std::nullopt;
  return Number(negative, std::move(digits), exponent);
}

// "1 byte per two significant digits + 1 byte", rounding the half byte up:
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
std::size_t Number::size_bytes() const { return (digits_.size() + 1) / 2 + 1; }

}  // namespace ddbd
