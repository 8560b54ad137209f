#!/usr/bin/env python3
"""HL7 v2 over MLLP: ORU^R01 with 10 OBX each from 4 concurrent senders, each
waiting for its ACK (AA = committed durably) before sending the next.
Prints messages/s acknowledged. Usage: bench.py MLLP_PORT [MESSAGES] [SENDERS]"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../tests/lib"))
from mllp_client import MllpClient, oru  # noqa: E402

port = int(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
senders = int(sys.argv[3]) if len(sys.argv) > 3 else 4
messages = [[oru(n, obx=10, patients=500) for n in range(i, total, senders)] for i in range(senders)]
results = []


def run(batch):
    client = MllpClient(port)
    results.append(sum(client.send(m)[0] == "AA" for m in batch))
    client.close()


threads = [threading.Thread(target=run, args=(b,)) for b in messages]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
seconds = time.perf_counter() - start
aa = sum(results)
print(f"{aa} of {total} ORU^R01 (10 OBX) acknowledged AA by {senders} senders in {seconds:.2f} s: "
      f"{aa / seconds:.0f} messages/s")
sys.exit(0 if aa == total else 1)
