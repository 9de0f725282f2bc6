#include "expressions/parser.hh"

#include <algorithm>
#include <cctype>
#include <optional>

#include "expressions/error.hh"
#include "expressions/eval.hh"
#include "expressions/reserved_words.hh"
#include "storage/number.hh"

namespace ddbd::expr {

std::string_view kind_name(ExprKind k) {
  switch (k) {
    case ExprKind::Condition: return "ConditionExpression";
    case ExprKind::Filter: return "FilterExpression";
    case ExprKind::KeyCondition: return "KeyConditionExpression";
    case ExprKind::Update: return "UpdateExpression";
    case ExprKind::Projection: return "ProjectionExpression";
  }
  return "Expression";
}

std::string_view compare_op_text(CompareOp op) {
  switch (op) {
    case CompareOp::EQ: return "=";
    case CompareOp::NE: return "<>";
    case CompareOp::LT: return "<";
    case CompareOp::LE: return "<=";
    case CompareOp::GT: return ">";
    case CompareOp::GE: return ">=";
  }
  return "=";
}

std::string Path::to_string() const {
  std::string out = "[";
  for (std::size_t i = 0; i < elems.size(); ++i) {
    if (i) out += ", ";
    if (elems[i].is_index)
      out += "[" + std::to_string(elems[i].index) + "]";
    else
      out += elems[i].name;
  }
  out += "]";
  return out;
}

int path_relation(const Path& a, const Path& b) {
  const std::size_t n = std::min(a.elems.size(), b.elems.size());
  for (std::size_t i = 0; i < n; ++i) {
    const PathElem& x = a.elems[i];
    const PathElem& y = b.elems[i];
    if (x.is_index != y.is_index) return 2;
    if (!(x == y)) return 0;
  }
  return 1;
}

void check_paths_disjoint(const std::vector<const Path*>& paths, ExprKind kind) {
  for (std::size_t i = 0; i < paths.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      int r = path_relation(*paths[j], *paths[i]);
      if (r == 0) continue;
      throw ExpressionError("Invalid " + std::string(kind_name(kind)) + ": Two document paths " +
                            (r == 1 ? "overlap" : "conflict") +
                            " with each other; must remove or rewrite one of these paths; path one: " +
                            paths[j]->to_string() + ", path two: " + paths[i]->to_string());
    }
  }
}

void check_all_used(const Params& p) {
  auto report = [](const char* what, const auto& all, const auto& used) {
    std::string keys;
    for (const auto& entry : all) {
      const std::string& k = entry.first;
      if (used.count(k)) continue;
      if (!keys.empty()) keys += ", ";
      keys += k;
    }
    if (!keys.empty())
      throw ExpressionError(std::string("Value provided in ") + what + " unused in expressions: keys: {" + keys + "}");
  };
  if (p.names) report("ExpressionAttributeNames", *p.names, p.used_names);
  if (p.values) report("ExpressionAttributeValues", *p.values, p.used_values);
}

