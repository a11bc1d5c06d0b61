# Terraform HCL (native and JSON syntax), the evaluator, modules and CDKTF.
target_sources(tenet_frontends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/hcl_lexer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hcl_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/hcl_json.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_eval.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_expr_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_strings.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_collections.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_encoding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_network.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_functions_hash.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_module.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_instance.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_resources.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_iam_document.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_emit.cpp
  ${CMAKE_CURRENT_LIST_DIR}/load_terraform.cpp
)
# regex() and regexall() use RE2, as Terraform does.
target_link_libraries(tenet_frontends PRIVATE PkgConfig::RE2)
