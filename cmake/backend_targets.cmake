# Targets of the optional backends (see backends.cmake for the detection).

# ---------------------------------------------------------------- MPI
if(MYR_MPI_ENABLED)
  target_link_libraries(myriad_cli PRIVATE MPI::MPI_C)
  target_compile_definitions(myriad_cli PRIVATE MYR_HAVE_MPI=1)
  if(MYR_TESTS)
    # sharded runs (odd N) must equal the single process line for line
    foreach(np 2 3)
      add_test(NAME mpi_run_np${np}
               COMMAND ${CMAKE_SOURCE_DIR}/tests/mpi_check.sh
                       $<TARGET_FILE:myriad_cli> ${MPIEXEC_EXECUTABLE} ${np})
      set_tests_properties(mpi_run_np${np} PROPERTIES TIMEOUT 300 LABELS mpi
                           SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()
