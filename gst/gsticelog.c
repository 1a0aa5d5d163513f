/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Bridges the GLib log domains of ice/ into GStreamer debug categories.
 *
 * How the lines reach us: ice/ is built without G_LOG_USE_STRUCTURED
 * (ice/meson.build), so its g_debug () ... g_warning () are g_log ()
 * calls, which GLib hands to the handler set for their domain with
 * g_log_set_handler (). Structured logging would only reach the one
 * writer of the process (g_log_set_writer_func ()), which can be set
 * once and belongs to the application: we leave it alone and touch only
 * our domains.
 *
 * The bridge adds, it does not take away: a line goes to its category
 * when the category's threshold lets it through, then on to GLib's
 * default handler as before (G_MESSAGES_DEBUG, stderr for messages and
 * warnings, the application's writer). G_DEBUG=fatal-warnings still
 * aborts on a warning of ours: g_logv () applies it after any handler.
 * That is intended: remote input never reaches a g_warning in ice/ (it
 * gets a counter and a g_debug), so a warning there is a local mistake.
 * CRITICAL and ERROR (g_return_if_fail, g_error) are not in our mask and
 * never pass through here.
 *
 * Source location: g_log () carries no file, line or function, so the
 * GStreamer line has an empty file and function and line 0
 * (`ice-session :0:: pair 1/1 host ... → ...`); the category names the
 * domain.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gsticelog.h"

#include <string.h>

#include "ice/common/ice-log.h"

#ifndef GST_DISABLE_GST_DEBUG

typedef struct {
  const gchar *domain;
  const gchar *description;
} GstIceLogDomain;

/* Every G_LOG_DOMAIN of ice/ (grep G_LOG_DOMAIN ice/). */
static const GstIceLogDomain log_domains[] = {
  { "ice-session", "ICE core: candidates, pairs and their states, checks, "
                   "nomination, consent, TURN relays of a session" },
  { "ice-stun", "STUN codec, message integrity, transactions" },
  { "ice-turn", "TURN client: allocations, permissions, channels" },
  { "ice-nat", "NAT behaviour discovery (RFC 5780)" },
  { "ice-agent", "IceAgent: sockets, gathering, TURN connections" },
};

/* Written once before the handlers and the enabled test are installed. */
static GstDebugCategory *categories[G_N_ELEMENTS (log_domains)];

#define BRIDGED_LEVELS                                                         \
  (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO                \
   | G_LOG_LEVEL_DEBUG)

static GstDebugLevel
gst_level_of (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_WARNING)
    return GST_LEVEL_WARNING;
  if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    return GST_LEVEL_INFO;
  /* ice/'s debug lines are per event (a pair's state, a check sent, a
   * packet refused), not per media packet: GStreamer's DEBUG, not LOG */
  return GST_LEVEL_DEBUG;
}

static GstDebugCategory *
category_of (const gchar *domain)
{
  guint i;

  if (domain == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (log_domains); i++)
    if (strcmp (domain, log_domains[i].domain) == 0)
      return categories[i];
  return NULL;
}

/* gst_deinit () frees the categories: after it only GLib logs. */
static gboolean
category_wants (GstDebugCategory *cat, GLogLevelFlags level)
{
  return cat != NULL && gst_is_initialized ()
         && gst_level_of (level) <= gst_debug_category_get_threshold (cat);
}

static void
bridge_log (const gchar *domain, GLogLevelFlags level, const gchar *message,
            gpointer user_data)
{
  GstDebugCategory *cat = user_data;

  if (category_wants (cat, level))
    gst_debug_log (cat, gst_level_of (level), "", "", 0, NULL, "%s", message);
  g_log_default_handler (domain, level, message, NULL);
}

/* ice_log_enabled (): any thread, must not log. Thresholds are read
 * atomically by gst_debug_category_get_threshold (). */
static gboolean
bridge_enabled (const gchar *domain, GLogLevelFlags level)
{
  if (category_wants (category_of (domain), level))
    return TRUE;
  return !g_log_writer_default_would_drop (level, domain);
}

/**
 * gst_ice_log_init:
 *
 * Registers a debug category per log domain of ice/ and routes the
 * domains' debug, info, message and warning lines into them. Once per
 * process (plugin_init).
 */
void
gst_ice_log_init (void)
{
  static gsize done = 0;
  guint i;

  if (!g_once_init_enter (&done))
    return;
  for (i = 0; i < G_N_ELEMENTS (log_domains); i++)
    GST_DEBUG_CATEGORY_INIT (categories[i], log_domains[i].domain, 0,
                             log_domains[i].description);
  /* FATAL and RECURSION too: GLib picks a handler only if its mask holds
   * every bit of the level, and fatal-warnings adds FATAL to warnings */
  for (i = 0; i < G_N_ELEMENTS (log_domains); i++)
    g_log_set_handler (log_domains[i].domain,
                       BRIDGED_LEVELS | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                       bridge_log, categories[i]);
  ice_log_set_enabled_func (bridge_enabled);
  g_once_init_leave (&done, 1);
}

#else /* GST_DISABLE_GST_DEBUG */

void
gst_ice_log_init (void)
{}

#endif
