/* graph/... kernels: community. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_community_table = {NULL, 0};
