// The PartiQL parser: statement text -> Statement (expressions/partiql.hh).
//
// Two passes, as DynamoDB's own parser (a fork of partiql-lang-kotlin's
// SqlParser) behaves:
//   1. Syntax.  A lexer, then a Pratt (precedence-climbing) parser over the
//      whole PartiQL expression language the statements are written in:
//      SELECT / INSERT / UPDATE / DELETE / FROM-first DML are terms, and any
//      expression may appear where the grammar allows one.  This builds a
//      small private tree (Node).  Every failure here is
//      "Statement wasn't well formed, can't be processed: <detail>", with the
//      details DynamoDB gives ("Unexpected term", "Unexpected keyword",
//      "Unexpected operator", "Missing right-hand side expression of infix
//      operator", "Unexpected token after expression", "Expected identifier
//      for simple path", "Expected type name", "Expected data manipulation",
//      and nothing after the colon for text the lexer cannot read).
//   2. Meaning.  The tree is checked against the subset DynamoDB runs
//      ("Aliasing is not supported", "Other attributes should not be present
//      in the projection when '*' is used.", RETURNING rules, SET_ADD rules,
//      number literals "... under root.x", bags, MISSING outside IS, ...) and
//      translated into the shared expression tree (expressions/ast.hh):
//      WHERE -> Condition, SET/REMOVE -> UpdateExpr, INSERT's VALUE -> Item.
// The '?' count is checked between the two passes.
//
// Reserved words: an unquoted reserved word is a keyword token, so using one
// as a name ("WHERE pad = 'x'") is a syntax error ("Unexpected keyword"); the
// list is PartiQL's (partiql-docs, "PartiQL Reserved Keywords", spec version
// 2019), the keyword set of the partiql-lang-kotlin lexer DynamoDB's parser
// is built on.  (The Developer Guide's "Reserved words" page is the list for
// expressions, not PartiQL: "data" is reserved there and a name here.)
//
// IS NULL: the PartiQL specification (the WHERE clause section) makes NULL
// and MISSING behave identically for IS NULL, so `x IS NULL` holds when x is
// NULL or absent.  We keep that: `x IS NULL` -> attribute_type(x, NULL) OR
// attribute_not_exists(x), and `x IS NOT NULL` is its negation (present and
// not NULL).  DynamoDB's documentation says nothing either way.
//
// Bounds: parentheses, NOT, unary signs, collection literals, calls and
// nested statements count towards kMaxStatementNesting; the height of the
// tree (long operator chains) is bounded by kMaxStatementHeight.  Past either
// the statement is malformed (empty detail): no unbounded recursion.
//
// Thread-safety: no shared mutable state; each call builds its own parser.
#include "expressions/partiql.hh"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "expressions/error.hh"
#include "expressions/parser.hh"
#include "storage/number.hh"

