# Optional backends, detected and reported (never silently off):
#   MYR_MPI  AUTO|ON|OFF  the CLI shards envs across `mpirun` ranks
#            (the library itself stays MPI-free: it only needs env_offset)
# AUTO turns a part on when its tools are found; ON fails if they are not.
set(MYR_MPI AUTO CACHE STRING "MPI process sharding in the CLI: AUTO, ON or OFF")
set_property(CACHE MYR_MPI PROPERTY STRINGS AUTO ON OFF)

# ---------------------------------------------------------------- MPI
set(MYR_MPI_ENABLED OFF)
if(NOT MYR_MPI STREQUAL "OFF")
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    set(MYR_MPI_ENABLED ON)
    message(STATUS "myriad: MPI found (${MPI_C_LIB_NAMES}, launcher ${MPIEXEC_EXECUTABLE})")
  elseif(MYR_MPI STREQUAL "ON")
    message(FATAL_ERROR "myriad: MYR_MPI=ON but no MPI C library was found")
  else()
    message(STATUS "myriad: MPI not found; building without process sharding")
  endif()
endif()

set(MYR_CUDA_ENABLED OFF)
