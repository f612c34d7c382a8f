/* graph/... kernels: gnn. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_gnn_table = {NULL, 0};