namespace ddbd::expr::partiql {

namespace {

const std::string kMalformed = "Statement wasn't well formed, can't be processed: ";

[[noreturn]] void malformed(std::string_view detail) { throw ExpressionError(kMalformed + std::string(detail)); }
[[noreturn]] void invalid(std::string message) { throw ExpressionError(message); }

const std::string kAliasing = "Aliasing is not supported";
const std::string kMissingIs = "MISSING must be compared using IS operator";
const std::string kBagType = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags";
const std::string kParamCount = "Number of parameters in request and statement don't match.";

// ---- words ----

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// PartiQL's reserved keywords (see the file comment), upper case, sorted.
constexpr std::array<std::string_view, 248> kReserved = {
    "ABSOLUTE", "ACTION", "ADD", "ALL", "ALLOCATE", "ALTER", "AND", "ANY", "ARE", "AS", "ASC", "ASSERTION",
    "AT", "AUTHORIZATION", "AVG", "BEGIN", "BETWEEN", "BIT", "BIT_LENGTH", "BY", "CAN_CAST",
    "CAN_LOSSLESS_CAST", "CASCADE", "CASCADED", "CASE", "CAST", "CATALOG", "CHAR", "CHARACTER",
    "CHARACTER_LENGTH", "CHAR_LENGTH", "CHECK", "CLOSE", "COALESCE", "COLLATE", "COLLATION", "COLUMN",
    "COMMIT", "CONFLICT", "CONNECT", "CONNECTION", "CONSTRAINT", "CONSTRAINTS", "CONTINUE", "CONVERT",
    "CORRESPONDING", "COUNT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
    "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATE", "DATE_ADD", "DATE_DIFF", "DEALLOCATE", "DEC",
    "DECIMAL", "DECLARE", "DEFAULT", "DEFERRABLE", "DEFERRED", "DELETE", "DESC", "DESCRIBE", "DESCRIPTOR",
    "DIAGNOSTICS", "DISCONNECT", "DISTINCT", "DO", "DOMAIN", "DOUBLE", "DROP", "ELSE", "END", "END_EXEC",
    "ESCAPE", "EXCEPT", "EXCEPTION", "EXCLUDED", "EXEC", "EXECUTE", "EXISTS", "EXPLAIN", "EXTERNAL",
    "EXTRACT", "FALSE", "FETCH", "FIRST", "FLOAT", "FOR", "FOREIGN", "FOUND", "FROM", "FULL", "GET",
    "GLOBAL", "GO", "GOTO", "GRANT", "GROUP", "HAVING", "IDENTITY", "IMMEDIATE", "IN", "INDEX",
    "INDICATOR", "INITIALLY", "INNER", "INPUT", "INSENSITIVE", "INSERT", "INT", "INTEGER", "INTERSECT",
    "INTERVAL", "INTO", "IS", "ISOLATION", "JOIN", "KEY", "LAG", "LANGUAGE", "LAST", "LATERAL", "LEAD",
    "LEFT", "LET", "LEVEL", "LIKE", "LIMIT", "LOCAL", "LOWER", "MATCH", "MAX", "MIN", "MISSING",
    "MODIFIED", "MODULE", "NAMES", "NATIONAL", "NATURAL", "NCHAR", "NEW", "NEXT", "NO", "NOT", "NOTHING",
    "NULL", "NULLIF", "NULLS", "NUMERIC", "OCTET_LENGTH", "OF", "OFFSET", "OLD", "ON", "ONLY", "OPEN",
    "OPTION", "OR", "ORDER", "OUTER", "OUTPUT", "OVER", "OVERLAPS", "OVERLAY", "PAD", "PARTIAL",
    "PARTITION", "PIVOT", "PLACING", "POSITION", "PRECISION", "PREPARE", "PRESERVE", "PRIMARY", "PRIOR",
    "PRIVILEGES", "PROCEDURE", "PUBLIC", "READ", "REAL", "REFERENCES", "RELATIVE", "REMOVE", "REPLACE",
    "RESTRICT", "RETURNING", "REVOKE", "RIGHT", "ROLLBACK", "ROWS", "SCHEMA", "SCROLL", "SECTION",
    "SELECT", "SESSION", "SESSION_USER", "SET", "SHORTEST", "SIZE", "SMALLINT", "SOME", "SPACE", "SQL",
    "SQLCODE", "SQLERROR", "SQLSTATE", "SUBSTRING", "SUM", "SYSTEM_USER", "TABLE", "TEMPORARY", "THEN",
    "TIME", "TIMESTAMP", "TO", "TRANSACTION", "TRANSLATE", "TRANSLATION", "TRIM", "TRUE", "UNION",
    "UNIQUE", "UNKNOWN", "UNPIVOT", "UPDATE", "UPPER", "UPSERT", "USAGE", "USER", "USING", "VALUE",
    "VALUES", "VARCHAR", "VARYING", "VIEW", "WHEN", "WHENEVER", "WHERE", "WITH", "WORK", "WRITE", "ZONE",
};

static_assert(std::is_sorted(kReserved.begin(), kReserved.end()));

bool reserved(std::string_view upper_word) {
  return std::binary_search(kReserved.begin(), kReserved.end(), upper_word);
}

// Reserved words the lexer makes operators, not keywords: in term position
// they are "Unexpected operator" (NOT is the unary operator).
bool operator_word(std::string_view u) {
  return u == "AND" || u == "OR" || u == "NOT" || u == "IS" || u == "IN" || u == "LIKE" || u == "BETWEEN" ||
         u == "ESCAPE" || u == "UNION" || u == "INTERSECT" || u == "EXCEPT";
}

// Keywords that are also function names: a call when '(' follows.
bool function_keyword(std::string_view u) {
  return u == "SIZE" || u == "EXISTS" || u == "COUNT" || u == "AVG" || u == "MIN" || u == "MAX" || u == "SUM" ||
         u == "UPPER" || u == "LOWER" || u == "CHAR_LENGTH" || u == "CHARACTER_LENGTH" || u == "OCTET_LENGTH" ||
         u == "BIT_LENGTH" || u == "COALESCE" || u == "NULLIF" || u == "CAST" || u == "SUBSTRING" ||
         u == "TRIM" || u == "EXTRACT" || u == "DATE_ADD" || u == "DATE_DIFF";
}

// ---- lexer ----

enum class Tok {
  Word,      // identifier or keyword, as written
  Quoted,    // "identifier" (unescaped)
  String,    // 'text' (unescaped)
  Number,    // digits, '.', exponent (as written)
  Question,  // ?
  LParen, RParen, LBracket, RBracket, LBrace, RBrace, BagOpen, BagClose,
  Comma, Dot, Colon, Semicolon, Star,
  Op,        // = <> != < <= > >= + - / % || and other operator symbols
  End,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;
};

bool word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }
bool digit(char c) { return c >= '0' && c <= '9'; }

// Text the lexer cannot read is malformed with nothing after the colon, as
// DynamoDB answers for '#', an unterminated comment, string or name.
[[noreturn]] void unreadable() { malformed(""); }

// A quoted run ending at the next unpaired `q`; `qq` stands for one `q`.
std::string quoted(std::string_view s, std::size_t& i, char q) {
  std::string out;
  ++i;
  while (true) {
    if (i >= s.size()) unreadable();
    if (s[i] == q) {
      if (i + 1 < s.size() && s[i + 1] == q) {
        out += q;
        i += 2;
        continue;
      }
      ++i;
      return out;
    }
    out += s[i++];
  }
}

// A number literal: digits [. digits] | . digits, then [e[+-]digits].  The
// exponent, and the scale it leaves (digits after the point less the
// exponent), must fit a 32-bit integer, as DynamoDB's decimal conversion
// requires; otherwise the statement is unreadable.
std::string number_token(std::string_view s, std::size_t& i) {
  const std::size_t start = i;
  long long fraction_digits = 0;
  while (i < s.size() && digit(s[i])) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && digit(s[i])) {
      ++i;
      ++fraction_digits;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    bool negative = false;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) negative = s[j++] == '-';
    if (j < s.size() && digit(s[j])) {
      long long e = 0;
      bool too_big = false;
      while (j < s.size() && digit(s[j])) {
        if (!too_big) {
          e = e * 10 + (s[j] - '0');
          if (e > (1LL << 33)) too_big = true;
        }
        ++j;
      }
      const long long exponent = negative ? -e : e;
      if (too_big || exponent > 2147483647LL || exponent < -2147483648LL) unreadable();
      const long long scale = fraction_digits - exponent;
      if (scale > 2147483647LL || scale < -2147483648LL) unreadable();
      i = j;
    }
  }
  return std::string(s.substr(start, i - start));
}

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto push = [&](Tok k, std::size_t len) {
    out.push_back(Token{k, std::string(s.substr(i, len))});
    i += len;
  };
  while (i < s.size()) {
    const char c = s[i];
    const char n = i + 1 < s.size() ? s[i + 1] : '\0';
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && n == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && n == '*') {
      const std::size_t end = s.find("*/", i + 2);
      if (end == std::string_view::npos) unreadable();
      i = end + 2;
    } else if (word_start(c)) {
      std::size_t j = i + 1;
      while (j < s.size() && word_char(s[j])) ++j;
      push(Tok::Word, j - i);
    } else if (digit(c) || (c == '.' && digit(n))) {
      std::string text = number_token(s, i);
      out.push_back(Token{Tok::Number, std::move(text)});
    } else if (c == '\'') {
      std::string text = quoted(s, i, '\'');
      out.push_back(Token{Tok::String, std::move(text)});
    } else if (c == '"') {
      std::string text = quoted(s, i, '"');
      out.push_back(Token{Tok::Quoted, std::move(text)});
    } else {
      switch (c) {
        case '?': push(Tok::Question, 1); break;
        case '(': push(Tok::LParen, 1); break;
        case ')': push(Tok::RParen, 1); break;
        case '[': push(Tok::LBracket, 1); break;
        case ']': push(Tok::RBracket, 1); break;
        case '{': push(Tok::LBrace, 1); break;
        case '}': push(Tok::RBrace, 1); break;
        case ',': push(Tok::Comma, 1); break;
        case '.': push(Tok::Dot, 1); break;
        case ':': push(Tok::Colon, 1); break;
        case ';': push(Tok::Semicolon, 1); break;
        case '*': push(Tok::Star, 1); break;
        case '<':
          if (n == '<') push(Tok::BagOpen, 2);
          else if (n == '>' || n == '=') push(Tok::Op, 2);
          else push(Tok::Op, 1);
          break;
        case '>':
          if (n == '>') push(Tok::BagClose, 2);
          else if (n == '=') push(Tok::Op, 2);
          else push(Tok::Op, 1);
          break;
        case '!':
          if (n != '=') unreadable();
          push(Tok::Op, 2);
          break;
        case '|':
          push(Tok::Op, n == '|' ? 2 : 1);
          break;
        case '=': case '+': case '-': case '/': case '%': case '&': case '^': case '~': case '@':
          push(Tok::Op, 1);
          break;
        default:
          unreadable();
      }
    }
  }
  out.push_back(Token{Tok::End, {}});
  return out;
}

// ---- the syntax tree of pass 1 ----

enum class NK {
  Path,      // path
  String, Number, Bool, Null, Missing,  // literals (text / boolean)
  Param,     // ? (param)
  List, Struct, Bag,  // kids (Struct: key, value, key, value, ...)
  Call,      // text = function name as written, kids = arguments
  Binary,    // text = operator ("=", "<>", "and", "or", "+", "||", "like", ...), kids = 2 (or 3 with ESCAPE)
  Not,       // kids = 1
  Neg,       // unary sign (text "-" or "+") on something that is not a number literal
  Between,   // kids = value, low, high; negated
  In,        // kids = value, set; negated
  Is,        // kids = value; text = type name (upper case); negated
  Star,      // '*' in a select list
  Dml,       // dml
  Values,    // VALUES (..), (..): kids = rows
};

struct Dml;

struct Node {
  NK kind = NK::Null;
  std::string text;
  bool boolean = false;
  bool negated = false;
  bool alias = false;        // select item written with an alias
  std::size_t param = 0;
  int height = 1;
  Path path;
  std::vector<Node> kids;
  std::shared_ptr<Dml> dml;  // shared: Node stays copyable for vector growth
};

// A SELECT, INSERT, UPDATE, DELETE or FROM-first DML, as written.
struct Dml {
  StatementKind kind = StatementKind::select;

  // SELECT
  bool select_value = false;
  bool distinct = false;
  std::vector<Node> items;
  std::vector<std::pair<Node, bool>> order_by;  // (expression, descending)
  std::vector<std::string> unsupported;        // GROUP BY, HAVING, LIMIT, OFFSET, LET

  // FROM (SELECT, FROM-first) or the target (INSERT, UPDATE, DELETE)
  std::vector<Node> sources;
  bool source_alias = false;
  bool join = false;

  std::vector<Node> where;  // 0 or 1

  // INSERT
  bool insert_value = false;  // VALUE form (else a collection of items)
  bool insert_at = false;
  std::vector<Node> insert_values;  // 1

  // UPDATE (and FROM-first): SET assignments, REMOVEs and INSERT INTOs, in
  // the order written (INSERT INTO parses, and is refused in pass 2).
  struct Op {
    enum { Set, Remove, Insert } kind = Set;
    Node target;
    Node value;
  };
  std::vector<Op> ops;

  std::optional<Returning> returning;
  bool returning_star_missing = false;
  bool returning_multiple = false;
};

std::string lower(std::string_view s);

// ---- pass 1: the parser ----

