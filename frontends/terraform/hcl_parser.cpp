// Recursive descent over the token vector. Newlines end attributes and separate object
// members, but are ignored inside (), [], function arguments, for expressions and
// template interpolations: `nl_ignore_` tracks which applies.
#include "hcl_parser.h"

#include "hcl_lexer.h"

#include <cstdlib>

namespace tenet::hcl {

const char* op_text(Op op) {
    switch (op) {
    case Op::Or:
        return "||";
    case Op::And:
        return "&&";
    case Op::Eq:
        return "==";
    case Op::Ne:
        return "!=";
    case Op::Lt:
        return "<";
    case Op::Le:
        return "<=";
    case Op::Gt:
        return ">";
    case Op::Ge:
        return ">=";
    case Op::Add:
        return "+";
    case Op::Sub:
        return "-";
    case Op::Mul:
        return "*";
    case Op::Div:
        return "/";
    case Op::Mod:
        return "%";
    case Op::Not:
        return "!";
    case Op::Neg:
        return "-";
    }
    return "?";
}

const Attribute* Body::attribute(std::string_view name) const {
    for (const Attribute& a : attributes)
        if (a.name == name) return &a;
    return nullptr;
}

namespace {

struct ParseFailure {
    ParseError error;
};

class Parser {
  public:
    Parser(File& f, const std::vector<Token>& toks) : f_(f), t_(toks) {}

    void file_body(Body& b) {
        b.loc = t_.front().loc;
        body(b, Tok::Eof);
    }

    Expr* lone_expression() {
        nl_ignore_.push_back(true);
        Expr* e = expression();
        if (peek().kind != Tok::Eof)
            fail(peek().loc,
                 std::string("unexpected ") + tok_name(peek().kind) + " after the expression");
        return e;
    }

    Expr* lone_template() {
        Expr* tpl = f_.make(ExprKind::Template, t_.front().loc);
        std::vector<Expr*> parts;
        std::string end = template_parts(parts, Tok::Eof);
        if (!end.empty()) fail(t_[i_].loc, "unexpected `%{ " + end + " }`");
        tpl->items = f_.list(parts);
        finish_template(tpl);
        return tpl;
    }

  private:
    struct DepthGuard {
        Parser& p;
        DepthGuard(Parser& parser, SourceLoc loc) : p(parser) {
            if (++p.depth_ > kMaxDepth)
                p.fail(loc,
                       "nesting is too deep (more than " + std::to_string(kMaxDepth) + " levels)");
        }
        ~DepthGuard() { --p.depth_; }
    };

    [[noreturn]] void fail(SourceLoc loc, std::string msg) {
        throw ParseFailure{{loc, std::move(msg)}};
    }

    const Token& raw(size_t k = 0) const { return t_[std::min(i_ + k, t_.size() - 1)]; }

    bool ignoring_newlines() const { return !nl_ignore_.empty() && nl_ignore_.back(); }

    const Token& peek() {
        if (ignoring_newlines())
            while (t_[i_].kind == Tok::Newline) ++i_;
        return t_[i_];
    }
    // The token after peek(), newlines skipped when they are ignored.
    const Token& peek2() {
        peek();
        size_t k = i_ + 1;
        if (ignoring_newlines())
            while (k < t_.size() && t_[k].kind == Tok::Newline) ++k;
        return t_[std::min(k, t_.size() - 1)];
    }
    const Token& next() {
        const Token& t = peek();
        if (i_ + 1 < t_.size()) ++i_;
        return t;
    }
    bool accept(Tok k) {
        if (peek().kind != k) return false;
        next();
        return true;
    }
    const Token& expect(Tok k, const char* what) {
        if (peek().kind != k)
            fail(peek().loc, std::string("expected ") + what + ", found " + tok_name(peek().kind));
        return next();
    }
    bool at_keyword(const char* kw) { return peek().kind == Tok::Ident && peek().text == kw; }
    void skip_newlines() {
        while (t_[i_].kind == Tok::Newline) ++i_;
    }

    // ---- bodies

    void body(Body& b, Tok end) {
        DepthGuard g(*this, raw().loc);
        nl_ignore_.push_back(false);
        while (true) {
            skip_newlines();
            const Token& t = t_[i_];
            if (t.kind == end) break;
            if (t.kind == Tok::Eof) fail(t.loc, "expected `}` to close the block");
            if (t.kind != Tok::Ident)
                fail(t.loc,
                     std::string("expected an attribute or block name, found ") + tok_name(t.kind));
            std::string_view name = f_.keep(t.text);
            SourceLoc loc = t.loc;
            ++i_;
            if (t_[i_].kind == Tok::Assign) {
                ++i_;
                attribute(b, name, loc);
            } else {
                block(b, name, loc);
            }
            end_of_item(end);
        }
        nl_ignore_.pop_back();
    }

