/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Cheap "would this be logged?" test for the GLib log domains of ice/
 * ("ice-session", "ice-stun", "ice-turn", "ice-nat", "ice-agent"), so that
 * a debug line whose arguments cost something (formatted addresses) is not
 * built for nobody. Without a hook, GLib's own rule applies
 * (G_MESSAGES_DEBUG); a host that routes these domains elsewhere (the
 * GStreamer plugin maps them to debug categories) installs its own test.
 */
#ifndef __ICE_LOG_H__
#define __ICE_LOG_H__

#include <glib.h>

G_BEGIN_DECLS

/**
 * IceLogEnabledFunc:
 * @domain: a G_LOG_DOMAIN of ice/
 * @level: one GLib level (G_LOG_LEVEL_DEBUG, _INFO, _MESSAGE, _WARNING)
 *
 * Returns: whether a message of @level in @domain would be shown.
 * Called from any thread: must be thread-safe and must not log.
 */
typedef gboolean (*IceLogEnabledFunc) (const gchar *domain,
                                       GLogLevelFlags level);

/* Installs @func (NULL restores GLib's rule). Process-wide. */
void ice_log_set_enabled_func (IceLogEnabledFunc func);
gboolean ice_log_enabled (const gchar *domain, GLogLevelFlags level);

/* g_debug () when someone listens; the arguments are not evaluated
 * otherwise. */
#define ICE_DEBUG(...)                                                         \
  G_STMT_START                                                                 \
  {                                                                            \
    if (ice_log_enabled (G_LOG_DOMAIN, G_LOG_LEVEL_DEBUG))                     \
      g_debug (__VA_ARGS__);                                                   \
  }                                                                            \
  G_STMT_END

G_END_DECLS
#endif /* __ICE_LOG_H__ */
