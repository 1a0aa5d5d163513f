/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * NAT behaviour settings of the virtual network: defaults, names, and the
 * "eim-apdf,ports=random,hairpin" syntax used by tests and `gst-ice sim`.
 */
#include "ice/testing/ice-vnet-private.h"

#include <stdlib.h>
#include <string.h>

static const gchar *const mapping_names[] = { "eim", "adm", "apdm" };
static const gchar *const filtering_names[] = { "eif", "adf", "apdf" };
static const gchar *const ports_names[]
    = { "default", "preserve", "sequential", "random" };

void
ice_vnat_config_init (IceVnatConfig *config)
{
  memset (config, 0, sizeof (*config));
  config->mapping = ICE_VNAT_MAPPING_EIM;
  config->filtering = ICE_VNAT_FILTERING_EIF;
  config->ports = ICE_VNAT_PORTS_DEFAULT;
  config->hairpinning = FALSE;
  config->mapping_timeout_us = ICE_VNAT_DEFAULT_MAPPING_TIMEOUT_US;
}

const gchar *
ice_vnat_mapping_to_string (IceVnatMapping mapping)
{
  return mapping <= ICE_VNAT_MAPPING_APDM ? mapping_names[mapping] : "?";
}

const gchar *
ice_vnat_filtering_to_string (IceVnatFiltering filtering)
{
  return filtering <= ICE_VNAT_FILTERING_APDF ? filtering_names[filtering]
                                              : "?";
}

const gchar *
ice_vnat_ports_to_string (IceVnatPorts ports)
{
  return ports <= ICE_VNAT_PORTS_RANDOM ? ports_names[ports] : "?";
}

static gint
name_index (const gchar *const *names, guint n, const gchar *s)
{
  guint i;

  for (i = 0; i < n; i++)
    if (g_ascii_strcasecmp (names[i], s) == 0)
      return i;
  return -1;
}

/* "eim-apdf" */
static gboolean
parse_behaviour (IceVnatConfig *config, const gchar *s)
{
  const gchar *dash = strchr (s, '-');
  gchar *mapping;
  gint m, f;

  if (!dash)
    return FALSE;
  mapping = g_strndup (s, dash - s);
  m = name_index (mapping_names, G_N_ELEMENTS (mapping_names), mapping);
  f = name_index (filtering_names, G_N_ELEMENTS (filtering_names), dash + 1);
  g_free (mapping);
  if (m < 0 || f < 0)
    return FALSE;
  config->mapping = m;
  config->filtering = f;
  return TRUE;
}

/* "ports=random", "hairpin", "timeout=30" */
static gboolean
parse_option (IceVnatConfig *config, const gchar *s)
{
  gchar *end = NULL;
  gdouble seconds;
  gint ports;

  if (g_ascii_strcasecmp (s, "hairpin") == 0) {
    config->hairpinning = TRUE;
    return TRUE;
  }
  if (g_str_has_prefix (s, "ports=")) {
    ports = name_index (ports_names, G_N_ELEMENTS (ports_names), s + 6);
    if (ports < 0)
      return FALSE;
    config->ports = ports;
    return TRUE;
  }
  if (g_str_has_prefix (s, "timeout=")) {
    seconds = g_ascii_strtod (s + 8, &end);
    if (end == s + 8 || *end != '\0' || seconds <= 0 || seconds > 86400)
      return FALSE;
    config->mapping_timeout_us = (gint64)(seconds * G_USEC_PER_SEC);
    return TRUE;
  }
  return FALSE;
}

/**
 * ice_vnat_config_parse:
 * @config: filled from its current values
 * @str: e.g. "eim-apdf" or "apdm-apdf,ports=sequential,hairpin,timeout=30"
 *
 * Returns: FALSE if @str is not of that form
 */
gboolean
ice_vnat_config_parse (IceVnatConfig *config, const gchar *str)
{
  gchar **parts;
  gboolean ok;
  guint i;

  g_return_val_if_fail (config != NULL, FALSE);
  if (!str || !*str)
    return FALSE;
  parts = g_strsplit (str, ",", -1);
  ok = parse_behaviour (config, parts[0]);
  for (i = 1; ok && parts[i]; i++)
    ok = parse_option (config, parts[i]);
  g_strfreev (parts);
  return ok;
}
