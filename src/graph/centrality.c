/* graph/... kernels: centrality. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_centrality_table = {NULL, 0};
