// Evaluated values into model Values: every value gets its provenance (location,
// state, refs, pointer), every unknown its subject "<address>.<path>".
#pragma once

#include "cfn_value.h"
#include "tenet/model/builder.h"

#include <string>
#include <string_view>

namespace tenet::cfn {

class ValueWriter {
  public:
    // `pointer_prefix` goes before every value's own pointer (a CDK construct path).
    ValueWriter(ModelBuilder& b, std::string pointer_prefix)
        : b_(b), prefix_(std::move(pointer_prefix)) {}

    // `subject` names where `v` ends up ("MyBucket.BucketName", "outputs.Arn.Value").
    Value write(const CVal& v, std::string subject);

  private:
    Value convert(const CVal& v, std::string& subject);
    ModelBuilder& b_;
    std::string prefix_;
};

} // namespace tenet::cfn
