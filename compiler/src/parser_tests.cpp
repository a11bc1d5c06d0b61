// Parse tree -> AST, test declarations (`tenet test`): inputs (inline text blocks with
// their line positions, fixture paths), parameters and expectations.
#include "parser_internal.h"
#include "tenet/compiler/text_block.h"

namespace tenet::parse {

using namespace tenet::ast;

namespace {

void collect_tokens(antlr4::tree::ParseTree* t, std::vector<antlr4::Token*>& out) {
    if (auto* term = dynamic_cast<antlr4::tree::TerminalNode*>(t)) {
        out.push_back(term->getSymbol());
        return;
    }
    for (auto* child : t->children) collect_tokens(child, out);
}

} // namespace

std::string Builder::adjacent_text(antlr4::ParserRuleContext* ctx, const char* what) {
    std::vector<antlr4::Token*> tokens;
    collect_tokens(ctx, tokens);
    if (tokens.size() == 1 && tokens[0]->getType() == TP::STRING)
        return decode_string(s_, tokens[0]->getText(), run_.byte_of(tokens[0]), false).value;
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
        antlr4::Token* t = tokens[i];
        if (i && run_.byte_end_of(tokens[i - 1]) != run_.byte_of(t)) {
            s_.error(Diag::SyntaxError,
                     s_.span_bytes(run_.byte_end_of(tokens[i - 1]), run_.byte_of(t)),
                     fmt::format("{} is written without spaces", what));
            return out;
        }
        out += t->getText();
    }
    return out;
}

std::unique_ptr<TestDecl> Builder::test(TP::TestDeclContext* ctx, const std::string& package) {
    auto t = std::make_unique<TestDecl>();
    t->span = run_.span(ctx);
    t->name_span = run_.span(ctx->name);
    t->name = decode_string(s_, ctx->name->getText(), run_.byte_of(ctx->name), false).value;
    t->package = package;
    for (auto* stmt : ctx->testStmt()) test_stmt(*t, stmt);
    return t;
}

void Builder::test_stmt(TestDecl& test, TP::TestStmtContext* ctx) {
    if (auto* c = dynamic_cast<TP::InlineInputContext*>(ctx)) {
        TestInput in;
        in.span = run_.span(c);
        in.frontend = text(c->frontend);
        in.frontend_span = run_.span(c->frontend);
        if (c->fileName) {
            in.file_name =
                decode_string(s_, c->fileName->getText(), run_.byte_of(c->fileName), false).value;
            in.file_name_span = run_.span(c->fileName);
        }
        // The raw bytes of the block, from the file (not ANTLR's re-encoded text).
        uint32_t begin = run_.byte_of(c->text) + 3;
        uint32_t end = run_.byte_end_of(c->text);
        std::string_view raw(s_.sm.text(s_.file));
        raw = raw.substr(begin, end > begin ? end - begin : 0);
        if (raw.size() >= 3 && raw.substr(raw.size() - 3) == "\"\"\"") raw.remove_suffix(3);
        DedentedText d = dedent_text_block(raw);
        in.block.text = std::move(d.text);
        for (uint32_t off : d.line_offsets) in.block.line_locs.push_back(s_.loc_at(begin + off));
        test.inputs.push_back(std::move(in));
    } else if (auto* c = dynamic_cast<TP::FixtureInputContext*>(ctx)) {
        TestInput in;
        in.span = run_.span(c);
        in.path = decode_string(s_, c->path->getText(), run_.byte_of(c->path), false).value;
        in.path_span = run_.span(c->path);
        test.inputs.push_back(std::move(in));
    } else if (auto* c = dynamic_cast<TP::TestParamContext*>(ctx)) {
        TestParam p;
        p.span = run_.span(c);
        p.name_span = run_.span(c->name);
        p.name = text(c->name);
        p.value = primary(c->value);
        if (c->MINUS()) {
            auto neg = std::make_unique<Expr>();
            neg->kind = ExprKind::Unary;
            neg->un_op = UnOp::Neg;
            neg->span = {run_.span(c->MINUS()->getSymbol()).begin, p.value->span.end};
            neg->lhs = std::move(p.value);
            p.value = std::move(neg);
        }
        test.params.push_back(std::move(p));
    } else if (auto* c = dynamic_cast<TP::ExpectVerdictStmtContext*>(ctx)) {
        TestExpect e;
        e.span = run_.span(c);
        e.rule = adjacent_text(c->ref, "a rule id");
        e.rule_span = run_.span(c->ref);
        std::string v = text(c->verdict);
        e.what = v == "fails"     ? Expectation::Fails
                 : v == "passes"  ? Expectation::Passes
                 : v == "unknown" ? Expectation::Unknown
                                  : Expectation::NotApplicable;
        if (c->address) {
            e.address = adjacent_text(c->address, "an address");
            e.address_span = run_.span(c->address);
        }
        test.expects.push_back(std::move(e));
    } else if (auto* c = dynamic_cast<TP::ExpectNoFindingsContext*>(ctx)) {
        TestExpect e;
        e.span = run_.span(c);
        e.what = Expectation::NoFindings;
        if (c->ref) {
            e.rule = adjacent_text(c->ref, "a rule id");
            e.rule_span = run_.span(c->ref);
        }
        test.expects.push_back(std::move(e));
    }
}

} // namespace tenet::parse
