/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ice/stun/stun-binding.h"

#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

static void
add_trailer (IceStunBuilder *b, const gchar *software)
{
  if (software != NULL)
    ice_stun_builder_add_string (b, ICE_STUN_ATTR_SOFTWARE, software);
  ice_stun_builder_add_fingerprint (b);
}

/* RFC 8489 §6.3.1.1: unknown comprehension-required attributes. */
static gsize
build_unknown (const IceStunMessage *request, const gchar *software,
               guint8 *out, gsize capacity)
{
  IceStunBuilder b;

  ice_stun_builder_init_response (&b, out, capacity, request,
                                  ICE_STUN_CLASS_ERROR);
  ice_stun_builder_add_error_code (&b, ICE_STUN_ERROR_UNKNOWN_ATTRIBUTE,
                                   "Unknown attribute");
  ice_stun_builder_add_unknown_attributes (&b, request->unknown,
                                           request->n_unknown);
  add_trailer (&b, software);
  return ice_stun_builder_finish (&b);
}

/* RFC 8489 §7.3.1: the success response carries the source address. */
static gsize
build_success (const IceStunMessage *request, const IceTransportAddr *from,
               const gchar *software, guint8 *out, gsize capacity)
{
  IceStunBuilder b;

  ice_stun_builder_init_response (&b, out, capacity, request,
                                  ICE_STUN_CLASS_SUCCESS);
  ice_stun_builder_add_xor_address (&b, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, from);
  add_trailer (&b, software);
  return ice_stun_builder_finish (&b);
}

IceStunBindingResult
ice_stun_binding_answer (const guint8 *data, gsize len,
                         const IceTransportAddr *from, const gchar *software,
                         guint8 *out, gsize capacity, gsize *out_len)
{
  IceStunMessage msg;
  IceStunParseResult res;

  *out_len = 0;
  if (!ice_stun_is_message (data, len))
    return ICE_STUN_BINDING_IGNORED;
  res = ice_stun_message_parse (&msg, data, len);
  if (res != ICE_STUN_PARSE_OK && res != ICE_STUN_PARSE_UNKNOWN_REQUIRED)
    return ICE_STUN_BINDING_IGNORED;
  if (msg.method != ICE_STUN_METHOD_BINDING
      || msg.klass != ICE_STUN_CLASS_REQUEST)
    return ICE_STUN_BINDING_IGNORED;
  if (msg.fingerprint >= 0
      && ice_stun_message_check_fingerprint (&msg) != ICE_STUN_CHECK_OK)
    return ICE_STUN_BINDING_IGNORED;
  if (res == ICE_STUN_PARSE_UNKNOWN_REQUIRED) {
    *out_len = build_unknown (&msg, software, out, capacity);
    return *out_len ? ICE_STUN_BINDING_REFUSED : ICE_STUN_BINDING_IGNORED;
  }
  *out_len = build_success (&msg, from, software, out, capacity);
  return *out_len ? ICE_STUN_BINDING_ANSWERED : ICE_STUN_BINDING_IGNORED;
}
