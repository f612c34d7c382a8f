/* CKernels — umbrella header: includes every public module header. */
#ifndef CKERNELS_H
#define CKERNELS_H

#include "ckernels/export.h"
#include "ckernels/status.h"
#include "ckernels/core.h"
#include "ckernels/ctx.h"
#include "ckernels/registry.h"
#include "ckernels/json.h"
#include "ckernels/license.h"
#include "ckernels/fixed.h"
#include "ckernels/rng.h"
#include "ckernels/k2k.h"
#include "ckernels/ring.h"
#include "ckernels/actor.h"
#include "ckernels/orderbook.h"
#include "ckernels/core_kernels.h"
#include "ckernels/graph.h"

#endif
