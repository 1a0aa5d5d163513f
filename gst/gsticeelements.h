/* gst-ice
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef __GST_ICE_ELEMENTS_H__
#define __GST_ICE_ELEMENTS_H__

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

G_BEGIN_DECLS

void ice_element_init (GstPlugin *plugin);

GST_ELEMENT_REGISTER_DECLARE (icesrc);
GST_ELEMENT_REGISTER_DECLARE (icesink);

G_END_DECLS
#endif /* __GST_ICE_ELEMENTS_H__ */
