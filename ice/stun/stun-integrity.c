/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "ice/stun/stun-message.h"
