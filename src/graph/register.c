/* The graph domain's registration: every family's kernel table, in catalogue order. */
#include "graph_internal.h"

ck_status_t ck_graph_register(ck_ctx_t *ctx, ck_registry_t *reg)
{
    const cki_kernel_table_t *tables[] = {
        &cki_graph_spectral_table,   &cki_graph_centrality_table, &cki_graph_community_table,
        &cki_graph_similarity_table,
        &cki_graph_metrics_table,    &cki_graph_motifs_table,    &cki_graph_topology_table,
        &cki_graph_paths_table,      &cki_graph_gnn_table,
    };
    if (!ctx) return CK_E_INVALID_INPUT;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->count; i++) {
            ck_status_t status = ck_registry_register(ctx, reg, &tables[t]->kernels[i]);
            if (CK_IS_ERROR(status)) return status;
        }
    return CK_OK;
}