namespace {

enum class Tok {
  Ident,     // attribute name, keyword or function name
  HashName,  // #name
  Value,     // :value
  Number,    // digits (list index)
  LParen, RParen, LBracket, RBracket, Comma, Dot,
  Eq, Ne, Lt, Le, Gt, Ge, Plus, Minus,
  Bad,       // a character the grammar has no use for
  End,
};

struct Token {
  Tok kind;
  std::string_view text;
  std::size_t pos;  // offset in the expression
};

// A name or function name starts with a letter: "_a" is the token "_"
// (a syntax error) followed by "a", as in DynamoDB.  Placeholders (#_a, :_a)
// may start with any name character.
bool ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)); }
bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    auto push = [&](Tok k, std::size_t len) {
      out.push_back(Token{k, s.substr(start, len), start});
      i = start + len;
    };
    if (ident_start(c)) {
      std::size_t j = i + 1;
      while (j < s.size() && ident_char(s[j])) ++j;
      push(Tok::Ident, j - i);
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      std::size_t j = i + 1;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      // "1abc" is one bad token, not a number then a name.
      if (j < s.size() && ident_char(s[j])) {
        while (j < s.size() && ident_char(s[j])) ++j;
        push(Tok::Bad, j - i);
      } else {
        push(Tok::Number, j - i);
      }
    } else if (c == '#' || c == ':') {
      std::size_t j = i + 1;
      while (j < s.size() && ident_char(s[j])) ++j;
      push(j == i + 1 ? Tok::Bad : (c == '#' ? Tok::HashName : Tok::Value), j - i);
    } else {
      switch (c) {
        case '(': push(Tok::LParen, 1); break;
        case ')': push(Tok::RParen, 1); break;
        case '[': push(Tok::LBracket, 1); break;
        case ']': push(Tok::RBracket, 1); break;
        case ',': push(Tok::Comma, 1); break;
        case '.': push(Tok::Dot, 1); break;
        case '=': push(Tok::Eq, 1); break;
        case '+': push(Tok::Plus, 1); break;
        case '-': push(Tok::Minus, 1); break;
        case '<':
          if (i + 1 < s.size() && s[i + 1] == '>') push(Tok::Ne, 2);
          else if (i + 1 < s.size() && s[i + 1] == '=') push(Tok::Le, 2);
          else push(Tok::Lt, 1);
          break;
        case '>':
          if (i + 1 < s.size() && s[i + 1] == '=') push(Tok::Ge, 2);
          else push(Tok::Gt, 1);
          break;
        default: {
          // One UTF-8 character.
          std::size_t len = 1;
          unsigned char u = static_cast<unsigned char>(c);
          if (u >= 0xC0) len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : 2;
          push(Tok::Bad, std::min(len, s.size() - i));
        }
      }
    }
  }
  out.push_back(Token{Tok::End, {}, s.size()});
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

