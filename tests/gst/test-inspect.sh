#!/usr/bin/env bash
# gst-inspect-1.0 finds both elements in the build tree, exits 0, and lists
# their properties and signals; the plugin ice is the one that has them
# (icews and icewebrtc are plugins of their own). TAP output.
set -u
echo "1..3"
n=0
for element in icesrc icesink; do
  n=$((n + 1))
  out=$(gst-inspect-1.0 "$element" 2>&1)
  rc=$?
  missing=""
  for word in agent-name stream component rtcp-mux stun-server ice-role \
      port-range bind-address ice-tcp nomination consent-freshness peer-timeout \
      signaller signaller-token signaller-ca-file \
      ice-connection-state ice-gathering-state selected-pair stats \
      local-description on-ice-candidate on-gathering-done \
      add-ice-candidate set-remote-description restart turn-server \
      ice-transport-policy turn-ca-file turn-insecure add-turn-server \
      GstIceTransportPolicy mdns mdns-resolve interfaces exclude-interfaces \
      restart-on-network-change ice-lite; do
    grep -q -- "$word" <<<"$out" || missing="$missing $word"
  done
  case $element in
    icesrc) grep -q "Source/Network" <<<"$out" && grep -q " caps " <<<"$out" \
      || missing="$missing klass-or-caps" ;;
    icesink) grep -q "Sink/Network" <<<"$out" \
      && grep -q "wait-for-connection" <<<"$out" \
      || missing="$missing klass-or-wait-for-connection" ;;
  esac
  if [ $rc -eq 0 ] && [ -z "$missing" ]; then
    echo "ok $n - gst-inspect-1.0 $element"
  else
    echo "not ok $n - gst-inspect-1.0 $element (exit $rc, missing:$missing)"
    echo "$out" | head -20 | sed 's/^/# /'
  fi
done

n=$((n + 1))
out=$(gst-inspect-1.0 ice 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q "icesrc: ICE source" <<<"$out" \
    && grep -q "icesink: ICE sink" <<<"$out" && grep -q "2 elements" <<<"$out"; then
  echo "ok $n - gst-inspect-1.0 ice"
else
  echo "not ok $n - gst-inspect-1.0 ice (exit $rc)"
  echo "$out" | head -20 | sed 's/^/# /'
fi