    void end_of_item(Tok end) {
        Tok k = t_[i_].kind;
        if (k == Tok::Newline) {
            ++i_;
            return;
        }
        if (k == Tok::Eof || k == end) return;
        fail(t_[i_].loc,
             std::string("expected a newline after the attribute or block, found ") + tok_name(k));
    }

    void attribute(Body& b, std::string_view name, SourceLoc loc) {
        for (const Attribute& a : b.attributes)
            if (a.name == name)
                fail(loc, "attribute `" + std::string(name) + "` is already defined at line " +
                              std::to_string(a.loc.line));
        Expr* e = expression();
        b.attributes.push_back({name, loc, e});
    }

    void block(Body& b, std::string_view type, SourceLoc loc) {
        Block blk;
        blk.type = type;
        blk.loc = loc;
        while (true) {
            const Token& t = t_[i_];
            if (t.kind == Tok::Ident) {
                blk.labels.emplace_back(t.text);
                blk.label_locs.push_back(t.loc);
                ++i_;
            } else if (t.kind == Tok::OQuote) {
                SourceLoc at = t.loc;
                ++i_;
                std::string label;
                if (t_[i_].kind == Tok::TemplateLit) label = t_[i_++].text;
                if (t_[i_].kind != Tok::CQuote)
                    fail(t_[i_].loc, "a block label cannot contain template sequences");
                ++i_;
                blk.labels.push_back(std::move(label));
                blk.label_locs.push_back(at);
            } else {
                break;
            }
        }
        if (t_[i_].kind != Tok::LBrace) {
            const char* hint = blk.labels.empty() ? "`=` or `{`" : "`{`";
            fail(t_[i_].loc, std::string("expected ") + hint + " after `" + std::string(blk.type) +
                                 "`, found " + tok_name(t_[i_].kind));
        }
        blk.body.loc = t_[i_].loc;
        ++i_;
        if (t_[i_].kind == Tok::Newline) {
            body(blk.body, Tok::RBrace);
        } else if (t_[i_].kind != Tok::RBrace) {
            // A single-line block holds at most one attribute: `lifecycle { prevent_destroy = true
            // }`.
            nl_ignore_.push_back(false);
            if (t_[i_].kind != Tok::Ident || raw(1).kind != Tok::Assign)
                fail(t_[i_].loc, "a single-line block can hold only one attribute");
            std::string_view name = f_.keep(t_[i_].text);
            SourceLoc aloc = t_[i_].loc;
            i_ += 2;
            attribute(blk.body, name, aloc);
            nl_ignore_.pop_back();
        }
        if (t_[i_].kind != Tok::RBrace)
            fail(t_[i_].loc, "expected `}` to close the `" + std::string(blk.type) + "` block");
        ++i_;
        b.blocks.push_back(std::move(blk));
    }

    // ---- expressions, lowest precedence first

    Expr* expression() {
        DepthGuard g(*this, peek().loc);
        Expr* cond = binary(0);
        if (peek().kind != Tok::Question) return cond;
        next();
        Expr* e = f_.make(ExprKind::Conditional, cond->loc);
        e->a = cond;
        e->b = expression();
        expect(Tok::Colon, "`:` in the conditional expression");
        e->c = expression();
        return e;
    }

    static bool binary_op(int level, Tok k, Op& op) {
        switch (level) {
        case 0:
            op = Op::Or;
            return k == Tok::Or;
        case 1:
            op = Op::And;
            return k == Tok::And;
        case 2:
            op = k == Tok::Eq ? Op::Eq : Op::Ne;
            return k == Tok::Eq || k == Tok::Ne;
        case 3:
            op = k == Tok::Lt ? Op::Lt : k == Tok::Le ? Op::Le : k == Tok::Gt ? Op::Gt : Op::Ge;
            return k == Tok::Lt || k == Tok::Le || k == Tok::Gt || k == Tok::Ge;
        case 4:
            op = k == Tok::Plus ? Op::Add : Op::Sub;
            return k == Tok::Plus || k == Tok::Minus;
        case 5:
            op = k == Tok::Star ? Op::Mul : k == Tok::Slash ? Op::Div : Op::Mod;
            return k == Tok::Star || k == Tok::Slash || k == Tok::Percent;
        }
        return false;
    }

