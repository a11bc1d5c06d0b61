# CloudFormation (YAML and JSON, SAM) and cdk.out.
target_sources(tenet_frontends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cfn_node.cpp
  ${CMAKE_CURRENT_LIST_DIR}/yaml_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/evaluator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/conditions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/functions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cidr.cpp
  ${CMAKE_CURRENT_LIST_DIR}/to_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sam_globals.cpp
  ${CMAKE_CURRENT_LIST_DIR}/template_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cdk_loader.cpp
)
target_link_libraries(tenet_frontends PRIVATE PkgConfig::YAML)
