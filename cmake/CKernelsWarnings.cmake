# Warning flags for our own C targets: C11, -Wall -Wextra (-Werror unless CK_WERROR=OFF). Without
# OpenMP its pragmas are ignored on purpose, so gcc must not warn about them.
function(ck_target_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wshadow -Wstrict-prototypes
                           -Wmissing-prototypes -Wvla -Wformat=2 $<$<BOOL:${CK_WERROR}>:-Werror>
                           $<$<NOT:$<BOOL:${CK_WITH_OPENMP}>>:-Wno-unknown-pragmas>>)
  endif()
endfunction()