constexpr int kPrecOr = 10, kPrecAnd = 20, kPrecNot = 30, kPrecEq = 40, kPrecCompare = 50, kPrecConcat = 60,
              kPrecAdd = 70, kPrecMul = 80;

class Parser {
 public:
  explicit Parser(std::string_view text) : toks_(tokenize(text)) {}

  Node statement() {
    Node n = expression(-1);
    if (!(peek().kind == Tok::End || (peek().kind == Tok::Semicolon && peek(1).kind == Tok::End)))
      malformed("Unexpected token after expression");
    return n;
  }

  std::size_t parameters() const { return params_; }

 private:
  const Token& peek(std::size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  void advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }
  bool word(std::string_view upper_kw, std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Tok::Word && upper(t.text) == upper_kw;
  }
  void expect(Tok k, std::string_view name) {
    if (peek().kind != k) malformed("Expected " + std::string(name));
    advance();
  }
  // A keyword the parser takes as a token of its own ("Expected BY").
  void expect(Tok k, std::string_view upper_kw, std::string_view name) {
    if (peek().kind != k || upper(peek().text) != upper_kw) malformed("Expected " + std::string(name));
    advance();
  }
  void expect_word(std::string_view kw) {
    if (!word(kw)) malformed("Expected " + std::string(kw) + " keyword");
    advance();
  }

  struct Depth {
    explicit Depth(Parser& p) : p_(p) {
      if (++p_.depth_ > kMaxStatementNesting) malformed("");
    }
    ~Depth() { --p_.depth_; }
    Depth(const Depth&) = delete;
    Depth& operator=(const Depth&) = delete;
    Parser& p_;
  };

  static void grow(Node& n) {
    int h = 0;
    for (const auto& k : n.kids) h = std::max(h, k.height);
    n.height = h + 1;
    if (n.height > kMaxStatementHeight) malformed("");
  }

  // The infix operator at the cursor: its name, precedence and token count.
  struct Infix {
    std::string name;
    int prec = 0;
    int tokens = 1;
    bool negated = false;
  };
  std::optional<Infix> infix() const {
    const Token& t = peek();
    if (t.kind == Tok::Op) {
      const std::string& o = t.text;
      if (o == "=" || o == "<>" || o == "!=") return Infix{o == "!=" ? "<>" : o, kPrecEq};
      if (o == "<" || o == "<=" || o == ">" || o == ">=") return Infix{o, kPrecCompare};
      if (o == "||") return Infix{o, kPrecConcat};
      if (o == "+" || o == "-") return Infix{o, kPrecAdd};
      if (o == "/" || o == "%") return Infix{o, kPrecMul};
      return std::nullopt;
    }
    if (t.kind == Tok::Star) return Infix{"*", kPrecMul};
    if (t.kind != Tok::Word) return std::nullopt;
    const std::string u = upper(t.text);
    if (u == "OR") return Infix{"or", kPrecOr};
    if (u == "AND") return Infix{"and", kPrecAnd};
    if (u == "IS") return Infix{"is", kPrecCompare, word("NOT", 1) ? 2 : 1, word("NOT", 1)};
    if (u == "IN") return Infix{"in", kPrecCompare};
    if (u == "LIKE") return Infix{"like", kPrecCompare};
    if (u == "BETWEEN") return Infix{"between", kPrecCompare};
    if (u == "NOT" && (word("IN", 1) || word("LIKE", 1) || word("BETWEEN", 1))) {
      const std::string v = upper(peek(1).text);
      return Infix{v == "IN" ? "in" : v == "LIKE" ? "like" : "between", kPrecCompare, 2, true};
    }
    return std::nullopt;
  }

  Node right_hand(const Infix& op) {
    if (peek().kind == Tok::End) malformed("Missing right-hand side expression of infix operator");
    return expression(op.prec);
  }

  Node expression(int prec) {
    Node left = unary();
    while (true) {
      std::optional<Infix> op = infix();
      if (!op || op->prec <= prec) break;
      for (int k = 0; k < op->tokens; ++k) advance();
      Node n;
      if (op->name == "is") {
        n.kind = NK::Is;
        n.negated = op->negated;
        n.text = type_name();
        n.kids.push_back(std::move(left));
      } else if (op->name == "in") {
        n.kind = NK::In;
        n.negated = op->negated;
        n.kids.push_back(std::move(left));
        if (peek().kind == Tok::LParen && !word("SELECT", 1) && !word("VALUES", 1)) {
          Depth d(*this);
          advance();
          Node list;
          list.kind = NK::List;
          list.kids = arguments(Tok::RParen, "RIGHT_PAREN");
          grow(list);
          n.kids.push_back(std::move(list));
        } else {
          n.kids.push_back(right_hand(*op));
        }
      } else if (op->name == "between") {
        n.kind = NK::Between;
        n.negated = op->negated;
        n.kids.push_back(std::move(left));
        n.kids.push_back(right_hand(*op));
        expect_word("AND");
        if (peek().kind == Tok::End || (peek().kind == Tok::Semicolon && peek(1).kind == Tok::End))
          malformed("Expected expression after AND");
        n.kids.push_back(expression(op->prec));
      } else {
        n.kind = NK::Binary;
        n.text = op->name;
        n.kids.push_back(std::move(left));
        n.kids.push_back(right_hand(*op));
        if (op->name == "like" && word("ESCAPE")) {
          advance();
          n.kids.push_back(right_hand(*op));
        }
        if (op->negated) {
          Node inner = std::move(n);
          grow(inner);
          n = Node{};
          n.kind = NK::Not;
          n.kids.push_back(std::move(inner));
        }
      }
      grow(n);
      left = std::move(n);
    }
    return left;
  }

  Node unary() {
    const Token& t = peek();
    if (t.kind == Tok::Op && (t.text == "-" || t.text == "+")) {
      const bool minus = t.text == "-";
      Depth d(*this);
      advance();
      Node term = unary();
      if (term.kind == NK::Number) {
        if (minus) term.text = term.text[0] == '-' ? term.text.substr(1) : "-" + term.text;
        return term;
      }
      Node n;
      n.kind = NK::Neg;
      n.text = minus ? "-" : "+";
      n.kids.push_back(std::move(term));
      grow(n);
      return n;
    }
    if (word("NOT")) {
      Depth d(*this);
      advance();
      Node n;
      n.kind = NK::Not;
      n.kids.push_back(expression(kPrecNot));
      grow(n);
      return n;
    }
    return path_term();
  }

  // A term, then its path steps when it is a path.
  Node path_term() {
    Node n = term();
    if (n.kind == NK::Path) path_steps(n, false);
    return n;
  }

  void path_steps(Node& n, bool simple) {
    while (true) {
      if (peek().kind == Tok::Dot) {
        advance();
        const Token& t = peek();
        if ((t.kind == Tok::Word && !reserved(upper(t.text))) || t.kind == Tok::Quoted) {
          n.path.elems.push_back(name_elem(t.text));
        } else if (t.kind == Tok::Star && !simple) {
          defer("Unpivot path component like a.*.b are not supported");
        } else {
          malformed(simple ? "Invalid path dot component for simple path" : "Invalid path dot component");
        }
        advance();
      } else if (peek().kind == Tok::LBracket) {
        advance();
        if (peek().kind == Tok::Star) {
          advance();
          defer("Wildcard path component like a[*].b are not supported");
          expect(Tok::RBracket, "RIGHT_BRACKET");
          continue;
        }
        Depth d(*this);
        Node e = expression(-1);
        expect(Tok::RBracket, "RIGHT_BRACKET");
        if (e.kind == NK::Number) {
          const std::string& digits = e.text;
          const bool plain = !digits.empty() && std::all_of(digits.begin(), digits.end(), digit);
          if (!plain || digits.size() > 9) {
            defer("List index is not within the allowable range; index: [" + digits + "]");
          } else {
            n.path.elems.push_back(PathElem{true, {}, static_cast<std::uint32_t>(std::stoul(digits))});
          }
        } else if (e.kind == NK::String) {
          n.path.elems.push_back(name_elem(e.text));
        } else {
          defer("Unexpected path component");
        }
      } else {
        break;
      }
    }
  }

