/* graph/... kernels: similarity. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_similarity_table = {NULL, 0};
