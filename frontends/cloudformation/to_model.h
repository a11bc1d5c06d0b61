// Evaluated values into model Values: every value gets its provenance (location,
// state, refs, pointer), every unknown its subject "<address>.<path>".
#pragma once

#include "cfn_value.h"
#include "tenet/model/builder.h"

#include <string>
#include <string_view>
#include <vector>

namespace tenet::cfn {

class ValueWriter {
  public:
    // `pointer_prefix` goes before every value's own pointer (a CDK construct path).
    ValueWriter(ModelBuilder& b, std::string pointer_prefix)
        : b_(b), prefix_(std::move(pointer_prefix)) {}

    // `subject` names where `v` ends up ("MyBucket.BucketName", "outputs.Arn.Value").
    Value write(const CVal& v, std::string subject);
    void set_prefix(std::string pointer_prefix) { prefix_ = std::move(pointer_prefix); }

  private:
    Value convert(const CVal& v, std::string& subject);
    ModelBuilder& b_;
    std::string prefix_;
    std::vector<Value> items_;                   // the lists' items being converted
    std::vector<std::vector<MapEntry>> entries_; // the maps' entries, by nesting depth
    size_t depth_ = 0;
};

} // namespace tenet::cfn