  // A name for DML targets and REMOVE / SET targets: an identifier or a
  // quoted identifier, then dots and brackets.
  Node simple_path() {
    const Token& t = peek();
    if (!((t.kind == Tok::Word && !reserved(upper(t.text))) || t.kind == Tok::Quoted))
      malformed("Expected identifier for simple path");
    Node n;
    n.kind = NK::Path;
    n.path.elems.push_back(name_elem(t.text));
    advance();
    path_steps(n, true);
    return n;
  }

  Node term() {
    const Token& t = peek();
    Node n;
    switch (t.kind) {
      case Tok::Op:
        malformed("Unexpected operator");
      case Tok::Word: {
        const std::string u = upper(t.text);
        if (u == "TRUE" || u == "FALSE") {
          n.kind = NK::Bool;
          n.boolean = u == "TRUE";
          advance();
          return n;
        }
        if (u == "NULL") {
          n.kind = NK::Null;
          advance();
          return n;
        }
        if (u == "MISSING") {
          n.kind = NK::Missing;
          advance();
          return n;
        }
        if (operator_word(u)) malformed("Unexpected operator");
        if (reserved(u)) return keyword_term(u);
        if (peek(1).kind == Tok::LParen) return call();
        n.kind = NK::Path;
        n.path.elems.push_back(PathElem{false, t.text, 0});
        advance();
        return n;
      }
      case Tok::Quoted:
        if (peek(1).kind == Tok::LParen) return call();
        n.kind = NK::Path;
        n.path.elems.push_back(name_elem(t.text));
        advance();
        return n;
      case Tok::String:
        n.kind = NK::String;
        n.text = t.text;
        advance();
        return n;
      case Tok::Number:
        n.kind = NK::Number;
        n.text = t.text;
        advance();
        return n;
      case Tok::Question:
        n.kind = NK::Param;
        n.param = params_++;
        advance();
        return n;
      case Tok::LParen: {
        Depth d(*this);
        advance();
        if (peek().kind == Tok::RParen) malformed("Expression group cannot be empty");
        std::vector<Node> group = arguments(Tok::RParen, "RIGHT_PAREN");
        if (group.size() == 1) return std::move(group[0]);
        n.kind = NK::List;
        n.kids = std::move(group);
        grow(n);
        return n;
      }
      case Tok::LBracket:
        return collection(NK::List, Tok::RBracket, "RIGHT_BRACKET");
      case Tok::BagOpen:
        return collection(NK::Bag, Tok::BagClose, "RIGHT_DOUBLE_ANGLE_BRACKET");
      case Tok::LBrace: {
        Depth d(*this);
        advance();
        n.kind = NK::Struct;
        if (peek().kind != Tok::RBrace) {
          while (true) {
            n.kids.push_back(expression(-1));
            expect(Tok::Colon, "COLON");
            n.kids.push_back(expression(-1));
            if (peek().kind != Tok::Comma) break;
            advance();
          }
        }
        expect(Tok::RBrace, "RIGHT_CURLY");
        grow(n);
        return n;
      }
      default:
        malformed("Unexpected term");
    }
  }

  Node collection(NK kind, Tok close, std::string_view close_name) {
    Depth d(*this);
    advance();
    Node n;
    n.kind = kind;
    if (peek().kind != close) {
      n.kids = arguments(close, close_name);
    } else {
      advance();
    }
    grow(n);
    return n;
  }

  // expression {, expression} then `close`.
  std::vector<Node> arguments(Tok close, std::string_view close_name) {
    std::vector<Node> out;
    while (true) {
      out.push_back(expression(-1));
      if (peek().kind != Tok::Comma) break;
      advance();
    }
    expect(close, close_name);
    return out;
  }

  Node call() {
    Depth d(*this);
    Node n;
    n.kind = NK::Call;
    n.text = peek().text;
    advance();
    advance();  // (
    if (peek().kind == Tok::RParen) {
      advance();
    } else {
      n.kids = arguments(Tok::RParen, "RIGHT_PAREN");
    }
    grow(n);
    return n;
  }

  Node keyword_term(const std::string& u) {
    if (function_keyword(u) && peek(1).kind == Tok::LParen) return call();
    if (u == "SELECT") return select();
    if (u == "INSERT" && word("INTO", 1)) {
      Depth d(*this);
      advance();
      advance();
      auto dml = std::make_shared<Dml>();
      dml->kind = StatementKind::insert;
      dml->sources.push_back(simple_path());
      Dml::Op op = insert_op();
      dml->insert_value = word_consumed_value_;
      dml->insert_at = insert_at_;
      dml->insert_values.push_back(std::move(op.value));
      optional_returning(*dml);
      return wrap(std::move(dml));
    }
    if (u == "UPDATE") return update();
    if (u == "DELETE") return del();
    if (u == "FROM") return from_first();
    if (u == "VALUES") {
      Depth d(*this);
      advance();
      Node n;
      n.kind = NK::Values;
      while (true) {
        if (peek().kind != Tok::LParen) malformed("Expected LEFT_PAREN");
        advance();
        Node row;
        row.kind = NK::List;
        if (peek().kind != Tok::RParen) row.kids = arguments(Tok::RParen, "RIGHT_PAREN");
        else advance();
        grow(row);
        n.kids.push_back(std::move(row));
        if (peek().kind != Tok::Comma) break;
        advance();
      }
      grow(n);
      return n;
    }
    malformed("Unexpected keyword");
  }

  // A statement term; its height is that of the tallest expression in it,
  // so that the height bound holds across nested statements too.
  Node wrap(std::shared_ptr<Dml> dml) {
    int h = 0;
    auto see = [&h](const Node& x) { h = std::max(h, x.height); };
    for (const auto& x : dml->items) see(x);
    for (const auto& x : dml->sources) see(x);
    for (const auto& x : dml->where) see(x);
    for (const auto& x : dml->insert_values) see(x);
    for (const auto& o : dml->order_by) see(o.first);
    for (const auto& o : dml->ops) {
      see(o.target);
      see(o.value);
    }
    Node n;
    n.kind = NK::Dml;
    n.dml = std::move(dml);
    n.height = h + 1;
    if (n.height > kMaxStatementHeight) malformed("");
    return n;
  }

  // After INSERT INTO target: VALUE v [AT p] | an expression of items.
  Dml::Op insert_op() {
    Dml::Op op;
    op.kind = Dml::Op::Insert;
    word_consumed_value_ = false;
    insert_at_ = false;
    if (word("VALUE")) {
      advance();
      word_consumed_value_ = true;
      op.value = expression(-1);
      if (word("AT")) {
        advance();
        insert_at_ = true;
        (void)expression(-1);
      }
    } else {
      op.value = expression(-1);
    }
    return op;
  }

  // SELECT [DISTINCT|ALL] (VALUE e | item {, item}) FROM sources [WHERE e]
  //   [GROUP [PARTIAL] BY ...] [HAVING e] [ORDER BY e [ASC|DESC], ...] [LIMIT e] [OFFSET e]
  Node select() {
    Depth d(*this);
    advance();
    auto dml = std::make_shared<Dml>();
    dml->kind = StatementKind::select;
    if (word("DISTINCT")) {
      advance();
      dml->distinct = true;
    } else if (word("ALL")) {
      advance();
    }
    if (word("VALUE")) {
      advance();
      dml->select_value = true;
      dml->items.push_back(expression(-1));
    } else {
      while (true) {
        if (peek().kind == Tok::Star) {
          Node s;
          s.kind = NK::Star;
          dml->items.push_back(std::move(s));
          advance();
        } else {
          const Token& t = peek();
          if (t.kind == Tok::Word) {
            const std::string u = upper(t.text);
            if (reserved(u) && u != "TRUE" && u != "FALSE" && u != "NULL" && u != "MISSING")
              malformed("Expected identifier or an expression but found unexpected keyword '" + lower(t.text) +
                        "' in a select list.");
          }
          Node item = expression(-1);
          if (word("AS")) {
            advance();
            alias_name();
            item.alias = true;
          } else if (is_alias_token()) {
            advance();
            item.alias = true;
          }
          dml->items.push_back(std::move(item));
        }
        if (peek().kind != Tok::Comma) break;
        advance();
      }
    }
    if (!word("FROM")) malformed("Expected FROM after SELECT list");
    advance();
    sources(*dml);
    if (word("LET")) {
      advance();
      dml->unsupported.push_back("LET");
      while (true) {
        (void)expression(-1);
        expect_word("AS");
        alias_name();
        if (peek().kind != Tok::Comma) break;
        advance();
      }
    }
    optional_where(*dml);
    // The clauses' order is DynamoDB's parser's: ORDER BY before GROUP BY.
    if (word("ORDER")) {
      advance();
      expect(Tok::Word, "BY", "BY");
      while (true) {
        Node e = expression(-1);
        bool desc = false;
        if (word("ASC")) {
          advance();
        } else if (word("DESC")) {
          advance();
          desc = true;
        }
        dml->order_by.emplace_back(std::move(e), desc);
        if (peek().kind != Tok::Comma) break;
        advance();
      }
    }
    if (word("GROUP")) {
      advance();
      if (word("PARTIAL")) advance();
      expect(Tok::Word, "BY", "BY");
      dml->unsupported.push_back("GROUP BY");
      while (true) {
        (void)expression(-1);
        if (word("AS")) {
          advance();
          alias_name();
        }
        if (peek().kind != Tok::Comma) break;
        advance();
      }
    }
    if (word("HAVING")) {
      advance();
      dml->unsupported.push_back("HAVING");
      (void)expression(-1);
    }
    if (word("LIMIT")) {
      advance();
      dml->unsupported.push_back("LIMIT");
      (void)expression(-1);
    }
    if (word("OFFSET")) {
      advance();
      dml->unsupported.push_back("OFFSET");
      (void)expression(-1);
    }
    return wrap(std::move(dml));
  }

