# Terraform HCL (native and JSON syntax), the evaluator, modules and CDKTF.
target_sources(tenet_frontends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/hcl_lexer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hcl_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hcl_json.cpp
)
