"""A minimal MLLP client and ORU^R01 generator for the HL7 v2 listener tests
and bench/hl7v2 (python3 sockets; no dependencies)."""
import socket

VT, FS, CR = b"\x0b", b"\x1c", b"\r"


def oru(n, obx=3, patients=50, app="LAB", facility="GH"):
    """ORU^R01 number n: control id C<n>, filler order F<n>, `obx` OBX."""
    segs = [
        f"MSH|^~\\&|{app}|{facility}|VIGIL|HOSP|20240306101500+0000||ORU^R01|C{n}|P|2.5",
        f"PID|1||P{n % patients}^^^GH&1.2.840.99&ISO^MR||Doe{n % patients}^Jane",
        f"OBR|1|PL{n}^ORDERS|F{n}^LAB^2.16.1^ISO|24331-1^Lipid panel^LN|||20240306080000+0000"
        "|||||||||||||||20240306100000+0000||CH|F",
    ]
    for i in range(obx):
        segs.append(f"OBX|{i + 1}|NM|{2000 + i}-{i % 10}^Test {i}^LN||{100 + n % 50 + i}|mg/dL"
                    f"|<200|N|||F|||20240306090000+0000")
    return "\r".join(segs) + "\r"


class MllpClient:
    """ssl_context: an ssl.SSLContext for MLLP over TLS (`vigil serve --tls-cert`);
    the server's certificate must then name `host`."""

    def __init__(self, port, host="127.0.0.1", timeout=30, ssl_context=None):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        if ssl_context is not None:
            self.sock = ssl_context.wrap_socket(self.sock, server_hostname=host)
        self.buf = b""

    def send(self, text):
        """Sends one message, waits for its ACK; returns (MSA-1, MSA-2)."""
        self.sock.sendall(VT + text.encode("latin-1") + FS + CR)
        while FS not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed before the ACK")
            self.buf += chunk
        frame, _, self.buf = self.buf.partition(FS)
        self.buf = self.buf[1:] if self.buf.startswith(CR) else self.buf
        ack = frame[frame.find(VT) + 1:].decode("latin-1")
        for seg in ack.split("\r"):
            if seg.startswith("MSA|"):
                f = seg.split("|")
                return f[1], f[2] if len(f) > 2 else ""
        return "", ""

    def close(self):
        self.sock.close()