  bool is_alias_token() const {
    const Token& t = peek();
    return (t.kind == Tok::Word && !reserved(upper(t.text))) || t.kind == Tok::Quoted;
  }
  void alias_name() {
    if (!is_alias_token()) malformed("Expected identifier for alias");
    advance();
  }

  // Optional AS / AT / BY aliases after a source.
  bool aliases() {
    bool any = false;
    if (word("AS")) {
      advance();
      alias_name();
      any = true;
    } else if (is_alias_token()) {
      advance();
      any = true;
    }
    for (const char* kw : {"AT", "BY"}) {
      if (word(kw)) {
        advance();
        alias_name();
        any = true;
      }
    }
    return any;
  }

  bool join_keyword() {
    if (word("JOIN")) {
      advance();
      return true;
    }
    for (const char* kw : {"INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS"}) {
      if (!word(kw)) continue;
      std::size_t k = 1;
      if (word("OUTER", k)) ++k;
      if (!word("JOIN", k)) return false;
      for (std::size_t i = 0; i <= k; ++i) advance();
      return true;
    }
    return false;
  }

  // source {(, | JOIN) source [ON e]}
  void sources(Dml& dml) {
    while (true) {
      Node s = expression(kPrecNot);
      if (aliases()) dml.source_alias = true;
      dml.sources.push_back(std::move(s));
      if (peek().kind == Tok::Comma) {
        advance();
        dml.join = true;
        continue;
      }
      if (join_keyword()) {
        dml.join = true;
        Node t = expression(kPrecNot);
        if (aliases()) dml.source_alias = true;
        dml.sources.push_back(std::move(t));
        if (word("ON")) {
          advance();
          (void)expression(-1);
        }
        if (peek().kind == Tok::Comma) {
          advance();
          continue;
        }
      }
      break;
    }
  }

  void optional_where(Dml& dml) {
    if (!word("WHERE")) return;
    advance();
    dml.where.push_back(expression(-1));
  }

  // After a ',' in a SET list: whether the next operation starts (DynamoDB's
  // parser takes "SET k = 5, REMOVE t" as well as "SET k = 5 REMOVE t").
  bool next_operation() const { return word("SET") || word("REMOVE") || (word("INSERT") && word("INTO", 1)); }

  // SET / REMOVE / INSERT INTO operations of UPDATE and FROM-first DML.
  bool dml_ops(Dml& dml) {
    bool any = false;
    while (true) {
      if (word("SET")) {
        advance();
        while (true) {
          Dml::Op op;
          op.kind = Dml::Op::Set;
          op.target = simple_path();
          if (!(peek().kind == Tok::Op && peek().text == "=")) malformed("Expected '='");
          advance();
          op.value = expression(-1);
          dml.ops.push_back(std::move(op));
          if (peek().kind != Tok::Comma) break;
          advance();
          if (next_operation()) break;
        }
      } else if (word("REMOVE")) {
        // One path per REMOVE, as DynamoDB's parser reads it: "REMOVE a REMOVE b",
        // not "REMOVE a, b" (the ',' is then a leftover token).
        advance();
        Dml::Op op;
        op.kind = Dml::Op::Remove;
        op.target = simple_path();
        dml.ops.push_back(std::move(op));
      } else if (word("INSERT") && word("INTO", 1)) {
        advance();
        advance();
        Node target = simple_path();
        Dml::Op op = insert_op();
        op.target = std::move(target);
        dml.ops.push_back(std::move(op));
        if (peek().kind == Tok::Comma && (word("SET", 1) || word("REMOVE", 1) || word("INSERT", 1))) advance();
      } else {
        return any;
      }
      any = true;
    }
  }

  // RETURNING elem {, elem};  elem := (ALL|MODIFIED) (OLD|NEW) ('*' | path | literal).
  // Only one "... *" element passes pass 2.
  void optional_returning(Dml& dml) {
    if (!word("RETURNING")) return;
    advance();
    bool first = true;
    while (true) {
      const bool all = word("ALL"), modified = word("MODIFIED");
      const bool old = word("OLD", 1), fresh = word("NEW", 1);
      if (!(all || modified) || !(old || fresh))
        malformed("Expected ( MODIFIED | ALL ) ( NEW | OLD ) in each returning element.");
      advance();
      advance();
      if (peek().kind == Tok::Star) {
        advance();
      } else {
        Node column = expression(-1);
        const bool atom = column.kind == NK::String || column.kind == NK::Number || column.kind == NK::Bool ||
                          column.kind == NK::Null || column.kind == NK::Missing || column.kind == NK::Param;
        if (column.kind == NK::Path && column.path.elems.size() > 2)
          malformed("More than two paths in RETURNING columns.");
        if (column.kind != NK::Path && !atom) malformed("Unsupported syntax in RETURNING columns.");
        if (first) dml.returning_star_missing = true;
      }
      if (first) {
        dml.returning = all ? (old ? Returning::all_old : Returning::all_new)
                            : (old ? Returning::modified_old : Returning::modified_new);
      }
      first = false;
      if (peek().kind != Tok::Comma) break;
      advance();
      dml.returning_multiple = true;
    }
  }

  // UPDATE target [aliases] ops [WHERE e] [RETURNING ...]
  Node update() {
    Depth d(*this);
    advance();
    auto dml = std::make_shared<Dml>();
    dml->kind = StatementKind::update;
    dml->sources.push_back(simple_path());
    if (aliases()) dml->source_alias = true;
    if (!dml_ops(*dml)) malformed("Expected data manipulation");
    optional_where(*dml);
    optional_returning(*dml);
    return wrap(std::move(dml));
  }

  // DELETE FROM target [aliases] [WHERE e] [RETURNING ...]
  Node del() {
    Depth d(*this);
    advance();
    if (!word("FROM")) malformed("Expected FROM after DELETE");
    advance();
    auto dml = std::make_shared<Dml>();
    dml->kind = StatementKind::del;
    dml->sources.push_back(simple_path());
    if (aliases()) dml->source_alias = true;
    optional_where(*dml);
    optional_returning(*dml);
    return wrap(std::move(dml));
  }

  // FROM sources [WHERE e] ops [RETURNING ...]: an UPDATE written FROM first.
  Node from_first() {
    Depth d(*this);
    advance();
    auto dml = std::make_shared<Dml>();
    dml->kind = StatementKind::update;
    sources(*dml);
    optional_where(*dml);
    if (!dml_ops(*dml)) malformed("Expected data manipulation");
    optional_returning(*dml);
    return wrap(std::move(dml));
  }

