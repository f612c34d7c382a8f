/* graph/degree-ratio internals shared with its ring actor: the per-node role computation. */
#ifndef CKERNELS_GRAPH_TOPOLOGY_INTERNAL_H
#define CKERNELS_GRAPH_TOPOLOGY_INTERNAL_H

#include <math.h>

#include "ckernels/graph/topology.h"

/* The flow role of one node from its in- and out-degree (or strength), both >= 0, with the
 * thresholds (0 <= source_threshold < sink_threshold <= 1, checked by the caller). Writes the flow
 * share in/(in+out), the ratio in/out and pass_through 2 min(in,out)/(in+out) — NaN where the
 * denominator is 0 — to the pointers that are not NULL. O(1), no allocation: the ring actor
 * calls it on every QUERY and after every ADD_EDGE/REMOVE_EDGE to keep its role counts. */
static inline ck_flow_role_t cki_degree_ratio_role(double in, double out, double source_threshold,
                                                   double sink_threshold, double *share, double *ratio,
                                                   double *pass_through)
{
    const double total = in + out;
    if (ratio) *ratio = out > 0 ? in / out : NAN;
    if (!(total > 0)) {
        if (share) *share = NAN;
        if (pass_through) *pass_through = NAN;
        return CK_FLOW_ISOLATED;
    }
    const double s = in / total;
    if (share) *share = s;
    if (pass_through) *pass_through = 2.0 * (in < out ? in : out) / total;
    if (s >= sink_threshold) return CK_FLOW_SINK;
    if (s <= source_threshold) return CK_FLOW_SOURCE;
    return CK_FLOW_BALANCED;
}

#endif
