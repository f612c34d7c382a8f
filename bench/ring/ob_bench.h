/* The order-book benchmark's command list, shared by bench_orderbook.c (generator, CKernels side)
 * and ob_naive.cpp (the naive std::map<price, std::deque> baseline). */
#ifndef CK_BENCH_OB_H
#define CK_BENCH_OB_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { OB_CMD_GTC = 0, OB_CMD_IOC = 1, OB_CMD_CANCEL = 2, OB_CMD_MOVE = 3 };

typedef struct ob_cmd {
    uint8_t kind; /* OB_CMD_* */
    uint8_t side; /* 0 buy, 1 sell (GTC, IOC) */
    uint64_t order_id;
    uint64_t trader_id;
    int64_t price;    /* GTC / IOC limit, MOVE new price */
    int64_t quantity; /* GTC / IOC */
} ob_cmd_t;

/* What a replay produced, to check that both books agree. */
typedef struct ob_result {
    uint64_t trades;
    int64_t volume;
    int64_t resting_orders;
    int64_t best_bid, best_ask; /* 0 when the side is empty */
} ob_result_t;

/* The naive baseline (absent without a C++ compiler: ob_naive_available() == 0). */
int ob_naive_available(void);
/* Replay cmds[0..n) on a fresh naive book; lat_ns (may be NULL) gets each op's time in ns via
 * the callback clock (ticks → ns done by the caller: lat gets raw ticks). */
void ob_naive_run(const ob_cmd_t *cmds, uint64_t n_fill, uint64_t n, uint64_t (*ticks)(void), uint64_t *lat_ticks,
                  double *seconds, ob_result_t *res);

#ifdef __cplusplus
}
#endif
#endif
