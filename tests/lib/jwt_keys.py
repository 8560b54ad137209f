"""Key pairs made with the openssl CLI and JWTs signed with them, for the
authorization tests (python has no JWT library here).

    key = Key(folder, "ES384", "kid-1")        # RS256, RS384, ES256 or ES384
    key.jwk                                    # the public half as a JWK
    token = key.sign({"iss": ..., "exp": ...})  # header {"alg", "kid", "typ": "JWT"}
"""
import base64
import json
import subprocess
import tempfile


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def openssl(*args, data=None):
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


def der_to_raw(der, width):
    """ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs) -> r||s, width bytes each."""
    assert der[0] == 0x30
    i = 2 if der[1] < 0x80 else 3
    out = b""
    for _ in range(2):
        assert der[i] == 0x02
        n = der[i + 1]
        out += der[i + 2:i + 2 + n].lstrip(b"\0").rjust(width, b"\0")
        i += 2 + n
    return out


class Key:
    """alg: RS256 or RS384 (RSA 2048), ES256 (P-256) or ES384 (P-384). on_sign,
    if given, is called with every token signed (tests that check no token
    reaches a log collect them)."""

    def __init__(self, folder, alg, kid, on_sign=None):
        self.alg, self.kid, self.on_sign = alg, kid, on_sign
        self.pem = tempfile.mkstemp(suffix=".pem", dir=folder)[1]  # kids may repeat
        if alg.startswith("RS"):
            openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.pem)
            modulus = openssl("rsa", "-in", self.pem, "-noout", "-modulus").decode().strip().split("=")[1]
            self.jwk = {"kty": "RSA", "alg": alg, "use": "sig", "kid": kid,
                        "n": b64u(bytes.fromhex(modulus)), "e": b64u((65537).to_bytes(3, "big"))}
        else:
            curve, self.width = ("P-384", 48) if alg == "ES384" else ("P-256", 32)
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{curve}", "-out", self.pem)
            point = openssl("pkey", "-in", self.pem, "-pubout", "-outform", "DER")[-(2 * self.width + 1):]
            self.jwk = {"kty": "EC", "crv": curve, "alg": alg, "kid": kid,
                        "x": b64u(point[1:1 + self.width]), "y": b64u(point[1 + self.width:])}
        self.public_pem = openssl("pkey", "-in", self.pem, "-pubout")

    def jwks_file(self, folder):
        path = tempfile.mkstemp(suffix=".jwks.json", dir=folder)[1]
        with open(path, "w") as f:
            json.dump({"keys": [self.jwk]}, f)
        return path

    def sign(self, claims, header=None):
        header = header or {"alg": self.alg, "kid": self.kid, "typ": "JWT"}
        data = (b64u(json.dumps(header).encode()) + "." + b64u(json.dumps(claims).encode())).encode()
        sig = openssl("dgst", "-sha" + self.alg[2:], "-sign", self.pem, data=data)
        if self.alg.startswith("ES"):
            sig = der_to_raw(sig, self.width)
        token = data.decode() + "." + b64u(sig)
        if self.on_sign:
            self.on_sign(token)
        return token
