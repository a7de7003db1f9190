#ifndef MOWAI_CWEBSOCKETS_SHIM_H
#define MOWAI_CWEBSOCKETS_SHIM_H
#include <libwebsockets.h>
#include <stddef.h>

// Options are 64-bit macros built with shifts; Swift imports some of them, not all.
static inline unsigned long long mowai_lws_option_validate_utf8(void) { return LWS_SERVER_OPTION_VALIDATE_UTF8; }
static inline unsigned long long mowai_lws_option_ssl_global_init(void) { return LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT; }
static inline unsigned long long mowai_lws_option_disable_ipv6(void) { return LWS_SERVER_OPTION_DISABLE_IPV6; }
static inline int mowai_lws_pre(void) { return LWS_PRE; }
static inline int mowai_lws_write_text(void) { return LWS_WRITE_TEXT; }
static inline int mowai_lws_write_binary(void) { return LWS_WRITE_BINARY; }
// LWS_WRITE_RAW writes bytes as they are: the server pre-frames WebSocket messages itself so it can
// batch many frames into one write (see docs/DECISIONS.md).
static inline int mowai_lws_write_raw(void) { return LWS_WRITE_RAW; }
static inline int mowai_lws_write_http(void) { return LWS_WRITE_HTTP; }
static inline int mowai_lws_write_http_final(void) { return LWS_WRITE_HTTP_FINAL; }
static inline int mowai_lws_client_ssl(void) { return LCCSCF_USE_SSL; }

// A timer whose callback can find its owner again: lws hands the callback only the list node.
typedef struct mowai_timer {
    lws_sorted_usec_list_t sul;   // first member, so a pointer to it is a pointer to the timer
    void *owner;
} mowai_timer;

static inline void mowai_timer_schedule(struct lws_context *ctx, mowai_timer *timer,
                                        void (*cb)(lws_sorted_usec_list_t *), long long usec) {
    lws_sul_schedule(ctx, 0, &timer->sul, cb, (lws_usec_t)usec);
}
static inline void mowai_timer_cancel(mowai_timer *timer) {
    lws_sul_cancel(&timer->sul);
}
static inline void *mowai_timer_owner(lws_sorted_usec_list_t *sul) {
    return ((mowai_timer *)sul)->owner;
}
#endif
