# Pulumi stack export and preview JSON (see docs/frontends/pulumi.md). Shares the
# JSON-to-Value builder and reference bookkeeping in ../plan/.
target_sources(tenet_frontends PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/pulumi_loader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/program_source.cpp
)