    Expr* binary(int level) {
        if (level == 6) return unary();
        Expr* left = binary(level + 1);
        Op op;
        while (binary_op(level, peek().kind, op)) {
            SourceLoc loc = next().loc;
            Expr* e = f_.make(ExprKind::Binary, loc);
            e->op = op;
            e->a = left;
            e->b = binary(level + 1);
            e->loc = left->loc;
            left = e;
        }
        return left;
    }

    Expr* unary() {
        DepthGuard g(*this, peek().loc);
        Tok k = peek().kind;
        if (k == Tok::Not || k == Tok::Minus) {
            SourceLoc loc = next().loc;
            Expr* operand = unary();
            if (k == Tok::Minus && operand->kind == ExprKind::Literal &&
                operand->lit == LitKind::Number) {
                operand->number = -operand->number;
                operand->loc = loc;
                return operand;
            }
            Expr* e = f_.make(ExprKind::Unary, loc);
            e->op = k == Tok::Not ? Op::Not : Op::Neg;
            e->a = operand;
            return e;
        }
        return postfix(primary());
    }

    // Attribute access, index and splats after a primary expression.
    Expr* postfix(Expr* e) {
        while (true) {
            Expr* step = traversal_step(e, false);
            if (!step) return e;
            e = step;
        }
    }

    // One `.name`, `.0`, `[key]`, `[*]` or `.*` applied to `e`; nullptr when none follows.
    // Inside a legacy attribute splat (`attr_only`) an index ends the splat.
    Expr* traversal_step(Expr* e, bool attr_only) {
        const Token& t = peek();
        if (t.kind == Tok::Dot) {
            const Token& n = peek2();
            if (n.kind == Tok::Star) {
                SourceLoc loc = next().loc;
                next();
                return splat(e, loc, true);
            }
            next();
            const Token& name = next();
            if (name.kind == Tok::Ident) {
                Expr* g =
                    f_.make(ExprKind::GetAttr, e->loc); // a traversal starts where its root does
                g->a = e;
                g->name = f_.keep(name.text);
                return g;
            }
            if (name.kind == Tok::Number) {
                Expr* ix = f_.make(ExprKind::Index, e->loc);
                ix->a = e;
                ix->b = number_literal(name);
                return ix;
            }
            fail(name.loc,
                 std::string("expected an attribute name after `.`, found ") + tok_name(name.kind));
        }
        if (t.kind == Tok::LBrack && !attr_only) {
            SourceLoc loc = next().loc;
            nl_ignore_.push_back(true);
            if (peek().kind == Tok::Star && peek2().kind == Tok::RBrack) {
                next();
                next();
                nl_ignore_.pop_back();
                return splat(e, loc, false);
            }
            Expr* ix = f_.make(ExprKind::Index, e->loc);
            ix->a = e;
            ix->b = expression();
            expect(Tok::RBrack, "`]` after the index");
            nl_ignore_.pop_back();
            return ix;
        }
        return nullptr;
    }

    Expr* splat(Expr* source, SourceLoc loc, bool attr_only) {
        Expr* s = f_.make(ExprKind::Splat, source->loc);
        s->a = source;
        Expr* each = f_.make(ExprKind::SplatItem, loc);
        while (Expr* step = traversal_step(each, attr_only)) each = step;
        s->b = each;
        return s;
    }

    Expr* number_literal(const Token& t) {
        Expr* e = f_.make(ExprKind::Literal, t.loc);
        e->lit = LitKind::Number;
        e->number = std::strtod(std::string(t.text).c_str(), nullptr);
        return e;
    }

    Expr* primary() {
        const Token& t = peek();
        switch (t.kind) {
        case Tok::Number:
            return number_literal(next());
        case Tok::Ident:
            return identifier();
        case Tok::OQuote: {
            SourceLoc loc = next().loc;
            return template_expr(loc, Tok::CQuote);
        }
        case Tok::OHeredoc: {
            SourceLoc loc = next().loc;
            return template_expr(loc, Tok::CHeredoc);
        }
        case Tok::LParen: {
            SourceLoc loc = next().loc;
            nl_ignore_.push_back(true);
            Expr* e = f_.make(ExprKind::Parens, loc);
            e->a = expression();
            expect(Tok::RParen, "`)`");
            nl_ignore_.pop_back();
            return e;
        }
        case Tok::LBrack:
            return tuple();
        case Tok::LBrace:
            return object();
        default:
            break;
        }
        fail(t.loc, std::string("expected an expression, found ") + tok_name(t.kind));
    }

