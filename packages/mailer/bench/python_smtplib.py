"""Peer for the mailer benchmark: send N messages over one smtplib connection and report the time."""
import json
import smtplib
import sys
import time
from email.message import EmailMessage

host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
start = time.perf_counter()
cpu = time.process_time()
with smtplib.SMTP(host, port) as smtp:
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = "bench@example.com"
        msg["To"] = "sink@example.com"
        msg["Subject"] = f"Benchmark message {i}"
        msg.set_content("A short benchmark body.\n")
        smtp.send_message(msg)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "cpu": time.process_time() - cpu, "sent": count}))
