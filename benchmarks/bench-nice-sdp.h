/* gst-ice benchmarks
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libnice ↔ the attribute lines gst-ice's descriptions are made of.
 */
#pragma once

#include <nice/agent.h>

/* "a=ice-ufrag", "a=ice-pwd", "a=candidate" lines of component 1 and
 * "a=end-of-candidates"; free with g_free() */
gchar *bench_nice_description (NiceAgent *agent, guint stream);

/* Applies such lines (CRLF or LF) as the remote side's; candidates libnice
 * cannot parse are reported with a "#" line and skipped. Returns FALSE if
 * the credentials are missing or libnice refused them. */
gboolean bench_nice_apply (NiceAgent *agent, guint stream, const gchar *text);
