/* graph/... kernels: paths. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_paths_table = {NULL, 0};
