/* graph/... kernels: topology. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_topology_table = {NULL, 0};
