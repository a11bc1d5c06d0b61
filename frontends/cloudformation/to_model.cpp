#include "to_model.h"

namespace tenet::cfn {

Value ValueWriter::write(const CVal& v, std::string subject) {
    return convert(v, subject);
}

Value ValueWriter::convert(const CVal& v, std::string& subject) {
    ProvId p;
    if (v.pointer.empty() || prefix_.empty()) {
        p = b_.prov(v.loc, v.state, v.refs, v.pointer.empty() ? prefix_ : v.pointer);
    } else {
        std::string pointer;
        pointer.reserve(prefix_.size() + 2 + v.pointer.size());
        pointer.append(prefix_).append("; ").append(v.pointer);
        p = b_.prov(v.loc, v.state, v.refs, pointer);
    }
    switch (v.kind) {
    case CVal::Kind::Null:
    case CVal::Kind::Absent:
        return b_.null(p);
    case CVal::Kind::Bool:
        return b_.boolean(v.boolean, p);
    case CVal::Kind::Number:
        return b_.num(v.number, p);
    case CVal::Kind::String:
        return b_.str(v.text, p);
    case CVal::Kind::Unknown:
        return b_.unknown(subject, v.text, p);
    case CVal::Kind::List: {
        // Items gather on one stack shared by every level (no vector per list).
        size_t first = items_.size(), base = subject.size();
        for (size_t i = 0; i < v.items.size(); ++i) {
            subject.append("[").append(std::to_string(i)).append("]");
            Value item = convert(v.items[i], subject);
            items_.push_back(item);
            subject.resize(base);
        }
        Value out = b_.list(std::span<const Value>(items_).subspan(first), p);
        items_.resize(first);
        return out;
    }
    case CVal::Kind::Map: {
        // One vector per nesting depth, kept for the next map at that depth.
        if (depth_ == entries_.size()) entries_.emplace_back();
        size_t base = subject.size();
        ++depth_;
        for (const auto& [k, m] : v.members) {
            subject.append(".").append(k);
            const StrObj* key = b_.key(k);
            Value value = convert(m, subject);
            entries_[depth_ - 1].push_back({key, value});
            subject.resize(base);
        }
        --depth_;
        // Keys are unique: the readers keep the last of a repeated key.
        Value out = b_.map(entries_[depth_], p);
        entries_[depth_].clear();
        return out;
    }
    }
    return b_.null(p);
}

} // namespace tenet::cfn
