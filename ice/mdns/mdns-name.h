/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Host-candidate names for mDNS ICE candidates
 * (draft-ietf-mmusic-mdns-ice-candidates §3.1.1): a fresh version-4 UUID
 * (RFC 4122 §4.4) in lower case followed by ".local", as browsers publish,
 * and the checks applied to a remote candidate's ".local" name. Pure: the
 * randomness comes from the caller's callback.
 */
#ifndef __ICE_MDNS_NAME_H__
#define __ICE_MDNS_NAME_H__

#include <glib.h>

G_BEGIN_DECLS

/* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx.local" and its NUL. */
#define ICE_MDNS_UUID_NAME_LEN 42
#define ICE_MDNS_UUID_NAME_SIZE (ICE_MDNS_UUID_NAME_LEN + 1)
/* RFC 1035 §2.3.4: a label is at most 63 octets. */
#define ICE_MDNS_MAX_LABEL 63

/* 64 random bits per call: the same shape as ice/core's IceRandomFunc, so
 * that a session's source can be given as it is. */
typedef guint64 (*IceMdnsRandomFunc) (gpointer user_data);

void ice_mdns_name_from_bytes (const guint8 bytes[16],
                               gchar out[ICE_MDNS_UUID_NAME_SIZE]);
void ice_mdns_name_generate (IceMdnsRandomFunc random, gpointer random_data,
                             gchar out[ICE_MDNS_UUID_NAME_SIZE]);

gboolean ice_mdns_name_is_valid (const gchar *name);
gboolean ice_mdns_name_equal (const gchar *a, const gchar *b);

G_END_DECLS
#endif /* __ICE_MDNS_NAME_H__ */
