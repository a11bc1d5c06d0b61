# Terraform plan and state JSON (see docs/frontends/terraform-plan.md).
target_sources(tenet_frontends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/json_values.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tf_locator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan_config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan_common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/plan_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/state_loader.cpp
)
target_link_libraries(tenet_frontends PRIVATE PkgConfig::RE2)
