/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The TOS byte (IPv4) / traffic class (IPv6) of a stream's UDP sockets:
 * webrtcbin maps a transceiver's priority to a DSCP (RFC 8837 §5) and
 * asks the ICE agent to mark the stream's datagrams with it.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "ice/io/ice-agent-private.h"

static gboolean
set_socket_tos (IceAgentSocket *sock, guint tos)
{
  int value = (int)tos;
  int level = IPPROTO_IP, name = IP_TOS;

  if (sock->local.family == ICE_ADDR_FAMILY_IPV6) {
    level = IPPROTO_IPV6;
    name = IPV6_TCLASS;
  }
  if (setsockopt (sock->fd, level, name, &value, sizeof (value)) == 0)
    return TRUE;
  g_debug ("stream %u: TOS %u refused on a socket: %s", sock->stream_id, tos,
           g_strerror (errno));
  return FALSE;
}

void
ice_agent_tos_apply_locked (IceAgentState *state, IceAgentSocket *sock)
{
  IceAgentStream *stream
      = ice_agent_state_get_stream_locked (state, sock->stream_id);

  if (stream != NULL && stream->tos != 0)
    set_socket_tos (sock, stream->tos);
}

gboolean
ice_agent_set_tos (IceAgent *agent, guint stream_id, guint tos)
{
  IceAgentState *state;
  IceAgentStream *stream;
  gboolean ok = TRUE;
  guint i;

  g_return_val_if_fail (ICE_IS_AGENT (agent), FALSE);
  g_return_val_if_fail (tos <= 255, FALSE);
  state = ice_agent_get_state (agent);
  g_mutex_lock (&state->lock);
  stream = ice_agent_state_get_stream_locked (state, stream_id);
  if (stream == NULL) {
    ok = FALSE;
  } else {
    stream->tos = tos;
    for (i = 0; i < state->sockets->len; i++) {
      IceAgentSocket *sock = g_ptr_array_index (state->sockets, i);

      if (sock->stream_id == stream_id && !set_socket_tos (sock, tos))
        ok = FALSE;
    }
  }
  g_mutex_unlock (&state->lock);
  return ok;
}
