/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Names for STUN numbers and parse results, for logs and debugging. The
 * attribute names are those of the IANA "STUN Attributes" registry
 * (RFC 8489 §18.3, RFC 8656 §18, RFC 8445 §16.1, RFC 5780 §9.1,
 * RFC 6062 §6.2).
 */
#include "ice/stun/stun-constants.h"
#include "ice/stun/stun-message.h"

/**
 * ice_stun_method_to_string:
 * @method: a 12-bit STUN method
 *
 * Returns: (transfer none): the method's name, e.g. "Binding", or
 *   "unknown" for a method this project does not know.
 */
const gchar *
ice_stun_method_to_string (guint16 method)
{
  switch (method) {
    case ICE_STUN_METHOD_BINDING:
      return "Binding";
    case ICE_STUN_METHOD_ALLOCATE:
      return "Allocate";
    case ICE_STUN_METHOD_REFRESH:
      return "Refresh";
    case ICE_STUN_METHOD_SEND:
      return "Send";
    case ICE_STUN_METHOD_DATA:
      return "Data";
    case ICE_STUN_METHOD_CREATE_PERMISSION:
      return "CreatePermission";
    case ICE_STUN_METHOD_CHANNEL_BIND:
      return "ChannelBind";
    case ICE_STUN_METHOD_CONNECT:
      return "Connect";
    case ICE_STUN_METHOD_CONNECTION_BIND:
      return "ConnectionBind";
    case ICE_STUN_METHOD_CONNECTION_ATTEMPT:
      return "ConnectionAttempt";
  }
  return "unknown";
}

/**
 * ice_stun_class_to_string:
 * @klass: a message class
 *
 * Returns: (transfer none): "request", "indication", "success response"
 *   or "error response".
 */
const gchar *
ice_stun_class_to_string (IceStunClass klass)
{
  switch (klass) {
    case ICE_STUN_CLASS_REQUEST:
      return "request";
    case ICE_STUN_CLASS_INDICATION:
      return "indication";
    case ICE_STUN_CLASS_SUCCESS:
      return "success response";
    case ICE_STUN_CLASS_ERROR:
      return "error response";
  }
  return "invalid class";
}

/* Split in two so that each switch stays readable. */
static const gchar *
required_attr_name (guint16 type)
{
  switch (type) {
    case ICE_STUN_ATTR_MAPPED_ADDRESS:
      return "MAPPED-ADDRESS";
    case ICE_STUN_ATTR_CHANGE_REQUEST:
      return "CHANGE-REQUEST";
    case ICE_STUN_ATTR_USERNAME:
      return "USERNAME";
    case ICE_STUN_ATTR_MESSAGE_INTEGRITY:
      return "MESSAGE-INTEGRITY";
    case ICE_STUN_ATTR_ERROR_CODE:
      return "ERROR-CODE";
    case ICE_STUN_ATTR_UNKNOWN_ATTRIBUTES:
      return "UNKNOWN-ATTRIBUTES";
    case ICE_STUN_ATTR_CHANNEL_NUMBER:
      return "CHANNEL-NUMBER";
    case ICE_STUN_ATTR_LIFETIME:
      return "LIFETIME";
    case ICE_STUN_ATTR_XOR_PEER_ADDRESS:
      return "XOR-PEER-ADDRESS";
    case ICE_STUN_ATTR_DATA:
      return "DATA";
    case ICE_STUN_ATTR_REALM:
      return "REALM";
    case ICE_STUN_ATTR_NONCE:
      return "NONCE";
    case ICE_STUN_ATTR_XOR_RELAYED_ADDRESS:
      return "XOR-RELAYED-ADDRESS";
    case ICE_STUN_ATTR_REQUESTED_ADDRESS_FAMILY:
      return "REQUESTED-ADDRESS-FAMILY";
    case ICE_STUN_ATTR_EVEN_PORT:
      return "EVEN-PORT";
    case ICE_STUN_ATTR_REQUESTED_TRANSPORT:
      return "REQUESTED-TRANSPORT";
    case ICE_STUN_ATTR_DONT_FRAGMENT:
      return "DONT-FRAGMENT";
    case ICE_STUN_ATTR_MESSAGE_INTEGRITY_SHA256:
      return "MESSAGE-INTEGRITY-SHA256";
    case ICE_STUN_ATTR_PASSWORD_ALGORITHM:
      return "PASSWORD-ALGORITHM";
    case ICE_STUN_ATTR_USERHASH:
      return "USERHASH";
    case ICE_STUN_ATTR_XOR_MAPPED_ADDRESS:
      return "XOR-MAPPED-ADDRESS";
    case ICE_STUN_ATTR_RESERVATION_TOKEN:
      return "RESERVATION-TOKEN";
    case ICE_STUN_ATTR_PRIORITY:
      return "PRIORITY";
    case ICE_STUN_ATTR_USE_CANDIDATE:
      return "USE-CANDIDATE";
    case ICE_STUN_ATTR_PADDING:
      return "PADDING";
    case ICE_STUN_ATTR_RESPONSE_PORT:
      return "RESPONSE-PORT";
    case ICE_STUN_ATTR_CONNECTION_ID:
      return "CONNECTION-ID";
  }
  return NULL;
}