  // Reads IS's type name (upper case, two-word names joined by a space).
  std::string type_name() {
    static constexpr std::array<std::string_view, 27> kTypes = {
        "MISSING", "NULL", "BOOL", "BOOLEAN", "SMALLINT", "INTEGER", "INT", "INTEGER4", "INT4", "INTEGER8",
        "INT8", "FLOAT", "REAL", "DOUBLE", "DECIMAL", "DEC", "NUMERIC", "TIMESTAMP", "CHARACTER", "CHAR",
        "VARCHAR", "STRING", "SYMBOL", "CLOB", "BLOB", "STRUCT", "TUPLE"};
    const Token& t = peek();
    const std::string u = t.kind == Tok::Word ? upper(t.text) : std::string();
    const bool known = std::find(kTypes.begin(), kTypes.end(), u) != kTypes.end() || u == "LIST" ||
                       u == "SEXP" || u == "BAG" || u == "DATE" || u == "TIME" || u == "ANY";
    if (!known) malformed("Expected type name");
    advance();
    std::string name = u;
    if (u == "DOUBLE") {
      expect_word("PRECISION");
      name = "DOUBLE PRECISION";
    } else if (u == "CHARACTER" && word("VARYING")) {
      advance();
      name = "CHARACTER VARYING";
    }
    if (peek().kind == Tok::LParen) {
      Depth d(*this);
      advance();
      while (true) {
        if (peek().kind != Tok::Number) malformed("Type parameter must be an unsigned integer literal");
        advance();
        if (peek().kind != Tok::Comma) break;
        advance();
      }
      expect(Tok::RParen, "RIGHT_PAREN");
    }
    return name;
  }

  // A path step naming an attribute; "" is refused (after the syntax pass).
  PathElem name_elem(const std::string& name) {
    if (name.empty()) defer("Path component cannot be an empty string");
    return PathElem{false, name, 0};
  }

  void defer(std::string msg) {
    if (!deferred_) deferred_ = std::move(msg);
  }

 public:
  const std::optional<std::string>& deferred() const { return deferred_; }

 private:
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::size_t params_ = 0;
  std::optional<std::string> deferred_;
  bool word_consumed_value_ = false;
  bool insert_at_ = false;
};

// ---- pass 2: meaning ----

std::string returning_text(Returning r) {
  switch (r) {
    case Returning::all_old: return "ALL OLD *";
    case Returning::all_new: return "ALL NEW *";
    case Returning::modified_old: return "MODIFIED OLD *";
    case Returning::modified_new: return "MODIFIED NEW *";
    case Returning::none: break;
  }
  return "";
}

