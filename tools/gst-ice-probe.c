/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * `gst-ice probe stun://HOST[:PORT]`: runs the RFC 5780 probe (ice/nat)
 * on a real UDP socket and real time, and prints what the NAT does.
 * Plain POSIX sockets and poll(): the probe needs one socket (two with
 * --hairpinning or --lifetime) and no main loop.
 */
#include "config.h"

#include "gst-ice-commands.h"

#include "ice/nat/nat-probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define COMMAND "probe"
#define STUN_DEFAULT_PORT 3478
/* Beyond any schedule the probe runs (its own timers end it sooner),
 * except a lifetime search, which has its own limit. */
#define RUN_LIMIT_US (60 * G_TIME_SPAN_SECOND)

typedef struct {
  gchar *local;
  gboolean json;
  gboolean hairpinning;
  gboolean lifetime;
  gint lifetime_max_s;
  gchar **args;
} ProbeOptions;

typedef struct {
  int fd[2]; /* IceNatProbeSocket -> descriptor or -1 */
  IceTransportAddr local;
  IceTransportAddr server;
} ProbeSockets;

/* Parses "stun://host[:port]" (IPv6 literals in brackets). */
static gboolean
parse_stun_uri (const gchar *uri, gchar **host, guint16 *port)
{
  const gchar *rest, *colon;
  gchar *end = NULL;
  guint64 value;

  if (!g_str_has_prefix (uri, "stun://"))
    return FALSE;
  rest = uri + strlen ("stun://");
  if (rest[0] == '[') {
    const gchar *close = strchr (rest, ']');

    if (!close || close == rest + 1)
      return FALSE;
    *host = g_strndup (rest + 1, close - rest - 1);
    colon = close[1] == ':' ? close + 1 : NULL;
    if (!colon && close[1] != '\0')
      goto fail;
  } else {
    colon = strrchr (rest, ':');
    *host = colon ? g_strndup (rest, colon - rest) : g_strdup (rest);
  }
  if (**host == '\0' || strchr (*host, '/') || strchr (*host, '@'))
    goto fail;
  *port = STUN_DEFAULT_PORT;
  if (!colon)
    return TRUE;
  value = g_ascii_strtoull (colon + 1, &end, 10);
  if (end == colon + 1 || *end != '\0' || value == 0 || value > 65535)
    goto fail;
  *port = value;
  return TRUE;

fail:
  g_clear_pointer (host, g_free);
  return FALSE;
}

static void
addr_from_sockaddr (IceTransportAddr *addr, const struct sockaddr *sa)
{
  memset (addr, 0, sizeof (*addr));
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

    ice_addr_set_ipv4 (addr, ntohl (in->sin_addr.s_addr), ntohs (in->sin_port));
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

    ice_addr_set_ipv6 (addr, in6->sin6_addr.s6_addr, ntohs (in6->sin6_port));
    addr->scope_id = in6->sin6_scope_id;
  }
}

static socklen_t
addr_to_sockaddr (const IceTransportAddr *addr, struct sockaddr_storage *ss)
{
  memset (ss, 0, sizeof (*ss));
  if (addr->family == ICE_ADDR_FAMILY_IPV4) {
    struct sockaddr_in *in = (struct sockaddr_in *)ss;

    in->sin_family = AF_INET;
    in->sin_port = htons (addr->port);
    memcpy (&in->sin_addr, addr->ip, 4);
    return sizeof (*in);
  } else {
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons (addr->port);
    in6->sin6_scope_id = addr->scope_id;
    memcpy (&in6->sin6_addr, addr->ip, 16);
    return sizeof (*in6);
  }
}

/* The server's address; with @want_family set, only of that family. */
static gboolean
resolve (const gchar *host, guint16 port, IceAddrFamily want_family,
         IceTransportAddr *out, gchar **error)
{
  struct addrinfo hints = { 0 }, *res = NULL, *ai;
  int rc;

  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = want_family == ICE_ADDR_FAMILY_IPV4   ? AF_INET
                    : want_family == ICE_ADDR_FAMILY_IPV6 ? AF_INET6
                                                          : AF_UNSPEC;
  rc = getaddrinfo (host, NULL, &hints, &res);
  if (rc != 0) {
    *error
        = g_strdup_printf ("cannot resolve '%s': %s", host, gai_strerror (rc));
    return FALSE;
  }
  for (ai = res; ai; ai = ai->ai_next) {
    addr_from_sockaddr (out, ai->ai_addr);
    if (ice_addr_is_set (out))
      break;
  }
  freeaddrinfo (res);
  if (!ai) {
    *error = g_strdup_printf ("'%s' has no address", host);
    return FALSE;
  }
  out->port = port;
  return TRUE;
}