static const gchar *
optional_attr_name (guint16 type)
{
  switch (type) {
    case ICE_STUN_ATTR_ADDITIONAL_ADDRESS_FAMILY:
      return "ADDITIONAL-ADDRESS-FAMILY";
    case ICE_STUN_ATTR_ADDRESS_ERROR_CODE:
      return "ADDRESS-ERROR-CODE";
    case ICE_STUN_ATTR_PASSWORD_ALGORITHMS:
      return "PASSWORD-ALGORITHMS";
    case ICE_STUN_ATTR_ALTERNATE_DOMAIN:
      return "ALTERNATE-DOMAIN";
    case ICE_STUN_ATTR_ICMP:
      return "ICMP";
    case ICE_STUN_ATTR_SOFTWARE:
      return "SOFTWARE";
    case ICE_STUN_ATTR_ALTERNATE_SERVER:
      return "ALTERNATE-SERVER";
    case ICE_STUN_ATTR_FINGERPRINT:
      return "FINGERPRINT";
    case ICE_STUN_ATTR_ICE_CONTROLLED:
      return "ICE-CONTROLLED";
    case ICE_STUN_ATTR_ICE_CONTROLLING:
      return "ICE-CONTROLLING";
    case ICE_STUN_ATTR_RESPONSE_ORIGIN:
      return "RESPONSE-ORIGIN";
    case ICE_STUN_ATTR_OTHER_ADDRESS:
      return "OTHER-ADDRESS";
  }
  return NULL;
}

/**
 * ice_stun_attr_name:
 * @type: an attribute type
 *
 * Returns: (transfer none) (nullable): the IANA name of @type, e.g.
 *   "XOR-MAPPED-ADDRESS", or %NULL for a type this project does not know.
 */
const gchar *
ice_stun_attr_name (guint16 type)
{
  if (ICE_STUN_ATTR_IS_COMPREHENSION_REQUIRED (type))
    return required_attr_name (type);
  return optional_attr_name (type);
}

/**
 * ice_stun_parse_result_to_string:
 * @result: a parse result
 *
 * Returns: (transfer none): a sentence saying what was wrong, for logs.
 */
const gchar *
ice_stun_parse_result_to_string (IceStunParseResult result)
{
  switch (result) {
    case ICE_STUN_PARSE_OK:
      return "valid STUN message";
    case ICE_STUN_PARSE_TOO_SHORT:
      return "shorter than the 20-byte STUN header";
    case ICE_STUN_PARSE_NOT_STUN:
      return "the two leading bits are not zero, so this is not STUN";
    case ICE_STUN_PARSE_BAD_COOKIE:
      return "the magic cookie is not 0x2112A442";
    case ICE_STUN_PARSE_BAD_LENGTH:
      return "the length field does not match the datagram size minus 20";
    case ICE_STUN_PARSE_MISALIGNED:
      return "the length field is not a multiple of 4";
    case ICE_STUN_PARSE_TRUNCATED_ATTRIBUTE:
      return "an attribute runs past the end of the message";
    case ICE_STUN_PARSE_AFTER_FINGERPRINT:
      return "an attribute follows FINGERPRINT";
    case ICE_STUN_PARSE_BAD_ATTRIBUTE:
      return "a known attribute has an invalid length or value";
    case ICE_STUN_PARSE_UNKNOWN_REQUIRED:
      return "unknown comprehension-required attributes are present";
    case ICE_STUN_PARSE_TOO_MANY_ATTRIBUTES:
      return "more attributes than this parser keeps";
  }
  return "invalid parse result";
}
