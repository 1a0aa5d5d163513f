/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A change of the host's addresses, as the IO layer saw it: a socket's
 * address went away, so its candidates go too, and an ICE restart (RFC
 * 8445 §9: "a change of ... the IP address of a host candidate") carries
 * the remaining and new ones to the peer.
 */
#define G_LOG_DOMAIN "ice-session"

#include "ice/core/ice-session-private.h"

/* Host and server-reflexive candidates share the socket at @base */
static guint
remove_candidates_of (IceComponent *comp, const IceTransportAddr *base)
{
  guint i, removed = 0;

  for (i = comp->local->len; i > 0; i--) {
    IceCandidate *c = &g_array_index (comp->local, IceCandidate, i - 1);

    if ((c->type == ICE_CANDIDATE_TYPE_HOST
         || c->type == ICE_CANDIDATE_TYPE_SERVER_REFLEXIVE)
        && ice_addr_equal (&c->base, base)) {
      g_array_remove_index (comp->local, i - 1);
      removed++;
    }
  }
  return removed;
}

static void
remove_requests_from (IceSession *session, const IceTransportAddr *base)
{
  guint i;

  for (i = session->gather_requests->len; i > 0; i--)
    if (ice_addr_equal (
            &g_array_index (session->gather_requests, IceGatherRequest, i - 1)
                 .base,
            base))
      g_array_remove_index (session->gather_requests, i - 1);
}

/**
 * ice_session_remove_host_address:
 * @base: the address of a socket the IO layer closed (its IP is gone)
 *
 * Forgets the host candidate at @base, the server-reflexive ones found
 * through it and its pending STUN requests. Pairs that use it stay until
 * the next restart (ice_session_restart_announced()), which frees every
 * pair; their checks meanwhile leave from a socket that no longer exists.
 *
 * Returns: the number of candidates removed.
 */
guint
ice_session_remove_host_address (IceSession *session,
                                 const IceTransportAddr *base)
{
  guint i, c, removed = 0;

  g_return_val_if_fail (session != NULL && base != NULL, 0);
  for (i = 0; i < session->streams->len; i++) {
    IceStream *stream = g_ptr_array_index (session->streams, i);

    for (c = 0; c < stream->n_components; c++)
      removed += remove_candidates_of (&stream->components[c], base);
  }
  remove_requests_from (session, base);
  return removed;
}

/**
 * ice_session_restart_announced:
 * @added: (array length=n_added) (nullable): host addresses of sockets
 *   the IO layer opened on the addresses that appeared
 *
 * An ICE restart of every stream that the session's owner did not ask for
 * through an offer/answer (the host's addresses changed): as
 * ice_session_restart(), with %ICE_EVENT_LOCAL_CREDENTIALS first for each
 * stream, as when the peer restarted, so the owner signals the new
 * credentials and candidates the same way. The @added hosts join before
 * gathering starts again: they are announced once, with the others, and
 * before GATHERING_DONE.
 */
void
ice_session_restart_announced (IceSession *session, const IceHostAddress *added,
                               guint n_added, gint64 now_us)
{
  guint i;

  g_return_if_fail (session != NULL);
  for (i = 0; i < n_added; i++) {
    IceStream *stream = ice_session_find_stream (session, added[i].stream_id);

    if (stream == NULL
        || ice_stream_get_component (stream, added[i].component_id) == NULL)
      continue;
    /* not announced now: the restart below announces every candidate */
    stream->gathering_started = FALSE;
    ice_gather_add_host (session, stream, added[i].component_id, &added[i].base,
                         added[i].interface_index, now_us);
  }
  for (i = 0; i < session->streams->len; i++)
    ice_stream_restart_announced (
        session, g_ptr_array_index (session->streams, i), now_us);
}