class Parser {
 public:
  Parser(std::string_view text, ExprKind kind, Params& params)
      : text_(text), kind_(kind), params_(params), toks_(tokenize(text)) {
    // The matching ")" of every "(" (for redundant parentheses).
    match_.assign(toks_.size(), 0);
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < toks_.size(); ++i) {
      if (toks_[i].kind == Tok::LParen) {
        open.push_back(i);
      } else if (toks_[i].kind == Tok::RParen && !open.empty()) {
        match_[open.back()] = i;
        open.pop_back();
      }
    }
  }

  void check_not_empty() {
    bool blank = std::all_of(text_.begin(), text_.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
    if (blank) throw ExpressionError(prefix() + "The expression can not be empty;");
    if (text_.size() > kMaxExpressionBytes)
      throw ExpressionError(prefix() + "Expression size has exceeded the maximum allowed size; expression size: " +
                            std::to_string(text_.size()));
  }

  Condition condition() {
    Condition c = parse_or(0);
    expect_end();
    finish();
    return c;
  }

  UpdateExpr update() {
    UpdateExpr u;
    bool seen[4] = {false, false, false, false};
    static constexpr std::string_view kNames[4] = {"SET", "REMOVE", "ADD", "DELETE"};
    do {
      const Token& t = peek();
      int clause = -1;
      if (t.kind == Tok::Ident)
        for (int k = 0; k < 4; ++k)
          if (iequals(t.text, kNames[k])) clause = k;
      if (clause < 0) syntax_error(pos_);
      advance();
      if (seen[clause] && !error_)
        error_ = prefix() + "The \"" + std::string(kNames[clause]) + "\" section can only be used once in an update expression;";
      seen[clause] = true;
      const auto kind = static_cast<UpdateActionKind>(clause);
      while (true) {
        UpdateAction a;
        a.kind = kind;
        a.path = path();
        if (kind == UpdateActionKind::Set) {
          expect(Tok::Eq);
          a.value = set_value(0);
        } else if (kind == UpdateActionKind::Add || kind == UpdateActionKind::Delete) {
          a.value = value_operand();
          check_add_delete(a);
        }
        u.actions.push_back(std::move(a));
        if (peek().kind != Tok::Comma) break;
        advance();
      }
    } while (peek().kind != Tok::End);
    finish();
    std::vector<const Path*> paths;
    for (const auto& a : u.actions) paths.push_back(&a.path);
    check_paths_disjoint(paths, kind_);
    return u;
  }

  ProjectionExpr projection() {
    ProjectionExpr p;
    while (true) {
      p.paths.push_back(path());
      if (peek().kind != Tok::Comma) break;
      advance();
    }
    expect_end();
    finish();
    std::vector<const Path*> paths;
    for (const auto& x : p.paths) paths.push_back(&x);
    check_paths_disjoint(paths, kind_);
    return p;
  }

 private:
  std::string prefix() const { return "Invalid " + std::string(kind_name(kind_)) + ": "; }

  const Token& peek(std::size_t ahead = 0) const { return toks_[std::min(pos_ + ahead, toks_.size() - 1)]; }
  void advance() {
    if (pos_ + 1 < toks_.size()) ++pos_;
  }

  [[noreturn]] void syntax_error(std::size_t at) const {
    const Token& t = toks_[at];
    std::string token = t.kind == Tok::End ? "<EOF>" : std::string(t.text);
    std::size_t from = at > 0 ? toks_[at - 1].pos : t.pos;
    std::size_t to = t.kind == Tok::End ? text_.size()
                     : at + 1 < toks_.size() ? toks_[at + 1].pos + toks_[at + 1].text.size()
                                              : t.pos + t.text.size();
    std::string near(text_.substr(from, to - from));
    throw ExpressionError(prefix() + "Syntax error; token: \"" + token + "\", near: \"" + near + "\"");
  }

  void expect(Tok k) {
    if (peek().kind != k) syntax_error(pos_);
    advance();
  }
  void expect_end() {
    if (peek().kind != Tok::End) syntax_error(pos_);
  }
  bool keyword(std::string_view kw) const { return peek().kind == Tok::Ident && iequals(peek().text, kw); }

  // Records the first semantic error; syntax errors (thrown at once) win.
  void semantic(std::string msg) {
    if (!error_) error_ = prefix() + msg;
  }
  void finish() {
    // DynamoDB reports redundant parentheses before any other semantic error.
    if (redundant_parens_) throw ExpressionError(prefix() + "The expression has redundant parentheses;");
    if (error_) throw ExpressionError(*error_);
  }

  void enter(std::size_t at) {
    if (++depth_ > kMaxNesting) syntax_error(at);
  }

  // ---- paths and operands ----

  Path path() {
    Path p;
    p.elems.push_back(name_elem());
    while (true) {
      if (peek().kind == Tok::Dot) {
        advance();
        p.elems.push_back(name_elem());
      } else if (peek().kind == Tok::LBracket) {
        advance();
        if (peek().kind != Tok::Number) syntax_error(pos_);
        PathElem e;
        e.is_index = true;
        std::string_view digits = peek().text;
        unsigned long long v = 0;
        bool big = digits.size() > 9;
        for (char c : digits) v = big ? v : v * 10 + static_cast<unsigned>(c - '0');
        if (big || v > 0xFFFFFFFFull) {
          semantic("List index is too large; list index: " + std::string(digits));
          v = 0;
        }
        e.index = static_cast<std::uint32_t>(v);
        advance();
        expect(Tok::RBracket);
        p.elems.push_back(std::move(e));
      } else {
        break;
      }
    }
    if (p.elems.size() > kMaxPathDepth)
      semantic("The document path has too many nesting levels; nesting levels: " + std::to_string(p.elems.size()));
    return p;
  }

  PathElem name_elem() {
    const Token& t = peek();
    PathElem e;
    if (t.kind == Tok::Ident) {
      if (is_reserved_word(t.text)) semantic("Attribute name is a reserved keyword; reserved keyword: " + std::string(t.text));
      e.name = std::string(t.text);
    } else if (t.kind == Tok::HashName) {
      const std::string* resolved = nullptr;
      if (params_.names) {
        auto it = params_.names->find(t.text);
        if (it != params_.names->end()) resolved = &it->second;
      }
      if (!resolved) {
        semantic("An expression attribute name used in the document path is not defined; attribute name: " +
                 std::string(t.text));
      } else {
        params_.used_names.insert(std::string(t.text));
        e.name = *resolved;
      }
    } else {
      syntax_error(pos_);
    }
    advance();
    return e;
  }

  Operand value_operand() {
    const Token& t = peek();
    if (t.kind != Tok::Value) syntax_error(pos_);
    Operand o;
    o.kind = OperandKind::Value;
    o.name = std::string(t.text);
    const AttributeValue* v = params_.values ? map_find(*params_.values, t.text) : nullptr;
    if (!v)
      semantic("An expression attribute value used in expression is not defined; attribute value: " + std::string(t.text));
    else
      params_.used_values.insert(o.name);
    o.value = v;
    advance();
    return o;
  }

  // A function call: name '(' args ')'; the arguments by `arg`.
  template <class ArgFn>
  Operand function_call(ArgFn arg) {
    Operand f;
    f.kind = OperandKind::Function;
    f.name = std::string(peek().text);
    const std::size_t at = pos_;
    advance();
    expect(Tok::LParen);
    enter(at);
    // At least one argument: "f()" is a syntax error at ")".
    while (true) {
      f.args.push_back(arg());
      if (peek().kind != Tok::Comma) break;
      advance();
    }
    expect(Tok::RParen);
    --depth_;
    return f;
  }

  // operand := path | :value | function(...)
  Operand operand() {
    const Token& t = peek();
    if (t.kind == Tok::Value) return value_operand();
    if (t.kind == Tok::Ident && peek(1).kind == Tok::LParen) return function_call([this] { return operand(); });
    Operand o;
    o.kind = OperandKind::Path;
    o.path = path();
    return o;
  }

  // ---- conditions ----

  Condition parse_or(int) {
    return binary_chain("OR", CondKind::Or, [this] { return parse_and(); });
  }

  Condition parse_and() {
    return binary_chain("AND", CondKind::And, [this] { return parse_not(); });
  }

  // `operand (kw operand)*`, folded to the left into `kind` nodes: AND binds
  // tighter than OR and both are left-associative (DynamoDB's precedence,
  // Developer Guide "Comparison operator and function reference").
  template <class Next>
  Condition binary_chain(const char* kw, CondKind kind, Next operand) {
    Condition left = operand();
    while (keyword(kw)) {
      advance();
      Condition c;
      c.kind = kind;
      c.children.push_back(std::move(left));
      c.children.push_back(operand());
      left = std::move(c);
    }
    return left;
  }

  Condition parse_not() {
    if (keyword("NOT")) {
      const std::size_t at = pos_;
      advance();
      enter(at);
      Condition c;
      c.kind = CondKind::Not;
      c.children.push_back(parse_not());
      --depth_;
      return c;
    }
    return primary();
  }

  Condition primary() {
    if (peek().kind == Tok::LParen) {
      const std::size_t at = pos_;
      advance();
      enter(at);
      Condition c = parse_or(0);
      expect(Tok::RParen);
      --depth_;
      // "((cond))": the inner group is the whole content of the outer one.
      const std::size_t close = pos_ - 1;
      if (toks_[at + 1].kind == Tok::LParen && match_[at + 1] + 1 == close) redundant_parens_ = true;
      return c;
    }
    const std::size_t start = pos_;
    Operand left = operand();
    const Token& t = peek();
    std::optional<CompareOp> op;
    switch (t.kind) {
      case Tok::Eq: op = CompareOp::EQ; break;
      case Tok::Ne: op = CompareOp::NE; break;
      case Tok::Lt: op = CompareOp::LT; break;
      case Tok::Le: op = CompareOp::LE; break;
      case Tok::Gt: op = CompareOp::GT; break;
      case Tok::Ge: op = CompareOp::GE; break;
      default: break;
    }
    if (op) {
      advance();
      Condition c;
      c.kind = CondKind::Compare;
      c.op = *op;
      c.operands.push_back(std::move(left));
      c.operands.push_back(operand());
      check_value_operand(c.operands[0]);
      check_value_operand(c.operands[1]);
      if (*op != CompareOp::EQ && *op != CompareOp::NE)
        for (const auto& o : c.operands) check_orderable(compare_op_text(*op), o);
      if (c.operands[0].kind == OperandKind::Path && c.operands[1].kind == OperandKind::Path &&
          c.operands[0].path == c.operands[1].path)
        semantic(distinct_message(compare_op_text(*op), c.operands[0].path));
      return c;
    }
    if (keyword("BETWEEN")) {
      advance();
      Condition c;
      c.kind = CondKind::Between;
      c.operands.push_back(std::move(left));
      c.operands.push_back(operand());
      if (!keyword("AND")) syntax_error(pos_);
      advance();
      c.operands.push_back(operand());
      for (const auto& o : c.operands) check_value_operand(o);
      for (const auto& o : c.operands) check_orderable("BETWEEN", o);
      check_between_bounds(c);
      return c;
    }
    if (keyword("IN")) {
      advance();
      expect(Tok::LParen);
      Condition c;
      c.kind = CondKind::In;
      c.operands.push_back(std::move(left));
      while (true) {
        c.operands.push_back(operand());
        if (peek().kind != Tok::Comma) break;
        advance();
      }
      expect(Tok::RParen);
      for (const auto& o : c.operands) check_value_operand(o);
      if (c.operands.size() - 1 > kMaxInOperands)
        semantic("The IN operator is provided with too many operands; number of operands: " +
                 std::to_string(c.operands.size() - 1));
      return c;
    }
    // A function used as a condition.
    if (left.kind != OperandKind::Function) syntax_error(pos_);
    (void)start;
    return function_condition(std::move(left));
  }

  // Function names are case-sensitive ("ATTRIBUTE_EXISTS" is not a function).
  static std::optional<CondKind> condition_function(std::string_view n) {
    if (n == "attribute_exists") return CondKind::AttributeExists;
    if (n == "attribute_not_exists") return CondKind::AttributeNotExists;
    if (n == "attribute_type") return CondKind::AttributeType;
    if (n == "begins_with") return CondKind::BeginsWith;
    if (n == "contains") return CondKind::Contains;
    return std::nullopt;
  }
  static bool update_function(std::string_view n) { return n == "if_not_exists" || n == "list_append"; }
  static bool known_function(std::string_view n) { return condition_function(n) || n == "size" || update_function(n); }

  static std::string incorrect_type(std::string_view function, std::string_view type) {
    return "Incorrect operand type for operator or function; operator or function: " + std::string(function) +
           ", operand type: " + std::string(type);
  }

  void operand_count(const Operand& f, std::size_t n) {
    if (f.args.size() != n)
      semantic("Incorrect number of operands for operator or function; operator or function: " + f.name +
               ", number of operands: " + std::to_string(f.args.size()));
  }

  void require_path(const Operand& f, const Operand& arg) {
    if (arg.kind != OperandKind::Path)
      semantic("Operator or function requires a document path; operator or function: " + f.name);
  }

  // A function where a condition cannot use it: an unknown name, an update
  // function (if_not_exists, list_append), or one of the wrong kind (a
  // condition function as a value, size() as a condition).
  void misused_function(const Operand& f) {
    if (!known_function(f.name))
      semantic("Invalid function name; function: " + f.name);
    else if (update_function(f.name))
      semantic("The function is not allowed in a condition expression; function: " + f.name);
    else
      semantic("The function is not allowed to be used this way in an expression; function: " + f.name);
  }

  // An operand in a comparison, BETWEEN, IN or a condition function's
  // argument: only size() among functions, whose argument is a path or a
  // value of a type with a size (S, B, sets, L, M); size() of size() is a
  // number, which has none.
  void check_value_operand(const Operand& o) {
    if (o.kind != OperandKind::Function) return;
    if (o.name != "size") {
      misused_function(o);
      return;
    }
    operand_count(o, 1);
    if (o.args.size() != 1) return;
    const Operand& arg = o.args[0];
    if (arg.kind == OperandKind::Function) {
      if (arg.name != "size") {
        misused_function(arg);
        return;
      }
      check_value_operand(arg);
      semantic(incorrect_type("size", "N"));
    } else if (arg.kind == OperandKind::Value && arg.value && value_size_function(*arg.value) < 0) {
      semantic(incorrect_type("size", attr_type_name(arg.value->type)));
    }
  }

  // The operands of <, <=, >, >= and BETWEEN order only S, N and B: a value
  // of another type from the request is an error (one from the item only
  // makes the comparison false).
  void check_orderable(std::string_view op, const Operand& o) {
    if (o.kind != OperandKind::Value || !o.value) return;
    const AttrType t = o.value->type;
    if (t != AttrType::S && t != AttrType::N && t != AttrType::B) semantic(incorrect_type(op, attr_type_name(t)));
  }

  static std::string distinct_message(std::string_view op, const Path& first) {
    return "The first operand must be distinct from the remaining operands for this operator or function; "
           "operator: " + std::string(op) + ", first operand: " + first.to_string();
  }

  void check_between_bounds(const Condition& c) {
    const Operand& lo = c.operands[1];
    const Operand& hi = c.operands[2];
    if (lo.kind != OperandKind::Value || hi.kind != OperandKind::Value || !lo.value || !hi.value) return;
    int cmp = 0;
    const std::string bounds = "lower bound operand: AttributeValue: {" +
                               std::string(attr_type_name(lo.value->type)) + ":" + display(*lo.value) +
                               "}, upper bound operand: AttributeValue: {" +
                               std::string(attr_type_name(hi.value->type)) + ":" + display(*hi.value) + "}";
    if (lo.value->type != hi.value->type) {
      semantic("The BETWEEN operator requires same data type for lower and upper bounds; " + bounds);
      return;
    }
    if (!compare_scalars(*lo.value, *hi.value, cmp) || cmp <= 0) return;
    semantic("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; " + bounds);
  }

  // A bound as DynamoDB prints it: the text of S and N, the base64 of B.
  static std::string display(const AttributeValue& v) {
    if (v.type != AttrType::B) return v.str;
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    const std::string& in = v.str;
    for (std::size_t i = 0; i < in.size(); i += 3) {
      const std::size_t n = std::min<std::size_t>(3, in.size() - i);
      std::uint32_t chunk = 0;
      for (std::size_t k = 0; k < 3; ++k)
        chunk = (chunk << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
      for (std::size_t k = 0; k < 4; ++k) out += k <= n ? kAlphabet[(chunk >> (18 - 6 * k)) & 63] : '=';
    }
    return out;
  }

  // The static type of a condition function's operand for the type checks
  // of begins_with and attribute_type: a value's type, N for size(), none
  // (nullopt) for a path.
  static std::optional<AttrType> static_type(const Operand& o) {
    if (o.kind == OperandKind::Value && o.value) return o.value->type;
    if (o.kind == OperandKind::Function && o.name == "size") return AttrType::N;
    return std::nullopt;
  }

  Condition function_condition(Operand f) {
    Condition c;
    auto kind = condition_function(f.name);
    if (!kind) {
      misused_function(f);
      c.kind = CondKind::AttributeExists;
      return c;
    }
    c.kind = *kind;
    for (const auto& a : f.args) check_value_operand(a);
    if (f.args.size() == 2 && f.args[0].kind == OperandKind::Path && f.args[1].kind == OperandKind::Path &&
        f.args[0].path == f.args[1].path)
      semantic(distinct_message(f.name, f.args[0].path));
    switch (c.kind) {
      case CondKind::AttributeExists:
      case CondKind::AttributeNotExists:
        operand_count(f, 1);
        if (f.args.size() == 1) require_path(f, f.args[0]);
        break;
      case CondKind::AttributeType:
        // The first operand may be any operand; the second must name a type.
        operand_count(f, 2);
        if (f.args.size() == 2) {
          const Operand& t = f.args[1];
          auto type = static_type(t);
          if (t.kind == OperandKind::Path)
            semantic(incorrect_type(f.name, "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
          else if (type && *type != AttrType::S)
            semantic(incorrect_type(f.name, attr_type_name(*type)));
          else if (t.value && !valid_type_name(t.value->str))
            semantic("Invalid attribute type name found; type: " + t.value->str +
                     ", valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
        }
        break;
      case CondKind::BeginsWith:
        operand_count(f, 2);
        for (const auto& a : f.args)
          if (auto type = static_type(a); type && *type != AttrType::S && *type != AttrType::B)
            semantic(incorrect_type(f.name, attr_type_name(*type)));
        break;
      case CondKind::Contains:
        operand_count(f, 2);
        break;
      default:
        break;
    }
    c.operands = std::move(f.args);
    return c;
  }

  static bool valid_type_name(const std::string& s) {
    AttrType ignored;
    return attr_type_from_name(s, ignored);
  }

  // ---- update values ----

  Operand set_value(int depth) {
    const std::size_t at = pos_;
    Operand left = set_operand(depth);
    if (peek().kind == Tok::Plus || peek().kind == Tok::Minus) {
      Operand o;
      o.kind = peek().kind == Tok::Plus ? OperandKind::Plus : OperandKind::Minus;
      advance();
      o.args.push_back(std::move(left));
      o.args.push_back(set_operand(depth));
      for (const auto& a : o.args)
        if (a.kind == OperandKind::Value && a.value && a.value->type != AttrType::N)
          semantic("Incorrect operand type for operator or function; operator or function: " +
                   std::string(o.kind == OperandKind::Plus ? "+" : "-") + ", operand type: " +
                   std::string(attr_type_name(a.value->type)));
      (void)at;
      return o;
    }
    return left;
  }

  Operand set_operand(int depth) {
    const Token& t = peek();
    if (t.kind == Tok::Value) return value_operand();
    if (t.kind == Tok::Ident && peek(1).kind == Tok::LParen) {
      if (depth > kMaxNesting) syntax_error(pos_);
      // Arguments are operands: "f(x + y)" is a syntax error at "+".
      Operand f = function_call([this, depth] { return set_operand(depth + 1); });
      const std::string& n = f.name;
      if (n == "if_not_exists") {
        operand_count(f, 2);
        if (!f.args.empty()) require_path(f, f.args[0]);
      } else if (n == "list_append") {
        operand_count(f, 2);
        // DynamoDB takes if_not_exists() as an argument, not list_append().
        for (const auto& a : f.args)
          if (a.kind == OperandKind::Function && a.name == "list_append")
            semantic("The function is not allowed to be used this way in an expression; function: list_append");
        for (const auto& a : f.args)
          if (a.kind == OperandKind::Value && a.value && a.value->type != AttrType::L)
            semantic("Incorrect operand type for operator or function; operator or function: " + f.name +
                     ", operand type: " + std::string(attr_type_name(a.value->type)));
      } else if (known_function(f.name)) {
        semantic("The function is not allowed in an update expression; function: " + f.name);
      } else {
        semantic("Invalid function name; function: " + f.name);
      }
      return f;
    }
    Operand o;
    o.kind = OperandKind::Path;
    o.path = path();
    return o;
  }

  void check_add_delete(const UpdateAction& a) {
    if (!a.value.value) return;
    const AttrType t = a.value.value->type;
    const bool ok = a.kind == UpdateActionKind::Add ? (t == AttrType::N || a.value.value->is_set())
                                                    : a.value.value->is_set();
    if (ok) return;
    static constexpr std::string_view kLong[] = {"STRING", "NUMBER", "BINARY", "BOOLEAN", "NULL",
                                                 "MAP", "LIST", "STRING_SET", "NUMBER_SET", "BINARY_SET"};
    semantic("Incorrect operand type for operator or function; operator: " +
             std::string(a.kind == UpdateActionKind::Add ? "ADD" : "DELETE") +
             ", operand type: " + std::string(kLong[static_cast<int>(t)]));
  }

  std::string_view text_;
  ExprKind kind_;
  Params& params_;
  std::vector<Token> toks_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::optional<std::string> error_;
  std::vector<std::size_t> match_;
  bool redundant_parens_ = false;
};

}  // namespace

Condition parse_condition(std::string_view text, ExprKind kind, Params& params) {
  Parser p(text, kind, params);
  p.check_not_empty();
  return p.condition();
}

UpdateExpr parse_update(std::string_view text, Params& params) {
  Parser p(text, ExprKind::Update, params);
  p.check_not_empty();
  return p.update();
}

ProjectionExpr parse_projection(std::string_view text, Params& params) {
  Parser p(text, ExprKind::Projection, params);
  p.check_not_empty();
  return p.projection();
}

}  // namespace ddbd::expr
