# Installation: libmyriad (shared and static), the public headers, the
# `myriad` command, a CMake package (find_package(myriad) gives
# myriad::myriad, the shared library, and myriad::myriad_static) and two
# relocatable pkg-config files (myriad: shared, with Libs.private for
# --static; myriad-static: libmyriad.a and everything it needs).
include(CMakePackageConfigHelpers)

set_target_properties(myriad_shared PROPERTIES EXPORT_NAME myriad)
set_target_properties(myriad PROPERTIES EXPORT_NAME myriad_static)
set(MYR_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/myriad)

install(TARGETS myriad_shared myriad EXPORT myriadTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS myriad_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# the shipped reaction-network models and their sidecars
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/models/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/myriad/models
  FILES_MATCHING PATTERN "*.xml" PATTERN "*.myriad")
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/myriad
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT myriadTargets NAMESPACE myriad:: DESTINATION ${MYR_CMAKE_DIR})

set(MYR_CUDA_DEPENDENCY "")
if(MYR_CUDA_ENABLED)
  set(MYR_CUDA_DEPENDENCY "find_dependency(CUDAToolkit)")
endif()
configure_package_config_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/myriadConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/myriadConfig.cmake INSTALL_DESTINATION ${MYR_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/myriadConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/myriadConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/myriadConfigVersion.cmake DESTINATION ${MYR_CMAKE_DIR})

# pkg-config: paths relative to the .pc file, so the prefix may move
set(MYR_PC_PRIVATE "-lpthread -lm")
if(MYR_SBML_ENABLED)
  string(APPEND MYR_PC_PRIVATE " ${MYR_SBML_LIBRARY}")
endif()
if(MYR_PC_CUDA_LIBS)
  string(APPEND MYR_PC_PRIVATE " ${MYR_PC_CUDA_LIBS}")
endif()
file(RELATIVE_PATH MYR_PC_TO_PREFIX
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" MYR_PC_TO_PREFIX "${MYR_PC_TO_PREFIX}")
foreach(pc myriad myriad-static)
  configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/${pc}.pc.in
    ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/${pc}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
