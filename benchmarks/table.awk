# gst-ice benchmarks: turns the RESULT lines of bench-throughput and
# bench-connect into Markdown tables of medians and ratios (run.sh calls it).

function median(list,    n, a, i, j, tmp) {
  n = split(list, a, " ")
  if (n == 0)
    return ""
  for (i = 2; i <= n; i++)
    for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
      tmp = a[j]; a[j] = a[j - 1]; a[j - 1] = tmp
    }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}

function maximum(list,    n, a, i, best) {
  n = split(list, a, " ")
  if (n == 0)
    return ""
  best = a[1]
  for (i = 2; i <= n; i++)
    if (a[i] + 0 > best + 0)
      best = a[i]
  return best
}

# The median of the runs, or their best when AGG is "max".
function value(t, k, m) {
  if (AGG == "max")
    return maximum(vals[t SUBSEP k SUBSEP m])
  return median(vals[t SUBSEP k SUBSEP m])
}

function fmt(v, f) {
  return v == "" ? "n/a" : sprintf(f, v)
}

function ratio(a, b) {
  return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2fx", a / b)
}

# One table row: metric m of case k, scaled by s, printed with format f.
function row(label, k, m, s, f, target,    u, n, i) {
  u = value("udp", k, m); n = value("nice", k, m); i = value("ice", k, m)
  if (u != "") u *= s
  if (n != "") n *= s
  if (i != "") i *= s
  printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label, fmt(u, f),
    fmt(n, f), fmt(i, f), ratio(n, u), ratio(i, u), ratio(i, n), target
}

{
  delete kv
  for (f = 2; f <= NF; f++) {
    eq = index($f, "=")
    kv[substr($f, 1, eq - 1)] = substr($f, eq + 1)
  }
}

$1 == "RESULT" && ("transport" in kv) {
  k = kv["mode"] SUBSEP kv["list"]
  if (kv["mode"] == "overload")
    kv["rss_growth_kb"] = kv["rss_peak_kb"] - kv["rss_base_kb"]
  for (m in kv)
    vals[kv["transport"] SUBSEP k SUBSEP m] = \
      vals[kv["transport"] SUBSEP k SUBSEP m] " " kv[m]
}

$1 == "RESULT" && ("impl" in kv) {
  connect[kv["impl"] SUBSEP kv["nomination"]] = kv["median_ms"] \
    " (" kv["ok"] "/" kv["runs"] " ok, " kv["min_ms"] "-" kv["max_ms"] ")"
  connect_ms[kv["impl"] SUBSEP kv["nomination"]] = kv["median_ms"]
}

$1 == "FAIL" { fails = fails "\n  " $0 }

END {
  U = "unpaced" SUBSEP 1; L = "unpaced" SUBSEP 32
  P = "paced" SUBSEP 1; O = "overload" SUBSEP 1
  print "| metric (median of runs) | udp | nice | ice | nice/udp | ice/udp | ice/nice | target for ice |"
  print "|---|---|---|---|---|---|---|---|"
  row("delivered pkt/s, unpaced, single buffers", U, "pps", 1, "%.0f",
      ">= 1.5x udp, >= 2.5x nice")
  row("delivered pkt/s, unpaced, lists of 32", L, "pps", 1, "%.0f",
      ">= 1.5x udp, >= 2.5x nice")
  AGG = "max"
  row("  best run, unpaced, single buffers", U, "pps", 1, "%.0f", "")
  row("  best run, unpaced, lists of 32", L, "pps", 1, "%.0f", "")
  AGG = ""
  row("CPU % of one core, unpaced, single buffers", U, "cpu_pct", 1, "%.0f",
      "")
  row("loss %, unpaced, single buffers", U, "loss_pct", 1, "%.1f", "")
  row("loss %, unpaced, lists of 32", L, "loss_pct", 1, "%.1f", "")
  row("CPU us/pkt (process), paced 20k pkt/s", P, "cpu_us_per_pkt", 1,
      "%.2f", "<= 1.0x udp (nice: 1.2x)")
  row("  of which sender thread, us/pkt sent", P, "tx_cpu_us_per_pkt", 1,
      "%.2f", "")
  row("  of which receive side, us/pkt received", P, "rx_cpu_us_per_pkt", 1,
      "%.2f", "")
  row("CPU % of one core, paced 20k pkt/s", P, "cpu_pct", 1, "%.0f", "")
  row("loss %, paced 20k pkt/s", P, "loss_pct", 1, "%.2f", "")
  row("CPU us/pkt (process), unpaced, single", U, "cpu_us_per_pkt", 1,
      "%.2f", "")
  row("CPU us/pkt (process), unpaced, lists of 32", L, "cpu_us_per_pkt", 1,
      "%.2f", "")
  row("peak RSS MiB, overload", O, "rss_peak_kb", 1 / 1024, "%.1f",
      "<= 1.5x udp (nice: 7.5x)")
  row("RSS growth MiB during overload", O, "rss_growth_kb", 1 / 1024, "%.1f",
      "")
  row("first fresh buffer ms after overload", O, "first_fresh_ms", 1, "%.1f",
      "<= 20 ms (nice: 1.5-3 s)")
  print ""
  print "| connect, loopback host pair | ice ms | nice ms | ice/nice | target for ice |"
  print "|---|---|---|---|---|"
  split("regular aggressive", noms, " ")
  for (j = 1; j <= 2; j++) {
    a = connect_ms["ice" SUBSEP noms[j]]; b = connect_ms["nice" SUBSEP noms[j]]
    printf "| %s nomination, median | %s | %s | %s | %s |\n", noms[j],
      (("ice" SUBSEP noms[j]) in connect) ? connect["ice" SUBSEP noms[j]] : "n/a",
      (("nice" SUBSEP noms[j]) in connect) ? connect["nice" SUBSEP noms[j]] : "n/a",
      ratio(a, b), "< nice (" (j == 1 ? "62" : "21") " ms)"
  }
  a = connect_ms["ice-legacy" SUBSEP "aggressive"]
  b = connect_ms["nice" SUBSEP "aggressive"]
  if (("ice-legacy" SUBSEP "aggressive") in connect)
    printf "| aggressive, peers told the other has no ice2 option | %s | %s | %s | %s |\n",
      connect["ice-legacy" SUBSEP "aggressive"],
      (("nice" SUBSEP "aggressive") in connect) ? connect["nice" SUBSEP "aggressive"] : "n/a",
      ratio(a, b), "< nice (21 ms)"
  if (fails != "")
    print "\nfailed cases:" fails
}
