/* graph/... kernels: spectral. */
#include "graph_internal.h"

const cki_kernel_table_t cki_graph_spectral_table = {NULL, 0};