    Expr* identifier() {
        const Token& t = next();
        if (t.text == "true" || t.text == "false") {
            Expr* e = f_.make(ExprKind::Literal, t.loc);
            e->lit = LitKind::Bool;
            e->boolean = t.text == "true";
            return e;
        }
        if (t.text == "null") return f_.make(ExprKind::Literal, t.loc);
        std::string_view name = t.text;
        // provider::aws::arn_parse(...)
        if (raw().kind == Tok::DoubleColon && raw(1).kind == Tok::Ident) {
            std::string full(name);
            while (raw().kind == Tok::DoubleColon && raw(1).kind == Tok::Ident) {
                full += "::";
                full += raw(1).text;
                i_ += 2;
            }
            name = f_.keep(full);
        } else {
            name = f_.keep(name);
        }
        if (raw().kind == Tok::LParen) return call(name, t.loc);
        Expr* v = f_.make(ExprKind::Variable, t.loc);
        v->name = name;
        return v;
    }

    Expr* call(std::string_view name, SourceLoc loc) {
        ++i_; // (
        nl_ignore_.push_back(true);
        Expr* c = f_.make(ExprKind::Call, loc);
        c->name = name;
        std::vector<Expr*> args;
        while (peek().kind != Tok::RParen) {
            args.push_back(expression());
            if (accept(Tok::Ellipsis)) {
                c->expand = true;
                accept(Tok::Comma);
                if (peek().kind != Tok::RParen)
                    fail(peek().loc, "`...` may only follow the last argument");
                break;
            }
            if (!accept(Tok::Comma) && peek().kind != Tok::RParen)
                fail(peek().loc, std::string("expected `,` or `)` in the arguments of `") +
                                     std::string(c->name) + "`, found " + tok_name(peek().kind));
        }
        next();
        nl_ignore_.pop_back();
        c->items = f_.list(args);
        return c;
    }

    bool at_for() { return at_keyword("for") && peek2().kind == Tok::Ident; }

    Expr* tuple() {
        SourceLoc loc = next().loc;
        nl_ignore_.push_back(true);
        Expr* e;
        if (at_for()) {
            e = for_expr(loc, false);
        } else {
            e = f_.make(ExprKind::Tuple, loc);
            std::vector<Expr*> items;
            while (peek().kind != Tok::RBrack) {
                items.push_back(expression());
                if (!accept(Tok::Comma) && peek().kind != Tok::RBrack)
                    fail(peek().loc, std::string("expected `,` or `]` in the tuple, found ") +
                                         tok_name(peek().kind));
            }
            e->items = f_.list(items);
        }
        expect(Tok::RBrack, "`]`");
        nl_ignore_.pop_back();
        return e;
    }

    Expr* object() {
        SourceLoc loc = next().loc;
        nl_ignore_.push_back(true);
        if (at_for()) {
            Expr* e = for_expr(loc, true);
            expect(Tok::RBrace, "`}` to close the for expression");
            nl_ignore_.pop_back();
            return e;
        }
        nl_ignore_.back() = false;
        Expr* e = f_.make(ExprKind::Object, loc);
        std::vector<Expr*> members;
        while (true) {
            skip_newlines();
            if (t_[i_].kind == Tok::RBrace) break;
            nl_ignore_.push_back(true);
            Expr* key = expression();
            nl_ignore_.pop_back();
            if (key->kind == ExprKind::Variable) { // a bare name is the key itself
                key->kind = ExprKind::Literal;
                key->lit = LitKind::String;
            }
            if (!accept(Tok::Assign) && !accept(Tok::Colon))
                fail(peek().loc, std::string("expected `=` or `:` after the object key, found ") +
                                     tok_name(peek().kind));
            Expr* value = expression();
            members.push_back(key);
            members.push_back(value);
            Tok k = t_[i_].kind;
            if (k == Tok::Comma || k == Tok::Newline) {
                ++i_;
            } else if (k != Tok::RBrace) {
                fail(t_[i_].loc,
                     std::string("expected `,`, a newline or `}` after the object member, found ") +
                         tok_name(k));
            }
        }
        ++i_;
        nl_ignore_.pop_back();
        e->items = f_.list(members);
        return e;
    }

