# Targets of the optional backends (see backends.cmake for the detection).

# ---------------------------------------------------------------- MPI
if(MYR_MPI_ENABLED)
  target_link_libraries(myriad_cli PRIVATE MPI::MPI_C)
  target_compile_definitions(myriad_cli PRIVATE MYR_HAVE_MPI=1)
  if(MYR_TESTS)
    # sharded runs (odd N) must equal the single process line for line
    foreach(np 2 3)
      add_test(NAME mpi_run_np${np}
               COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tests/mpi_check.sh
                       $<TARGET_FILE:myriad_cli> ${MPIEXEC_EXECUTABLE} ${np})
      set_tests_properties(mpi_run_np${np} PROPERTIES TIMEOUT 300 LABELS mpi
                           SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()

# ---------------------------------------------------------------- CUDA
if(MYR_CUDA_ENABLED)
  # the runtime helpers (src/backends/cuda/runtime.cu) and each env's
  # kernels with its ops table (src/envs/<env>/<env>.cu)
  file(GLOB MYR_CUDA_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/backends/cuda/*.cu
       ${CMAKE_CURRENT_SOURCE_DIR}/src/envs/*/*.cu)
  add_library(myriad_cuda_obj OBJECT ${MYR_CUDA_SOURCES})
  target_include_directories(myriad_cuda_obj PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/include
                             ${CMAKE_CURRENT_SOURCE_DIR}/src)
  set_target_properties(myriad_cuda_obj PROPERTIES CUDA_STANDARD 17
                        CUDA_STANDARD_REQUIRED ON POSITION_INDEPENDENT_CODE ON
                        CUDA_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  # no contraction into FMA and IEEE division/sqrt: the kernels round every
  # operation.  The gene circuit's C code is built without contraction too
  # (-ffp-contract=off, the default in CMakeLists.txt), so its counts match
  # bit for bit.  CartPole's float32 C kernel (cartpole.c)
  # is built with -ffp-contract=fast, which fuses a*b+c wherever the target
  # has FMA (-march=native on an FMA CPU, aarch64; not baseline x86-64), and
  # its reset draws use fma() where __FP_FAST_FMA is defined; there the
  # backends agree in distribution (tests/cuda compare episode counts,
  # lengths and returns), not bit for bit
  target_compile_options(myriad_cuda_obj PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:--fmad=false -prec-div=true -prec-sqrt=true
    -Xcompiler=-Wall>)

  # the C side of the backend (dispatch, host mirror) lives in the library
  target_sources(myriad_obj PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/backends/cuda/cuda_batch.c)
  target_compile_definitions(myriad_obj PRIVATE MYR_HAVE_CUDA=1)
  # the shared library carries the CUDA runtime inside; a static link needs
  # it and the C++ runtime after libmyriad.a (install.cmake puts the same
  # into the package config and the .pc files)
  foreach(lib myriad myriad_shared)
    target_sources(${lib} PRIVATE $<TARGET_OBJECTS:myriad_cuda_obj>)
  endforeach()
  target_link_libraries(myriad_shared PRIVATE CUDA::cudart_static)
  target_link_libraries(myriad PUBLIC CUDA::cudart_static stdc++)
  set(MYR_PC_CUDA_LIBS "-L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -ldl -lrt -lstdc++")

  if(MYR_TESTS)
    # CPU vs GPU agreement; exit 77 (skipped) where no CUDA device is present
    file(GLOB MYR_CUDA_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tests/cuda/test_*.c)
    foreach(src ${MYR_CUDA_TESTS})
      get_filename_component(name ${src} NAME_WE)
      add_executable(cuda_${name} ${src})
      target_compile_definitions(cuda_${name} PRIVATE _GNU_SOURCE)
      target_include_directories(cuda_${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src
                                 ${CMAKE_CURRENT_SOURCE_DIR}/tests)
      target_compile_options(cuda_${name} PRIVATE ${MYR_WARNINGS})
      target_link_libraries(cuda_${name} PRIVATE myriad)
      add_test(NAME cuda_${name} COMMAND cuda_${name})
      set_tests_properties(cuda_${name} PROPERTIES TIMEOUT 300 LABELS cuda
                           SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()