static int
open_bound_socket (const IceTransportAddr *bind_addr, gchar **error)
{
  struct sockaddr_storage ss;
  socklen_t len = addr_to_sockaddr (bind_addr, &ss);
  int fd = socket (ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  gchar buf[ICE_ADDR_STRLEN];

  if (fd < 0 || bind (fd, (struct sockaddr *)&ss, len) < 0) {
    *error = g_strdup_printf ("cannot bind a UDP socket to %s: %s",
                              ice_addr_to_string (bind_addr, buf),
                              g_strerror (errno));
    if (fd >= 0)
      close (fd);
    return -1;
  }
  return fd;
}

/* The socket's local address as the server would see it without a NAT:
 * a socket bound to the wildcard learns its source IP from the route to
 * the server (a connected UDP socket sends nothing). */
static gboolean
find_local_address (int fd, const IceTransportAddr *server,
                    IceTransportAddr *local, gchar **error)
{
  struct sockaddr_storage ss;
  socklen_t len = sizeof (ss);
  IceTransportAddr route;
  int probe_fd;

  if (getsockname (fd, (struct sockaddr *)&ss, &len) < 0)
    goto failed;
  addr_from_sockaddr (local, (struct sockaddr *)&ss);
  if (!ice_addr_is_unspecified (local))
    return TRUE;
  len = addr_to_sockaddr (server, &ss);
  probe_fd = socket (ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (probe_fd < 0 || connect (probe_fd, (struct sockaddr *)&ss, len) < 0
      || getsockname (probe_fd, (struct sockaddr *)&ss, &len) < 0) {
    if (probe_fd >= 0)
      close (probe_fd);
    goto failed;
  }
  close (probe_fd);
  addr_from_sockaddr (&route, (struct sockaddr *)&ss);
  memcpy (local->ip, route.ip, sizeof (local->ip));
  local->scope_id = route.scope_id;
  return TRUE;

failed:
  *error = g_strdup_printf ("cannot find the local address towards the "
                            "server: %s",
                            g_strerror (errno));
  return FALSE;
}

/* Binds the primary socket (to --local or the wildcard) and, when asked,
 * a second one on the same IP. */
static gboolean
open_sockets (ProbeSockets *s, const IceTransportAddr *bind_addr,
              gboolean second, gchar **error)
{
  IceTransportAddr second_addr;

  s->fd[0] = open_bound_socket (bind_addr, error);
  if (s->fd[0] < 0
      || !find_local_address (s->fd[0], &s->server, &s->local, error))
    return FALSE;
  if (!second)
    return TRUE;
  second_addr = s->local;
  second_addr.port = 0;
  s->fd[1] = open_bound_socket (&second_addr, error);
  return s->fd[1] >= 0;
}

static void
close_sockets (ProbeSockets *s)
{
  guint i;

  for (i = 0; i < 2; i++) {
    if (s->fd[i] >= 0)
      close (s->fd[i]);
  }
}

static void
send_transmits (IceNatProbe *probe, ProbeSockets *s)
{
  IceNatProbeTransmit tx;

  while (ice_nat_probe_poll_transmit (probe, &tx)) {
    struct sockaddr_storage ss;
    socklen_t len = addr_to_sockaddr (&tx.to, &ss);
    int fd = s->fd[tx.socket];
    gchar buf[ICE_ADDR_STRLEN];

    /* A lost send is like a lost datagram: the schedule retries it. */
    if (fd >= 0
        && sendto (fd, tx.data, tx.len, 0, (struct sockaddr *)&ss, len) < 0)
      g_debug ("probe: sendto %s: %s", ice_addr_to_string (&tx.to, buf),
               g_strerror (errno));
  }
}

static void
receive_datagrams (IceNatProbe *probe, int fd, gboolean feed)
{
  guint8 data[ICE_STUN_MAX_MESSAGE_SIZE];
  struct sockaddr_storage ss;
  socklen_t len = sizeof (ss);
  IceTransportAddr from;
  ssize_t n;

  while ((n = recvfrom (fd, data, sizeof (data), MSG_DONTWAIT,
                        (struct sockaddr *)&ss, &len))
         >= 0) {
    addr_from_sockaddr (&from, (struct sockaddr *)&ss);
    if (feed)
      ice_nat_probe_handle_packet (probe, g_get_monotonic_time (), &from, data,
                                   n);
    len = sizeof (ss);
  }
}

/* Drives the probe on real time until it is done or @limit_us passes. */
static void
run_probe (IceNatProbe *probe, ProbeSockets *s, gint64 limit_us)
{
  gint64 deadline = g_get_monotonic_time () + limit_us;
  struct pollfd fds[2];
  nfds_t nfds = s->fd[1] >= 0 ? 2 : 1;
  guint i;

  for (i = 0; i < nfds; i++) {
    fds[i].fd = s->fd[i];
    fds[i].events = POLLIN;
  }
  ice_nat_probe_start (probe, g_get_monotonic_time ());
  send_transmits (probe, s);
  while (!ice_nat_probe_is_done (probe)) {
    gint64 now = g_get_monotonic_time ();
    gint64 next = ice_nat_probe_next_timeout (probe);
    gint64 wait_ms;

    if (now >= deadline || next < 0)
      break;
    wait_ms = next > now ? (next - now + 999) / 1000 : 0;
    if (poll (fds, nfds, (int)MIN (wait_ms, G_MAXINT)) > 0) {
      for (i = 0; i < nfds; i++) {
        if (fds[i].revents & POLLIN)
          receive_datagrams (probe, fds[i].fd, i == 0);
      }
    }
    now = g_get_monotonic_time ();
    next = ice_nat_probe_next_timeout (probe);
    if (next >= 0 && now >= next)
      ice_nat_probe_handle_timeout (probe, now);
    send_transmits (probe, s);
  }
}

static guint64
random_64 (gpointer user_data)
{
  return ((guint64)g_random_int () << 32) | g_random_int ();
}

static void
print_result (const IceNatProbeResult *r, const gchar *uri, gboolean json)
{
  gchar *text;
  gchar a[ICE_ADDR_STRLEN], b[ICE_ADDR_STRLEN];

  if (json) {
    text = ice_nat_probe_result_to_json (r);
    printf ("%s\n", text);
    g_free (text);
    return;
  }
  text = ice_nat_probe_result_to_sentence (r);
  printf ("server:    %s (%s)\n", uri, ice_addr_to_string (&r->server, a));
  printf ("local:     %s\n", ice_addr_to_string (&r->local, a));
  printf ("mapped:    %s\n", ice_addr_is_set (&r->mapped)
                                 ? ice_addr_to_string (&r->mapped, b)
                                 : "-");
  printf ("mapping:   %s\n", ice_nat_behaviour_to_string (r->mapping));
  printf ("filtering: %s\n", ice_nat_behaviour_to_string (r->filtering));
  printf ("%s\n", text);
  g_free (text);
}

static int
probe_server (const ProbeOptions *o, const gchar *uri,
              const IceTransportAddr *bind_addr, ProbeSockets *s)
{
  IceNatProbeConfig config;
  IceNatProbeResult r;
  IceNatProbe *probe;
  gchar *error = NULL;
  gchar buf[ICE_ADDR_STRLEN];

  if (!open_sockets (s, bind_addr, o->hairpinning || o->lifetime, &error)) {
    fprintf (stderr, "gst-ice %s: %s\n", COMMAND, error);
    g_free (error);
    return GST_ICE_EXIT_FAILURE;
  }
  ice_nat_probe_config_init (&config);
  config.server = s->server;
  config.local = s->local;
  config.random = random_64;
  config.test_hairpinning = o->hairpinning;
  config.test_lifetime = o->lifetime;
  if (o->lifetime_max_s > 0)
    config.lifetime_max_us = o->lifetime_max_s * G_TIME_SPAN_SECOND;
  config.software = "gst-ice " PACKAGE_VERSION;
  probe = ice_nat_probe_new (&config);
  run_probe (probe, s,
             o->lifetime ? RUN_LIMIT_US + 4 * config.lifetime_max_us
                         : RUN_LIMIT_US);
  ice_nat_probe_get_result (probe, &r);
  ice_nat_probe_free (probe);
  print_result (&r, uri, o->json);
  if (r.status == ICE_NAT_PROBE_OK)
    return GST_ICE_EXIT_OK;
  fprintf (stderr, "gst-ice %s: %s %s (%s)\n", COMMAND,
           r.status == ICE_NAT_PROBE_SERVER_ERROR
               ? "an error answer from the STUN server"
               : "no answer from the STUN server",
           uri, ice_addr_to_string (&s->server, buf));
  return GST_ICE_EXIT_FAILURE;
}

/* --local: "IP" or "IP:PORT", IPv6 as "[IP]:PORT" or a bare IP. */
static gboolean
parse_local (const gchar *str, IceTransportAddr *addr)
{
  return ice_addr_parse (addr, str) || ice_addr_parse_ip (addr, str, 0);
}

static int
run_with_options (ProbeOptions *o)
{
  ProbeSockets s = { { -1, -1 } };
  IceTransportAddr bind_addr = { 0 };
  gchar *host = NULL, *error = NULL;
  const gchar *uri;
  guint16 port;
  int status;

  if (!o->args || g_strv_length (o->args) != 1)
    return gst_ice_usage_error (COMMAND, "expected one server URI, "
                                         "stun://host[:port]");
  uri = o->args[0];
  if (!parse_stun_uri (uri, &host, &port))
    return gst_ice_usage_error (COMMAND,
                                "'%s' is not a STUN server URI: "
                                "expected stun://host[:port]",
                                uri);
  if (o->local && !parse_local (o->local, &bind_addr)) {
    g_free (host);
    return gst_ice_usage_error (COMMAND,
                                "--local '%s': expected an IP "
                                "address, optionally with :PORT ([IPv6]:PORT)",
                                o->local);
  }
  if (!resolve (host, port, bind_addr.family, &s.server, &error)) {
    fprintf (stderr, "gst-ice %s: %s\n", COMMAND, error);
    g_free (error);
    g_free (host);
    return GST_ICE_EXIT_FAILURE;
  }
  g_free (host);
  if (!o->local)
    ice_addr_parse_ip (
        &bind_addr, s.server.family == ICE_ADDR_FAMILY_IPV6 ? "::" : "0.0.0.0",
        0);
  status = probe_server (o, uri, &bind_addr, &s);
  close_sockets (&s);
  return status;
}

int
gst_ice_cmd_probe (int argc, char **argv)
{
  ProbeOptions o = { 0 };
  GOptionEntry entries[]
      = { { "local", 'l', 0, G_OPTION_ARG_STRING, &o.local,
            "Bind to this local IP[:PORT] (default: any, a free port)",
            "ADDR" },
          { "json", 'j', 0, G_OPTION_ARG_NONE, &o.json,
            "Print the result as one JSON object", NULL },
          { "hairpinning", 0, 0, G_OPTION_ARG_NONE, &o.hairpinning,
            "Also test hairpinning (RFC 5780 §4.5; a second socket)", NULL },
          { "lifetime", 0, 0, G_OPTION_ARG_NONE, &o.lifetime,
            "Also measure the mapping lifetime (RFC 5780 §4.6; slow)", NULL },
          { "lifetime-max", 0, 0, G_OPTION_ARG_INT, &o.lifetime_max_s,
            "Longest idle time the lifetime search tries (default 120)", "S" },
          { NULL } };
  GOptionContext *context
      = g_option_context_new ("stun://HOST[:PORT] - RFC 5780 NAT discovery");
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (
      context, "Sends Binding requests to a "
               "STUN server running RFC 5780 behaviour discovery (two IPs, two "
               "ports) and reports the NAT's mapping and filtering behaviour.\n"
               "Exit status: 0 the probe ran, 1 the server did not answer, "
               "2 usage error.\n");
  if (!gst_ice_parse_options (context, COMMAND, argc, argv, &o.args)) {
    g_option_context_free (context);
    g_free (o.local);
    return GST_ICE_EXIT_USAGE;
  }
  g_option_context_free (context);
  if (o.lifetime_max_s < 0)
    status = gst_ice_usage_error (COMMAND, "--lifetime-max: expected a "
                                           "number of seconds above 0");
  else
    status = run_with_options (&o);
  g_free (o.local);
  g_strfreev (o.args);
  return status;
}