    // After `[` or `{`, at `for`.
    Expr* for_expr(SourceLoc loc, bool object_form) {
        next();
        Expr* e = f_.make(ExprKind::For, loc);
        e->object_for = object_form;
        e->name2 = f_.keep(expect(Tok::Ident, "a variable name after `for`").text);
        if (accept(Tok::Comma)) {
            e->name = e->name2;
            e->name2 = f_.keep(expect(Tok::Ident, "a value variable name after `,`").text);
        }
        if (!at_keyword("in")) fail(peek().loc, "expected `in` in the for expression");
        next();
        e->a = expression();
        expect(Tok::Colon, "`:` after the collection of the for expression");
        if (object_form) {
            e->b = expression();
            expect(Tok::FatArrow, "`=>` between the key and the value of the for expression");
        }
        e->c = expression();
        if (object_form && accept(Tok::Ellipsis)) e->expand = true;
        if (at_keyword("if")) {
            next();
            e->d = expression();
        }
        return e;
    }

    // ---- templates

    Expr* template_expr(SourceLoc loc, Tok close) {
        std::vector<Expr*> parts;
        std::string end = template_parts(parts, close);
        if (!end.empty()) fail(t_[i_].loc, "unexpected `%{ " + end + " }`");
        if (t_[i_].kind != close) fail(t_[i_].loc, std::string("expected ") + tok_name(close));
        ++i_;
        // A string without interpolations or directives (most of them) is one node: a
        // literal at the template's position, marked as written in quotes.
        if (parts.empty() || (parts.size() == 1 && parts[0]->kind == ExprKind::Literal)) {
            Expr* lit = parts.empty() ? f_.make(ExprKind::Literal, loc) : parts[0];
            lit->loc = loc;
            lit->lit = LitKind::String;
            lit->unwrap = true;
            return lit;
        }
        Expr* tpl = f_.make(ExprKind::Template, loc);
        tpl->items = f_.list(parts);
        finish_template(tpl);
        return tpl;
    }

    static void finish_template(Expr* tpl) {
        if (tpl->items.size() == 1) {
            ExprKind k = tpl->items[0]->kind;
            tpl->unwrap = !(k == ExprKind::Literal || k == ExprKind::TemplateIf ||
                            k == ExprKind::TemplateFor);
        }
    }

    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

    void add_literal(std::vector<Expr*>& parts, const Token& t) {
        std::string_view text = t.text;
        if (strip_next_) {
            size_t k = 0;
            while (k < text.size() && is_space(text[k])) ++k;
            text.remove_prefix(k);
            strip_next_ = false;
        }
        if (text.empty()) return;
        Expr* lit = f_.make(ExprKind::Literal, t.loc);
        lit->lit = LitKind::String;
        lit->name = f_.keep(text);
        parts.push_back(lit);
    }

    static void strip_previous(std::vector<Expr*>& parts) {
        if (parts.empty() || parts.back()->kind != ExprKind::Literal) return;
        std::string_view& s = parts.back()->name;
        while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
        if (s.empty()) parts.pop_back();
    }

    void end_sequence() {
        nl_ignore_.push_back(true);
        peek();
        nl_ignore_.pop_back();
        if (t_[i_].kind != Tok::TemplateSeqEnd)
            fail(t_[i_].loc, std::string("expected `}` to end the template sequence, found ") +
                                 tok_name(t_[i_].kind));
        strip_next_ = t_[i_].strip;
        ++i_;
    }

    // Parts up to `close` (not consumed) or up to a `%{ else }`, `%{ endif }` or
    // `%{ endfor }` (consumed; its keyword is returned).
    std::string template_parts(std::vector<Expr*>& parts, Tok close) {
        DepthGuard g(*this, raw().loc);
        while (true) {
            const Token& t = t_[i_];
            if (t.kind == close) return {};
            switch (t.kind) {
            case Tok::TemplateLit:
                add_literal(parts, t);
                ++i_;
                break;
            case Tok::TemplateInterp: {
                if (t.strip) strip_previous(parts);
                ++i_;
                nl_ignore_.push_back(true);
                parts.push_back(expression());
                nl_ignore_.pop_back();
                end_sequence();
                break;
            }
            case Tok::TemplateControl: {
                SourceLoc loc = t.loc;
                if (t.strip) strip_previous(parts);
                ++i_;
                nl_ignore_.push_back(true);
                const Token& kw = peek();
                std::string word = kw.kind == Tok::Ident ? std::string(kw.text) : "";
                nl_ignore_.pop_back();
                if (word == "else" || word == "endif" || word == "endfor") {
                    next();
                    end_sequence();
                    return word;
                }
                if (word == "if")
                    parts.push_back(template_if(loc, close));
                else if (word == "for")
                    parts.push_back(template_for(loc, close));
                else
                    fail(kw.loc, "expected `if`, `for`, `else`, `endif` or `endfor` after `%{`");
                break;
            }
            case Tok::Eof:
                fail(t.loc, std::string("unterminated template: expected ") + tok_name(close));
            default:
                fail(t.loc, std::string("unexpected ") + tok_name(t.kind) + " in the template");
            }
        }
    }

