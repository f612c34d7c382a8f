/* CKernels — graph/... kernels: spectral (included by ckernels/graph.h). */
#ifndef CKERNELS_GRAPH_SPECTRAL_H
#define CKERNELS_GRAPH_SPECTRAL_H

#include "ckernels/core.h"
#include "ckernels/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ck_graph ck_graph_t;

#ifdef __cplusplus
}
#endif
#endif
