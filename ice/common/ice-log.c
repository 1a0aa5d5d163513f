/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ice/common/ice-log.h"

static IceLogEnabledFunc enabled_func; /* atomic pointer */

/**
 * ice_log_set_enabled_func:
 * @func: (nullable): the host's test, or %NULL for GLib's rule
 */
void
ice_log_set_enabled_func (IceLogEnabledFunc func)
{
  g_atomic_pointer_set (&enabled_func, func);
}

/**
 * ice_log_enabled:
 * Returns: whether a message of @level in @domain would be shown.
 */
gboolean
ice_log_enabled (const gchar *domain, GLogLevelFlags level)
{
  IceLogEnabledFunc func = g_atomic_pointer_get (&enabled_func);

  if (func != NULL)
    return func (domain, level);
  return !g_log_writer_default_would_drop (level, domain);
}
