// TypeTable: creates and interns ast::Type values so types compare by pointer.
#pragma once

#include "tenet/compiler/ast.h"

#include <memory>
#include <string>
#include <vector>

namespace tenet::ast {

class TypeTable {
  public:
    TypeTable();
    const Type* error() const { return error_; }
    const Type* any() const { return any_; }
    const Type* null() const { return null_; }
    const Type* boolean() const { return bool_; }
    const Type* number() const { return number_; }
    const Type* string() const { return string_; }
    const Type* list(const Type* elem);
    const Type* map(const Type* elem);
    const Type* record(const TypeDecl* decl);
    const Type* canonical_resource(const TypeDecl* decl);
    const Type* native_resource(const std::string& native);
    const Type* any_resource();

  private:
    const Type* make(Type t);
    std::vector<std::unique_ptr<Type>> all_;
    const Type *error_, *any_, *null_, *bool_, *number_, *string_;
};

} // namespace tenet::ast
