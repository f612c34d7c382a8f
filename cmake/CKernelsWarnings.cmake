# Warning flags for our own C targets: C11, -Wall -Wextra (-Werror unless CK_WERROR=OFF).
function(ck_target_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wshadow -Wstrict-prototypes
                           -Wmissing-prototypes -Wvla -Wformat=2 $<$<BOOL:${CK_WERROR}>:-Werror>>)
  endif()
endfunction()
