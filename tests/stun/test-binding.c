/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ice_stun_binding_answer(): what a plain STUN server (gst-ice serve
 * --stun) sends back for each kind of datagram (RFC 8489 §6.3).
 */
#include "ice/stun/stun-binding.h"
#include "ice/stun/stun-builder.h"
#include "ice/stun/stun-integrity.h"

#include <string.h>

static const guint8 tid[ICE_STUN_TRANSACTION_ID_SIZE]
    = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2 };

static gsize
build (guint8 *buf, IceStunClass klass, guint16 method, guint16 extra_attr)
{
  IceStunBuilder b;
  guint32 zero = 0;

  ice_stun_builder_init (&b, buf, ICE_STUN_MAX_MESSAGE_SIZE, klass, method,
                         tid);
  if (extra_attr != 0)
    ice_stun_builder_add (&b, extra_attr, &zero, sizeof (zero));
  ice_stun_builder_add_fingerprint (&b);
  return ice_stun_builder_finish (&b);
}

static IceStunBindingResult
answer (const guint8 *req, gsize len, IceStunMessage *msg, guint8 *out)
{
  IceTransportAddr from;
  IceStunBindingResult result;
  gsize out_len;

  g_assert_true (ice_addr_parse (&from, "198.51.100.7:40000"));
  result = ice_stun_binding_answer (req, len, &from, "test", out,
                                    ICE_STUN_MAX_MESSAGE_SIZE, &out_len);
  if (result == ICE_STUN_BINDING_IGNORED) {
    g_assert_cmpuint (out_len, ==, 0);
    return result;
  }
  g_assert_cmpint (ice_stun_message_parse (msg, out, out_len), ==,
                   ICE_STUN_PARSE_OK);
  g_assert_cmpmem (msg->transaction_id, 12, tid, 12);
  g_assert_cmpint (ice_stun_message_check_fingerprint (msg), ==,
                   ICE_STUN_CHECK_OK);
  return result;
}

static void
test_success (void)
{
  guint8 req[ICE_STUN_MAX_MESSAGE_SIZE], out[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize len = build (req, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_BINDING, 0);
  IceStunMessage msg;
  IceTransportAddr mapped, expected;
  gchar software[16];

  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_ANSWERED);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_SUCCESS);
  g_assert_cmpint (msg.method, ==, ICE_STUN_METHOD_BINDING);
  g_assert_true (ice_stun_message_get_xor_address (
      &msg, ICE_STUN_ATTR_XOR_MAPPED_ADDRESS, &mapped));
  g_assert_true (ice_addr_parse (&expected, "198.51.100.7:40000"));
  g_assert_true (ice_addr_equal (&mapped, &expected));
  g_assert_true (ice_stun_message_get_string (&msg, ICE_STUN_ATTR_SOFTWARE,
                                              software, sizeof (software)));
  g_assert_cmpstr (software, ==, "test");
}

/* RFC 8489 §6.3.1.1: 420 with UNKNOWN-ATTRIBUTES */
static void
test_unknown_attribute (void)
{
  guint8 req[ICE_STUN_MAX_MESSAGE_SIZE], out[ICE_STUN_MAX_MESSAGE_SIZE];
  gsize len
      = build (req, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_BINDING, 0x0031);
  IceStunMessage msg;
  guint code;
  guint16 types[4];

  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_REFUSED);
  g_assert_cmpint (msg.klass, ==, ICE_STUN_CLASS_ERROR);
  g_assert_true (ice_stun_message_get_error_code (&msg, &code, NULL, NULL));
  g_assert_cmpuint (code, ==, 420);
  g_assert_cmpuint (ice_stun_message_get_unknown_attributes (&msg, types, 4),
                    ==, 1);
  g_assert_cmphex (types[0], ==, 0x0031);
}

static void
test_ignored (void)
{
  guint8 req[ICE_STUN_MAX_MESSAGE_SIZE], out[ICE_STUN_MAX_MESSAGE_SIZE];
  IceStunMessage msg;
  gsize len;

  len = build (req, ICE_STUN_CLASS_INDICATION, ICE_STUN_METHOD_BINDING, 0);
  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_IGNORED);
  len = build (req, ICE_STUN_CLASS_SUCCESS, ICE_STUN_METHOD_BINDING, 0);
  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_IGNORED);
  len = build (req, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_ALLOCATE, 0);
  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_IGNORED);
  /* a FINGERPRINT that does not match */
  len = build (req, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_BINDING, 0);
  req[len - 1] ^= 0xff;
  g_assert_cmpint (answer (req, len, &msg, out), ==, ICE_STUN_BINDING_IGNORED);
  /* not STUN, and truncated */
  g_assert_cmpint (
      answer ((const guint8 *)"hello world, not stun", 21, &msg, out), ==,
      ICE_STUN_BINDING_IGNORED);
  len = build (req, ICE_STUN_CLASS_REQUEST, ICE_STUN_METHOD_BINDING, 0);
  g_assert_cmpint (answer (req, len - 4, &msg, out), ==,
                   ICE_STUN_BINDING_IGNORED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stun/binding/success", test_success);
  g_test_add_func ("/stun/binding/unknown-attribute", test_unknown_attribute);
  g_test_add_func ("/stun/binding/ignored", test_ignored);
  return g_test_run ();
}
