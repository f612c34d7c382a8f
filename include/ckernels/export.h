/* CKernels — symbol visibility. The library is built with hidden visibility; only CK_API symbols
 * are exported. */
#ifndef CKERNELS_EXPORT_H
#define CKERNELS_EXPORT_H

#if defined(_WIN32)
#  if defined(CK_BUILDING_SHARED)
#    define CK_API __declspec(dllexport)
#  else
#    define CK_API
#  endif
#elif defined(__GNUC__)
#  define CK_API __attribute__((visibility("default")))
#else
#  define CK_API
#endif

#endif
