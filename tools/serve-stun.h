/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice serve --stun`: a UDP socket that answers STUN Binding requests
 * (RFC 8489) with ice_stun_binding_answer(), on the default main context.
 */
#ifndef __GST_ICE_SERVE_STUN_H__
#define __GST_ICE_SERVE_STUN_H__

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _ServeStun ServeStun;

/* Binds @address (port 0: a free one) and starts answering. */
ServeStun *serve_stun_new (GInetSocketAddress *address, GError **error);
void serve_stun_free (ServeStun *stun);
/* The bound address (transfer full). */
GInetSocketAddress *serve_stun_get_address (ServeStun *stun);

G_END_DECLS
#endif /* __GST_ICE_SERVE_STUN_H__ */