// The AST node name DynamoDB prints in "Unsupported operation: <name>".
std::string operation_name(const Node& n) {
  switch (n.kind) {
    case NK::Is: return "IsType";
    case NK::Path: return n.path.elems.size() == 1 ? "VariableReference" : "Path";
    case NK::Call: return "Call";
    case NK::Param: return "Parameter";
    case NK::Missing: return "LiteralMissing";
    case NK::List: case NK::Bag: case NK::Values: return "Seq";
    case NK::Struct: return "Struct";
    case NK::Dml: return "DataManipulation";
    case NK::Between: case NK::In: case NK::Binary: case NK::Not: case NK::Neg: return "NAry";
    default: return "Literal";
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class Translator {
 public:
  Translator(Statement& st, const std::vector<AttributeValue>& params) : st_(st), params_(params) {}

  void top(const Node& n) {
    if (n.kind == NK::Call && lower(n.text) == "exists") {
      if (n.kids.size() != 1 || n.kids[0].kind != NK::Dml || n.kids[0].dml->kind != StatementKind::select)
        invalid("Unsupported operation: Call");
      select(*n.kids[0].dml);
      st_.kind = StatementKind::exists;
      return;
    }
    if (n.kind != NK::Dml) invalid("Unsupported operation: " + operation_name(n));
    const Dml& d = *n.dml;
    switch (d.kind) {
      case StatementKind::select: select(d); break;
      case StatementKind::insert: insert(d); break;
      case StatementKind::update: update(d); break;
      case StatementKind::del: del(d); break;
      case StatementKind::exists: break;
    }
  }

 private:
  enum class Ctx { Where, AndOr, Not };

  // ---- sources ----

  static void check_table_name(const std::string& name) {
    const bool ok = name.size() >= 3 && name.size() <= 255 &&
                    std::all_of(name.begin(), name.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                    });
    if (!ok)
      invalid("Table name should be within the length [3, 255] and only contain 'a-z', 'A-Z', '0-9', '-', '_', '.'.");
  }

  // The target of INSERT / UPDATE / DELETE: one name.
  void dml_target(const Dml& d) {
    if (d.source_alias) invalid(kAliasing);
    if (d.sources.size() != 1 || d.join || d.sources[0].kind != NK::Path || d.sources[0].path.elems.size() != 1)
      invalid("FROM clause may only contain a single table name in data manipulation statements");
    st_.table = d.sources[0].path.elems[0].name;
    check_table_name(st_.table);
  }

  // ---- statements ----

  void select(const Dml& d) {
    st_.kind = StatementKind::select;
    if (d.select_value) invalid("Select projection doesn't support value or pivot keywords");
    if (d.source_alias) invalid(kAliasing);
    if (d.sources.size() != 1 || d.join) invalid("Only select from a single table or index is supported.");
    const Node& src = d.sources[0];
    if (src.kind == NK::List) invalid("Invalid list expression in source.");
    if (src.kind != NK::Path) invalid("Unexpected from source");
    for (const auto& e : src.path.elems)
      if (e.is_index) invalid("Invalid path dot component in this operation, expecting either an IDENTIFIER or STAR.");
    if (src.path.elems.size() > 2) invalid("A path may contain at most 2 components in the FROM clause");
    st_.table = src.path.elems[0].name;
    check_table_name(st_.table);
    if (src.path.elems.size() == 2) st_.index = src.path.elems[1].name;
    if (d.distinct) invalid("Unsupported clause: DISTINCT");
    if (!d.unsupported.empty()) invalid("Unsupported clause: " + d.unsupported.front());

    bool star = false;
    for (const auto& item : d.items) star = star || item.kind == NK::Star;
    if (star && d.items.size() > 1)
      invalid("Other attributes should not be present in the projection when '*' is used.");
    st_.select_all = star;
    std::vector<std::string> names;
    for (const auto& item : d.items) {
      if (item.kind == NK::Star) continue;
      if (item.alias) invalid(kAliasing);
      if (item.kind != NK::Path) invalid("Unsupported operation: " + operation_name(item));
      std::string name = projection_name(item.path);
      if (std::find(names.begin(), names.end(), name) != names.end())
        invalid("Duplicate identifiers in select clause: " + name);
      names.push_back(std::move(name));
      st_.projection.push_back(item.path);
    }

    if (!d.where.empty()) st_.where = condition(d.where[0], Ctx::Where);
    if (!d.order_by.empty() && d.where.empty())
      invalid("Must have WHERE clause in the statement when using ORDER BY clause.");
    for (const auto& [e, desc] : d.order_by) {
      if (e.kind != NK::Path || e.path.elems.size() != 1)
        invalid("Argument to ORDER BY must be of type VariableReference. Type: " + operation_name(e));
      st_.order_by.push_back(OrderTerm{e.path, desc});
    }
  }

  void insert(const Dml& d) {
    st_.kind = StatementKind::insert;
    dml_target(d);
    if (!d.insert_value) {
      invalid("Unsupported operation: Inserting multiple items in a single statement is not supported, use "
              "\"INSERT INTO tableName VALUE item\" instead");
    }
    if (d.insert_at) invalid("AT is not supported in insert statements.");
    if (d.returning) invalid("RETURNING is not supported in INSERT");
    const Node& v = d.insert_values.at(0);
    if (v.kind != NK::Struct && !(v.kind == NK::Param && param(v).type == AttrType::M))
      invalid("Unsupported format in item expression. Please use struct format {...} to express item values for "
              "insert statement.");
    AttributeValue item = value(v, "root", true);
    st_.item = std::move(item.map);
    map_normalize(st_.item);
  }

  void returning(const Dml& d) {
    if (d.returning_multiple) invalid("Invalid syntax with multiple returning elements in RETURNING clause");
    if (d.returning_star_missing) invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    if (d.returning) st_.returning = *d.returning;
  }

  void update(const Dml& d) {
    st_.kind = StatementKind::update;
    dml_target(d);
    for (const auto& op : d.ops)
      if (op.kind == Dml::Op::Insert) invalid("Only SET and REMOVE are supported in update expressions at this time");
    for (const auto& op : d.ops) {
      UpdateAction a;
      a.path = op.target.path;
      if (op.kind == Dml::Op::Remove) {
        a.kind = UpdateActionKind::Remove;
      } else {
        a.kind = UpdateActionKind::Set;
        const Node& v = op.value;
        if (v.kind == NK::Call) {
          const std::string f = lower(v.text);
          if (f == "set_add" || f == "set_delete") {
            const std::string tag = f == "set_add" ? "ADD" : "DELETE";
            if (v.kids.size() != 2) invalid("SET_" + tag + " must have exactly two arguments");
            if (v.kids[0].kind != NK::Path || !(v.kids[0].path == a.path))
              invalid("The first argument to SET_" + tag + " must equal the assignment value");
            const Node& arg = v.kids[1];
            const bool set_literal = arg.kind == NK::Bag || (arg.kind == NK::Param && param(arg).is_set());
            if (!set_literal) invalid("The second argument to SET_" + tag + " must be a value with type SET");
            a.kind = f == "set_add" ? UpdateActionKind::Add : UpdateActionKind::Delete;
            a.value = operand(v.kids[1], false);
            st_.update.actions.push_back(std::move(a));
            continue;
          }
        }
        a.value = set_value(v);
      }
      st_.update.actions.push_back(std::move(a));
    }
    std::vector<const Path*> paths;
    for (const auto& a : st_.update.actions) paths.push_back(&a.path);
    check_paths_disjoint(paths, ExprKind::Update);
    if (!d.where.empty()) st_.where = condition(d.where[0], Ctx::Where);
    returning(d);
  }

  void del(const Dml& d) {
    st_.kind = StatementKind::del;
    dml_target(d);
    if (!d.where.empty()) st_.where = condition(d.where[0], Ctx::Where);
    returning(d);
    if (st_.returning != Returning::none && st_.returning != Returning::all_old)
      invalid("Invalid returning clause: RETURNING " + returning_text(st_.returning) +
              ". Only RETURNING ALL OLD * is allowed in DELETE statements.");
  }

  // ---- conditions ----

  Condition constant(bool truth) {
    Condition c;
    c.kind = CondKind::Compare;
    c.op = truth ? CompareOp::EQ : CompareOp::NE;
    Operand o = store(AttributeValue::boolean_value(true), truth ? "TRUE" : "FALSE");
    c.operands.push_back(o);
    c.operands.push_back(o);
    return c;
  }

  static Condition negate(Condition c) {
    Condition n;
    n.kind = CondKind::Not;
    n.children.push_back(std::move(c));
    return n;
  }

  static std::optional<CompareOp> compare_op(const std::string& t) {
    if (t == "=") return CompareOp::EQ;
    if (t == "<>") return CompareOp::NE;
    if (t == "<") return CompareOp::LT;
    if (t == "<=") return CompareOp::LE;
    if (t == ">") return CompareOp::GT;
    if (t == ">=") return CompareOp::GE;
    return std::nullopt;
  }

  Condition condition(const Node& n, Ctx ctx) {
    Condition c;
    switch (n.kind) {
      case NK::Binary: {
        if (n.text == "and" || n.text == "or") {
          c.kind = n.text == "and" ? CondKind::And : CondKind::Or;
          c.children.push_back(condition(n.kids[0], Ctx::AndOr));
          c.children.push_back(condition(n.kids[1], Ctx::AndOr));
          return c;
        }
        if (auto op = compare_op(n.text)) {
          c.kind = CondKind::Compare;
          c.op = *op;
          c.operands.push_back(operand(n.kids[0], true));
          c.operands.push_back(operand(n.kids[1], true));
          return c;
        }
        invalid("Unsupported operator in Condition Expression. Operator: " + n.text);
      }
      case NK::Not:
        c.kind = CondKind::Not;
        c.children.push_back(condition(n.kids[0], Ctx::Not));
        return c;
      case NK::Between:
        c.kind = CondKind::Between;
        for (const auto& k : n.kids) c.operands.push_back(operand(k, true));
        return n.negated ? negate(std::move(c)) : c;
      case NK::In: {
        const Node& set = n.kids[1];
        if (n.kids[0].kind != NK::Path || set.kind != NK::List || set.kids.empty())
          invalid("IN operator must have a left hand argument of type Variable Reference and right hand argument "
                  "of type Seq with at least one member");
        c.kind = CondKind::In;
        c.operands.push_back(operand(n.kids[0], true));
        for (const auto& k : set.kids) c.operands.push_back(operand(k, true));
        return n.negated ? negate(std::move(c)) : c;
      }
      case NK::Is:
        return is(n);
      case NK::Call:
        return function_condition(n, ctx);
      case NK::Bool:
        return constant(n.boolean);
      default:
        break;
    }
    switch (ctx) {
      case Ctx::Where: invalid("WHERE clause must contain an expression that resolves to a boolean");
      case Ctx::AndOr: invalid("The arguments to AND/OR must be Expressions");
      case Ctx::Not: invalid("The argument to NOT must be a Type or Expression");
    }
    invalid("WHERE clause must contain an expression that resolves to a boolean");
  }

  Condition is(const Node& n) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes = {{
        {"NULL", "NULL"}, {"BOOLEAN", "BOOL"}, {"BLOB", "B"}, {"STRING", "S"}, {"NUMERIC", "N"},
        {"STRUCT", "M"}, {"TUPLE", "M"}, {"LIST", "L"}}};
    std::string_view wire;
    if (n.text != "MISSING") {
      for (const auto& [name, w] : kTypes)
        if (n.text == name) wire = w;
      if (wire.empty())
        invalid("Unsupported data type for IS operator: " + n.text +
                ". Supported data types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]");
    }
    const Node& subject = n.kids[0];
    Condition c;
    if (subject.kind != NK::Path) {
      // A literal's type is known now: the test is a constant.
      if (subject.kind == NK::Missing) return constant((n.text == "MISSING" || n.text == "NULL") != n.negated);
      const bool literal = subject.kind == NK::String || subject.kind == NK::Number || subject.kind == NK::Bool ||
                           subject.kind == NK::Null || subject.kind == NK::Param || subject.kind == NK::List ||
                           subject.kind == NK::Struct;
      if (!literal) invalid("The left hand side argument to IS must be a Variable Reference, Literal, or Path");
      if (n.text == "MISSING") return constant(n.negated);
      const AttributeValue v = value(subject, "root", false);
      return constant((attr_type_name(v.type) == wire) != n.negated);
    }
    if (n.text == "MISSING") {
      c.kind = n.negated ? CondKind::AttributeExists : CondKind::AttributeNotExists;
      c.operands.push_back(operand(subject, true));
      return c;
    }
    c.kind = CondKind::AttributeType;
    c.operands.push_back(operand(subject, true));
    c.operands.push_back(store(AttributeValue::string(std::string(wire)), "'" + std::string(wire) + "'"));
    if (n.text == "NULL") {
      Condition missing;
      missing.kind = CondKind::AttributeNotExists;
      missing.operands.push_back(operand(subject, true));
      Condition either;
      either.kind = CondKind::Or;
      either.children.push_back(std::move(c));
      either.children.push_back(std::move(missing));
      c = std::move(either);
    }
    return n.negated ? negate(std::move(c)) : c;
  }

  Condition function_condition(const Node& n, Ctx ctx) {
    const std::string f = lower(n.text);
    std::optional<CondKind> kind;
    std::size_t arity = 2;
    if (f == "begins_with") {
      kind = CondKind::BeginsWith;
    } else if (f == "contains") {
      kind = CondKind::Contains;
    } else if (f == "attribute_type") {
      kind = CondKind::AttributeType;
    } else if (f == "attribute_exists" || f == "attribute_not_exists") {
      kind = f == "attribute_exists" ? CondKind::AttributeExists : CondKind::AttributeNotExists;
      arity = 1;
    }
    if (!kind) {
      if (f == "size" || f == "list_append" || f == "set_add" || f == "set_delete") {
        if (ctx == Ctx::Where) invalid("WHERE clause must contain an expression that resolves to a boolean");
        invalid("Unsupported operator in Condition Expression. Operator: " + f);
      }
      invalid("Unrecognized function: " + f);
    }
    if (n.kids.size() != arity)
      invalid("Incorrect number of arguments for function " + f + ": expected " + std::to_string(arity) + ", got " +
              std::to_string(n.kids.size()));
    Condition c;
    c.kind = *kind;
    for (const auto& k : n.kids) c.operands.push_back(operand(k, true));
    if ((arity == 1 || *kind == CondKind::AttributeType) && c.operands[0].kind != OperandKind::Path)
      invalid("The first argument to " + f + " must be a path");
    return c;
  }

  // ---- operands ----

  Operand store(AttributeValue v, std::string name) {
    st_.values.push_back(std::move(v));
    Operand o;
    o.kind = OperandKind::Value;
    o.value = &st_.values.back();
    o.name = std::move(name);
    return o;
  }

  static std::string display(const Node& n) {
    switch (n.kind) {
      case NK::String: return "'" + n.text + "'";
      case NK::Number: return n.text;
      case NK::Bool: return n.boolean ? "TRUE" : "FALSE";
      case NK::Null: return "NULL";
      case NK::Param: return "?" + std::to_string(n.param + 1);
      case NK::List: return "[...]";
      case NK::Struct: return "{...}";
      case NK::Bag: return "<<...>>";
      default: return "?";
    }
  }

  // A condition operand (`in_condition`) or an ADD/DELETE value.
  Operand operand(const Node& n, bool in_condition) {
    switch (n.kind) {
      case NK::Path: {
        Operand o;
        o.kind = OperandKind::Path;
        o.path = n.path;
        return o;
      }
      case NK::Missing:
        invalid(kMissingIs);
      case NK::String: case NK::Number: case NK::Bool: case NK::Null: case NK::Param: case NK::List:
      case NK::Struct: case NK::Bag:
        return store(value(n, "root", false), display(n));
      case NK::Call: {
        const std::string f = lower(n.text);
        if (f != "size") {
          if (f == "begins_with" || f == "contains" || f == "attribute_type" || f == "attribute_exists" ||
              f == "attribute_not_exists" || f == "list_append" || f == "set_add" || f == "set_delete")
            invalid(std::string("Unsupported operator in ") + (in_condition ? "Condition" : "Update") +
                    " Expression. Operator: " + f);
          invalid("Unrecognized function: " + f);
        }
        if (n.kids.size() != 1 || n.kids[0].kind != NK::Path)
          invalid("The argument to size must be a path");
        Operand o;
        o.kind = OperandKind::Function;
        o.name = "size";
        o.args.push_back(operand(n.kids[0], in_condition));
        return o;
      }
      case NK::Binary:
        invalid(std::string("Unsupported operator in ") + (in_condition ? "Condition" : "Update") +
                " Expression. Operator: " + n.text);
      case NK::Neg:
        invalid(std::string("Unsupported operator in ") + (in_condition ? "Condition" : "Update") +
                " Expression. Operator: " + n.text);
      default:
        invalid("Unsupported operation: " + operation_name(n));
    }
  }

  // A SET value: an operand, + / -, list_append.
  Operand set_value(const Node& n) {
    if (n.kind == NK::Binary && (n.text == "+" || n.text == "-")) {
      Operand o;
      o.kind = n.text == "+" ? OperandKind::Plus : OperandKind::Minus;
      o.args.push_back(set_value(n.kids[0]));
      o.args.push_back(set_value(n.kids[1]));
      return o;
    }
    if (n.kind == NK::Call && lower(n.text) == "list_append") {
      if (n.kids.size() != 2) invalid("LIST_APPEND must have exactly two arguments");
      Operand o;
      o.kind = OperandKind::Function;
      o.name = "list_append";
      o.args.push_back(set_value(n.kids[0]));
      o.args.push_back(set_value(n.kids[1]));
      return o;
    }
    if (n.kind == NK::Call && (lower(n.text) == "set_add" || lower(n.text) == "set_delete"))
      invalid("Unsupported operator in Update Expression. Operator: " + lower(n.text));
    if (n.kind == NK::Call && lower(n.text) == "size")
      invalid("Unsupported operator in Update Expression. Operator: size");
    if (n.kind == NK::Is || n.kind == NK::In || n.kind == NK::Between || n.kind == NK::Not)
      invalid("IS operator is not supported in update expressions");
    return operand(n, false);
  }

  // ---- values ----

  const AttributeValue& param(const Node& n) const { return params_.at(n.param); }

  static std::string key_type_name(const Node& n) {
    switch (n.kind) {
      case NK::Number: return "DECIMAL";
      case NK::Bool: return "BOOL";
      case NK::Null: return "NULL";
      case NK::List: return "LIST";
      case NK::Struct: return "STRUCT";
      case NK::Bag: return "BAG";
      default: return "SYMBOL";
    }
  }

  // The value of a literal (with parameters resolved).  `path` names where it
  // sits, for messages: "root", "root.x", "root[1]"; `item` is the top-level
  // INSERT map, whose attributes' values are each at "root".
  AttributeValue value(const Node& n, const std::string& path, bool item) {
    AttributeValue v;
    switch (n.kind) {
      case NK::String:
        return AttributeValue::string(n.text);
      case NK::Number: {
        std::string err;
        std::optional<Number> num = Number::parse(n.text, &err);
        if (!num) invalid(err + " under " + path);
        return AttributeValue::number(num->to_string());
      }
      case NK::Bool:
        return AttributeValue::boolean_value(n.boolean);
      case NK::Null:
        return AttributeValue::null();
      case NK::Param:
        return param(n);
      case NK::Missing:
        invalid(kMissingIs);
      case NK::List:
        v.type = AttrType::L;
        v.list.reserve(n.kids.size());
        for (std::size_t i = 0; i < n.kids.size(); ++i)
          v.list.push_back(value(n.kids[i], path + "[" + std::to_string(i) + "]", false));
        return v;
      case NK::Struct: {
        v.type = AttrType::M;
        for (std::size_t i = 0; i + 1 < n.kids.size(); i += 2) {
          const Node& k = n.kids[i];
          std::string key;
          if (k.kind == NK::String) {
            key = k.text;
          } else if (k.kind == NK::Param && param(k).type == AttrType::S) {
            key = param(k).str;
          } else {
            invalid("Tuple keys must be of type String. Actual type: " +
                    (k.kind == NK::Param ? std::string(attr_type_name(param(k).type)) : key_type_name(k)) +
                    " under " + path);
          }
          for (const auto& [existing, ignored] : v.map)
            if (existing == key) invalid("Duplicate keys in tuple. Key: " + key + " under " + path);
          AttributeValue member = value(n.kids[i + 1], item ? path : path + "." + key, false);
          v.map.emplace_back(std::move(key), std::move(member));
        }
        map_normalize(v.map);
        return v;
      }
      case NK::Bag: {
        if (n.kids.empty()) invalid("Empty bags are not supported");
        const NK first = n.kids[0].kind;
        if (first != NK::String && first != NK::Number) invalid(kBagType);
        v.type = first == NK::String ? AttrType::SS : AttrType::NS;
        for (std::size_t i = 0; i < n.kids.size(); ++i) {
          const Node& m = n.kids[i];
          if (m.kind != first) invalid(kBagType);
          std::string member = m.text;
          if (first == NK::Number) member = value(m, path + "[" + std::to_string(i) + "]", false).str;
          // Members are canonical (numbers too), so equal members are equal text.
          const bool dup = std::find(v.set.begin(), v.set.end(), member) != v.set.end();
          if (!dup) v.set.push_back(std::move(member));
        }
        return v;
      }
      default:
        invalid("Unsupported operation: " + operation_name(n));
    }
  }

  Statement& st_;
  const std::vector<AttributeValue>& params_;
};

}  // namespace

std::string projection_name(const Path& path) {
  for (auto it = path.elems.rbegin(); it != path.elems.rend(); ++it)
    if (!it->is_index) return it->name;
  return {};
}

Statement parse_statement(std::string_view text, const std::vector<AttributeValue>& params) {
  Parser parser(text);
  Node root = parser.statement();
  if (parser.deferred()) invalid(*parser.deferred());
  Statement st;
  st.parameters_used = parser.parameters();
  if (st.parameters_used > params.size()) invalid(kParamCount);
  Translator(st, params).top(root);
  return st;
}

}  // namespace ddbd::expr::partiql