    Expr* directive_body(SourceLoc loc, Tok close, std::string& end) {
        Expr* body = f_.make(ExprKind::Template, loc);
        std::vector<Expr*> parts;
        end = template_parts(parts, close);
        body->items = f_.list(parts);
        return body;
    }

    Expr* template_if(SourceLoc loc, Tok close) {
        nl_ignore_.push_back(true);
        next(); // if
        Expr* e = f_.make(ExprKind::TemplateIf, loc);
        e->a = expression();
        nl_ignore_.pop_back();
        end_sequence();
        std::string end;
        e->b = directive_body(loc, close, end);
        if (end == "else") e->c = directive_body(loc, close, end);
        if (end != "endif")
            fail(t_[i_].loc, "expected `%{ endif }` to close the `%{ if }` at line " +
                                 std::to_string(loc.line));
        return e;
    }

    Expr* template_for(SourceLoc loc, Tok close) {
        nl_ignore_.push_back(true);
        next(); // for
        Expr* e = f_.make(ExprKind::TemplateFor, loc);
        e->name2 = f_.keep(expect(Tok::Ident, "a variable name after `for`").text);
        if (accept(Tok::Comma)) {
            e->name = e->name2;
            e->name2 = f_.keep(expect(Tok::Ident, "a value variable name after `,`").text);
        }
        if (!at_keyword("in")) fail(peek().loc, "expected `in` in the `%{ for }` directive");
        next();
        e->a = expression();
        nl_ignore_.pop_back();
        end_sequence();
        std::string end;
        e->b = directive_body(loc, close, end);
        if (end != "endfor")
            fail(t_[i_].loc, "expected `%{ endfor }` to close the `%{ for }` at line " +
                                 std::to_string(loc.line));
        return e;
    }

    File& f_;
    const std::vector<Token>& t_;
    size_t i_ = 0;
    uint32_t depth_ = 0;
    bool strip_next_ = false;
    std::vector<uint8_t> nl_ignore_; // not vector<bool>: read at every token
};

} // namespace

bool parse_native(std::string_view text, FileId id, File& out, ParseError& error) {
    out.id = id;
    LexResult lx = lex_file(text, id);
    if (!lx.ok) {
        error = {lx.error.loc, lx.error.message};
        return false;
    }
    out.reserve(lx.tokens.size() * 26 + 256);
    try {
        Parser(out, lx.tokens).file_body(out.body);
    } catch (const ParseFailure& f) {
        error = f.error;
        return false;
    }
    return true;
}

Expr* parse_expression_text(File& file, std::string_view text, SourceLoc start, ParseError& error) {
    LexResult lx = lex_file(text, start.file);
    if (!lx.ok) {
        error = {lx.error.loc, lx.error.message};
        return nullptr;
    }
    // lex_file numbers from 1:1; shift to `start` (these texts are one line).
    for (Token& t : lx.tokens) {
        if (t.loc.line == 1) t.loc.column += start.column - 1;
        t.loc.line += start.line - 1;
    }
    try {
        return Parser(file, lx.tokens).lone_expression();
    } catch (const ParseFailure& f) {
        error = f.error;
        return nullptr;
    }
}

Expr* parse_template_text(File& file, std::string_view text, SourceLoc start, ParseError& error) {
    LexResult lx = lex_template(text, start);
    if (!lx.ok) {
        error = {lx.error.loc, lx.error.message};
        return nullptr;
    }
    try {
        return Parser(file, lx.tokens).lone_template();
    } catch (const ParseFailure& f) {
        error = f.error;
        return nullptr;
    }
}

} // namespace tenet::hcl
