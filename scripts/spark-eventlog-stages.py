#!/usr/bin/env python3
# spark-eventlog-stages.py EVENTS.json: per Spark stage of an event log (zstd -dc events_1_*.zstd > EVENTS.json), its
# time, tasks, input, shuffle bytes written/read and spill: where an import's disk goes (docs/BENCHMARKS.md, "scale").
import json, sys, collections
stages = collections.OrderedDict()
for line in open(sys.argv[1]):
    e = json.loads(line)
    ev = e.get("Event")
    if ev == "SparkListenerTaskEnd":
        m = e.get("Task Metrics") or {}
        s = stages.setdefault(e["Stage ID"], collections.Counter())
        sw = m.get("Shuffle Write Metrics", {})
        sr = m.get("Shuffle Read Metrics", {})
        s["sw"] += sw.get("Shuffle Bytes Written", 0)
        s["swrec"] += sw.get("Shuffle Records Written", 0)
        s["sr"] += sr.get("Remote Bytes Read", 0) + sr.get("Local Bytes Read", 0)
        s["spill_disk"] += m.get("Disk Bytes Spilled", 0)
        s["spill_mem"] += m.get("Memory Bytes Spilled", 0)
        s["in"] += (m.get("Input Metrics") or {}).get("Bytes Read", 0)
        s["out"] += (m.get("Output Metrics") or {}).get("Bytes Written", 0)
        s["tasks"] += 1
    elif ev == "SparkListenerStageCompleted":
        i = e["Stage Info"]
        s = stages.setdefault(i["Stage ID"], collections.Counter())
        s["name"] = i["Stage Name"]
        s["secs"] = (i.get("Completion Time", 0) - i.get("Submission Time", 0)) / 1000
G = 1e6
tot = collections.Counter()
for sid, s in stages.items():
    print(f"{sid:3d} {str(s.get('name',''))[:45]:45s} {s['secs']:7.1f}s tasks {s['tasks']:4d} in {s['in']/G:8.0f}MB shufW {s['sw']/G:8.0f}MB recs {s['swrec']/1e6:7.1f}M shufR {s['sr']/G:8.0f}MB spillD {s['spill_disk']/G:7.0f}MB out {s['out']/G:6.0f}MB")
    for k in ("sw", "spill_disk", "secs"): tot[k] += s[k]
print("total shuffle written MB", tot["sw"]/G, "spill MB", tot["spill_disk"]/G, "stage secs", tot["secs"])
