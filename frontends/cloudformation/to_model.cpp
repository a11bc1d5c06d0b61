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
        std::vector<Value> items;
        items.reserve(v.items.size());
        size_t base = subject.size();
        for (size_t i = 0; i < v.items.size(); ++i) {
            subject.append("[").append(std::to_string(i)).append("]");
            items.push_back(convert(v.items[i], subject));
            subject.resize(base);
        }
        return b_.list(items, p);
    }
    case CVal::Kind::Map: {
        std::vector<MapEntry> entries;
        entries.reserve(v.members.size());
        size_t base = subject.size();
        for (const auto& [k, m] : v.members) {
            subject.append(".").append(k);
            entries.push_back({b_.key(k), convert(m, subject)});
            subject.resize(base);
        }
        // Keys are unique: the readers keep the last of a repeated key.
        return b_.map(entries, p);
    }
    }
    return b_.null(p);
}

} // namespace tenet::cfn
