/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The interface allow and deny lists of IceAgent ("interfaces",
 * "exclude-interfaces"): interface names or glob patterns ('*' any run of
 * characters, '?' one character), checked before gathering on an
 * interface. Pure functions on strings: tests/io/test-ifmatch.c.
 */
#include <net/if.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"

/* Linux interface names are at most IFNAMSIZ - 1 bytes, with no '/' nor
 * white space (dev_valid_name() in the kernel); ',' separates the items
 * of the elements' comma-separated form. ':' stays: getifaddrs names
 * IPv4 alias labels "eth0:1". */
static gboolean
entry_is_valid (const gchar *entry)
{
  gsize len = strlen (entry), i;

  if (len == 0 || len >= IFNAMSIZ)
    return FALSE;
  for (i = 0; i < len; i++) {
    guchar c = entry[i];

    if (c <= ' ' || c >= 0x7f || c == '/' || c == ',')
      return FALSE;
  }
  return TRUE;
}

/**
 * ice_agent_iflist_validate:
 * @property: the property's name, for the message
 * @list: (nullable): names or patterns; %NULL or empty is valid
 *
 * Returns: %FALSE with @error saying what was expected when an entry is
 *   empty, longer than 15 bytes or holds white space, '/' or ','.
 */
gboolean
ice_agent_iflist_validate (const gchar *property, gchar **list, GError **error)
{
  guint i;

  for (i = 0; list != NULL && list[i] != NULL; i++) {
    if (entry_is_valid (list[i]))
      continue;
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                 "%s: \"%s\" is not an interface name or pattern (expected "
                 "1-%u printable characters without white space, '/' or ',', "
                 "'*' and '?' as wildcards, e.g. \"eth0\" or \"docker*\")",
                 property, list[i], IFNAMSIZ - 1);
    return FALSE;
  }
  return TRUE;
}

/**
 * ice_agent_iflist_match:
 * @list: (nullable): names or patterns
 * @ifname: an interface name
 * @exact: (out) (optional): %TRUE when an entry without wildcards is
 *   @ifname itself
 *
 * Returns: %TRUE when an entry matches @ifname.
 */
gboolean
ice_agent_iflist_match (gchar **list, const gchar *ifname, gboolean *exact)
{
  gboolean found = FALSE;
  guint i;

  if (exact != NULL)
    *exact = FALSE;
  for (i = 0; list != NULL && list[i] != NULL; i++) {
    if (g_strcmp0 (list[i], ifname) == 0) {
      if (exact != NULL)
        *exact = TRUE;
      return TRUE;
    }
    found |= g_pattern_match_simple (list[i], ifname);
  }
  return found;
}

/**
 * ice_agent_interface_selected:
 * @include: (nullable): "interfaces": names to use, %NULL or empty = all
 * @exclude: (nullable): "exclude-interfaces": names to skip; wins over
 *   @include
 * @ifname: the interface
 * @named: (out) (optional): %TRUE when @include names @ifname exactly
 *   (loopback is gathered only when named, as with "bind-address")
 *
 * Returns: %TRUE when the agent may gather on @ifname.
 */
gboolean
ice_agent_interface_selected (gchar **include, gchar **exclude,
                              const gchar *ifname, gboolean *named)
{
  gboolean exact = FALSE, selected;

  selected = include == NULL || include[0] == NULL
             || ice_agent_iflist_match (include, ifname, &exact);
  if (named != NULL)
    *named = exact;
  return selected && !ice_agent_iflist_match (exclude, ifname, NULL);
}

gboolean
ice_agent_validate_interface_list (const gchar *property,
                                   const gchar *const *list, GError **error)
{
  g_return_val_if_fail (property != NULL, FALSE);
  return ice_agent_iflist_validate (property, (gchar **)list, error);
}
