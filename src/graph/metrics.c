/* graph/... kernels: metrics. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_metrics_table = {NULL, 0};
