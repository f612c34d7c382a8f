/* graph/... kernels: motifs. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_motifs_table = {NULL, 0};
