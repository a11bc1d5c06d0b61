// Whole-program graphs: predicate recursion (E0305, direct or mutual) and the
// initialization order of globals (params and top-level lets), with cycles E0207.
#include "checker_internal.h"

#include <functional>

namespace tenet::check {

void Checker::check_recursion() {
    // Tarjan's strongly connected components over predicate calls.
    std::map<const Decl*, int> index, low;
    std::set<const Decl*> on_stack;
    std::vector<const Decl*> stack;
    int counter = 0;
    std::function<void(const Decl*)> visit = [&](const Decl* v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack.insert(v);
        for (const Decl* w : uses_[v]) {
            if (w->kind != DeclKind::Pred) continue;
            if (!index.count(w)) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (on_stack.count(w)) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] != index[v]) return;
        std::vector<const Decl*> scc;
        const Decl* w = nullptr;
        do {
            w = stack.back();
            stack.pop_back();
            on_stack.erase(w);
            scc.push_back(w);
        } while (w != v);
        bool self_loop = std::find(uses_[v].begin(), uses_[v].end(), v) != uses_[v].end();
        if (scc.size() < 2 && !self_loop) return;
        std::sort(scc.begin(), scc.end(), [](const Decl* a, const Decl* b) {
            return std::tie(a->name_span.begin.file, a->name_span.begin.line,
                            a->name_span.begin.column) < std::tie(b->name_span.begin.file,
                                                                  b->name_span.begin.line,
                                                                  b->name_span.begin.column);
        });
        for (const Decl* p : scc) {
            auto& d = diags_.report(Diag::Recursion, p->name_span, p->name);
            for (const Decl* q : scc)
                if (q != p) d.notes.push_back({q->name_span, "through `" + q->name + "`"});
            d.help = "predicates must terminate: rewrite it without calling itself";
        }
    };
    for (const PredDecl* p : prog_.preds)
        if (!index.count(p)) visit(p);
}

void Checker::order_globals() {
    // Globals a declaration reads, directly or through the predicates it calls.
    std::map<const Decl*, std::set<const Decl*>> reach;
    std::set<const Decl*> busy;
    std::function<const std::set<const Decl*>&(const Decl*)> globals_of =
        [&](const Decl* d) -> const std::set<const Decl*>& {
        auto it = reach.find(d);
        if (it != reach.end()) return it->second;
        std::set<const Decl*> out;
        if (!busy.insert(d).second) return reach[nullptr]; // recursion is reported elsewhere
        for (const Decl* u : uses_[d]) {
            if (u->kind == DeclKind::Param || u->kind == DeclKind::Let)
                out.insert(u);
            else if (u->kind == DeclKind::Pred)
                for (const Decl* g : globals_of(u)) out.insert(g);
        }
        busy.erase(d);
        return reach[d] = std::move(out);
    };

    std::vector<const Decl*> decls;
    for (File& f : prog_.files)
        for (auto& d : f.decls)
            if (d->kind == DeclKind::Param || d->kind == DeclKind::Let) decls.push_back(d.get());

    enum Mark { White, Gray, Black };
    std::map<const Decl*, Mark> mark;
    std::set<const Decl*> reported;
    std::function<void(const Decl*)> visit = [&](const Decl* d) {
        mark[d] = Gray;
        for (const Decl* g : globals_of(d)) {
            if (mark[g] == Gray) {
                if (reported.insert(g).second) {
                    auto& diag = diags_.report(Diag::CycleInLets, g->name_span, g->name);
                    if (g != d) diag.notes.push_back({d->name_span, "through `" + d->name + "`"});
                }
                continue;
            }
            if (mark[g] == White) visit(g);
        }
        mark[d] = Black;
        const_cast<Decl*>(d)->kind == DeclKind::Param
            ? static_cast<ParamDecl*>(const_cast<Decl*>(d))->global =
                  static_cast<uint32_t>(prog_.globals.size())
            : static_cast<LetDecl*>(const_cast<Decl*>(d))->global =
                  static_cast<uint32_t>(prog_.globals.size());
        prog_.globals.push_back(d);
    };
    for (const Decl* d : decls)
        if (mark[d] == White) visit(d);

    for (auto& [e, d] : global_refs_)
        e->slot = d->kind == DeclKind::Param ? static_cast<const ParamDecl*>(d)->global
                                             : static_cast<const LetDecl*>(d)->global;
}

void Checker::mark_scan_lets() {
    // A declaration reads the model when its body does, or a predicate or let it uses
    // does; where it does so first, for the diagnostics.
    std::map<const Decl*, const SourceSpan*> reads;
    std::set<const Decl*> busy;
    std::function<const SourceSpan*(const Decl*)> reads_model = [&](const Decl* d) {
        auto it = reads.find(d);
        if (it != reads.end()) return it->second;
        if (!busy.insert(d).second) return static_cast<const SourceSpan*>(nullptr); // a cycle
        const SourceSpan* where = nullptr;
        if (auto own = model_reads_.find(d); own != model_reads_.end()) where = &own->second;
        for (const Decl* u : uses_[d])
            if (!where && (u->kind == DeclKind::Pred || u->kind == DeclKind::Let))
                where = reads_model(u);
        busy.erase(d);
        return reads[d] = where;
    };
    for (const Decl* g : prog_.globals) {
        if (g->kind == DeclKind::Let) {
            const_cast<LetDecl*>(static_cast<const LetDecl*>(g))->scan = reads_model(g) != nullptr;
        } else if (const SourceSpan* where = reads_model(g)) {
            auto& d = diags_.report(Diag::ParamReadsModel, g->name_span, g->name);
            d.notes.push_back({*where, "the model is read here"});
            d.help = "a parameter's value is known before any model is loaded: compute the value "
                     "in a top-level `let` (evaluated once per scan) and use the parameter there";
        }
    }
    for (const RuleDecl* r : prog_.rules)
        if (r->percent_param && r->percent_param->name_kind == NameKind::Global)
            for (auto& [ref, decl] : global_refs_)
                if (ref == r->percent_param.get() && decl->kind == DeclKind::Let &&
                    static_cast<const LetDecl*>(decl)->scan) {
                    auto& d = diags_.report(Diag::PercentNotParam, ref->span, decl->name);
                    d.notes.push_back(
                        {decl->name_span, "`" + decl->name + "` is computed per scan"});
                }
    for (const MapDecl* m : prog_.maps) {
        std::set<const Decl*> seen;
        std::vector<const Decl*> todo{m};
        while (!todo.empty()) {
            const Decl* d = todo.back();
            todo.pop_back();
            for (const Decl* u : uses_[d]) {
                if (!seen.insert(u).second) continue;
                if (u->kind == DeclKind::Let && static_cast<const LetDecl*>(u)->scan) {
                    auto& diag =
                        diags_.report(Diag::MappingReadsScanLet, m->span, m->native_type, u->name);
                    diag.notes.push_back({u->name_span, "`" + u->name + "` reads the model"});
                    diag.help = "mappings build the resources a scan looks at; read the model "
                                "in the mapping itself (relations `<-`, `referenced`)";
                    return;
                }
                if (u->kind == DeclKind::Pred) todo.push_back(u);
            }
        }
    }
}

} // namespace tenet::check
