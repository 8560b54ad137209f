#!/usr/bin/env python3
"""SMART Backend Services end to end: clients registered with `vigil auth
add-client` (keys made by the `openssl` CLI, client assertions signed here with
python3's standard library + openssl), tokens from `vigil serve --auth smart`'s
own POST /auth/token, and those tokens used on /fhir: 200 within scope, 403
outside it, 401 once expired. Every malformed request and bad assertion gets
its OAuth error (never a 500); a jti is single use; clients added or removed
while the server runs count at the next request; an external issuer's tokens
stay accepted beside the server's own; no log holds an assertion or a token.

Usage: backend_services_test.py PATH/TO/vigil     (exit 0 = all passed)
"""
import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from checks import check, failures  # noqa: E402
from jwt_keys import Key, b64u  # noqa: E402
from vigil_server import Server, call, call_raw  # noqa: E402

VIGIL = os.path.abspath(sys.argv[1])
LIFETIME_S = 5  # VIGIL_TOKEN_LIFETIME_S for the server under test
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
secrets = []  # every assertion and token sent or received: none may appear in a log


def vigil_auth(*args):
    return subprocess.run([VIGIL, "auth", *args], capture_output=True, text=True, timeout=60)


def post_form(url, fields, content_type="application/x-www-form-urlencoded"):
    """(status, parsed JSON, headers) of a POST with fields form-encoded (or a raw str body)."""
    body = fields if isinstance(fields, str) else urllib.parse.urlencode(fields)
    status, data, headers = call_raw("POST", url, body, {"Content-Type": content_type})
    return status, json.loads(data) if data else None, headers


def main():
    folder = tempfile.mkdtemp(prefix="vigil-backend-")
    data = os.path.join(folder, "store")
    es384 = Key(folder, "ES384", "es-1", on_sign=secrets.append)
    rs384 = Key(folder, "RS384", "rs-1", on_sign=secrets.append)
    stranger = Key(folder, "ES384", "es-1", on_sign=secrets.append)  # same kid, another key pair

    @check("vigil auth add-client registers a client and prints its id")
    def _():
        r = vigil_auth("add-client", "--data", data, "--jwks", es384.jwks_file(folder),
                       "--scope", "system/*.rs system/Observation.c", "--id", "lab-sync")
        assert r.returncode == 0 and r.stdout.strip() == "lab-sync", (r.returncode, r.stdout, r.stderr)

    rsa_client = {}

    @check("add-client without --id makes a random id; list-clients shows both")
    def _():
        r = vigil_auth("add-client", "--data", data, "--jwks", rs384.jwks_file(folder), "--scope", "system/Patient.rs")
        assert r.returncode == 0, r.stderr
        rsa_client["id"] = r.stdout.strip()
        assert len(rsa_client["id"]) == 32 and int(rsa_client["id"], 16) >= 0, r.stdout
        listed = vigil_auth("list-clients", "--data", data)
        lines = listed.stdout.strip().splitlines()
        assert listed.returncode == 0 and len(lines) == 2, listed.stdout
        assert lines[0].startswith("lab-sync\t") and lines[0].endswith("system/*.rs system/Observation.c"), lines
        assert lines[1].startswith(rsa_client["id"] + "\t"), lines

    @check("add-client refuses patient scopes, a duplicate id, a bad JWKS and a private key")
    def _():
        jwks = es384.jwks_file(folder)
        for args, why in ((["--scope", "patient/*.rs", "--id", "x"], "scope 'patient/*.rs'"),
                          (["--scope", "system/*.rs", "--id", "lab-sync"], "registered already"),
                          (["--scope", "system/*.rs", "--id", "a b"], "client id")):
            r = vigil_auth("add-client", "--data", data, "--jwks", jwks, *args)
            assert r.returncode == 1 and why in r.stderr, (args, r.stderr)
        private = os.path.join(folder, "private.json")
        with open(private, "w") as f:
            json.dump({"keys": [dict(es384.jwk, d="AAAA")]}, f)
        r = vigil_auth("add-client", "--data", data, "--jwks", private, "--scope", "system/*.rs")
        assert r.returncode == 1 and "private" in r.stderr, r.stderr
        assert len(vigil_auth("list-clients", "--data", data).stdout.strip().splitlines()) == 2

    os.environ["VIGIL_TOKEN_LIFETIME_S"] = str(LIFETIME_S)
    server = Server(VIGIL, data, ["--auth", "smart", "--no-demo"])
    token_url = server.origin + "/auth/token"

    def assertion(key=es384, client="lab-sync", header=None, **changes):
        claims = {"iss": client, "sub": client, "aud": token_url,
                  "exp": int(time.time()) + 240, "jti": str(uuid.uuid4())}
        claims.update(changes)
        return key.sign({k: v for k, v in claims.items() if v is not None}, header)

    def form(a, scope="system/Patient.rs system/Observation.cruds", **extra):
        fields = {"grant_type": "client_credentials", "scope": scope,
                  "client_assertion_type": ASSERTION_TYPE, "client_assertion": a}
        fields.update(extra)
        return {k: v for k, v in fields.items() if v is not None}

    def token_for(a=None, scope="system/Patient.rs system/Observation.cruds"):
        s, body, headers = post_form(token_url, form(a or assertion(), scope))
        assert s == 200, (s, body)
        assert headers.get("cache-control") == "no-store", headers
        secrets.append(body["access_token"])
        return body

    def bearer(token):
        return {"Authorization": "Bearer " + token, "Content-Type": "application/fhir+json"}

    try:
        @check("smart-configuration names the token endpoint, private_key_jwt and the JWKS")
        def _():
            for path in ("/.well-known/smart-configuration", "/fhir/.well-known/smart-configuration"):
                s, doc = call("GET", server.origin + path)
                assert s == 200, s
                assert doc["token_endpoint"] == token_url and doc["issuer"] == server.origin + "/auth", doc
                assert doc["grant_types_supported"] == ["client_credentials"], doc
                assert doc["token_endpoint_auth_methods_supported"] == ["private_key_jwt"], doc
                assert {"RS384", "ES384"} <= set(doc["token_endpoint_auth_signing_alg_values_supported"]), doc
                assert "client-confidential-asymmetric" in doc["capabilities"], doc
            s, jwks = call("GET", doc["jwks_uri"])
            assert s == 200 and jwks["keys"][0]["kty"] == "EC" and jwks["keys"][0]["alg"] == "ES256", jwks
            assert not any(k in jwks["keys"][0] for k in ("d", "p", "q")), jwks
            s, cs = call("GET", server.fhir + "/metadata")
            uris = cs["rest"][0]["security"]["extension"][0]
            assert uris["extension"][0] == {"url": "token", "valueUri": token_url}, uris

        @check("the signing key is kept in DATA/auth/token_key.pem, readable by its owner only")
        def _():
            mode = stat.S_IMODE(os.stat(os.path.join(data, "auth", "token_key.pem")).st_mode)
            assert mode == 0o600, oct(mode)
            assert stat.S_IMODE(os.stat(os.path.join(data, "auth")).st_mode) == 0o700

        observation = {"resourceType": "Observation", "status": "final",
                       "code": {"coding": [{"system": "http://loinc.org", "code": "8867-4"}]},
                       "valueQuantity": {"value": 88, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"}}

        @check("an ES384 assertion gets a bearer token: read 200, create Observation 201, Patient 403")
        def _():
            body = token_for()
            assert body["token_type"] == "bearer" and body["expires_in"] == LIFETIME_S, body
            assert body["scope"] == "system/Patient.rs system/Observation.crs", body
            token = body["access_token"]
            s, bundle = call("GET", server.fhir + "/Patient", headers=bearer(token))
            assert s == 200 and bundle["resourceType"] == "Bundle", s
            s, created = call("POST", server.fhir + "/Observation", observation, bearer(token))
            assert s == 201, (s, created)
            s, outcome = call("POST", server.fhir + "/Patient", {"resourceType": "Patient"}, bearer(token))
            assert s == 403 and outcome["resourceType"] == "OperationOutcome", (s, outcome)
            s, _ = call("DELETE", server.fhir + "/Observation/" + created["id"], headers=bearer(token))
            assert s == 403, s
            s, _ = call("GET", server.fhir + "/Patient")
            assert s == 401, s

        @check("an RS384 client gets only its registered scopes")
        def _():
            body = token_for(assertion(rs384, rsa_client["id"]), "system/*.cruds")
            assert body["scope"] == "system/Patient.rs", body
            s, _ = call("GET", server.fhir + "/Observation", headers=bearer(body["access_token"]))
            assert s == 403, s

        @check("the token is refused once its lifetime is over")
        def _():
            token = token_for()["access_token"]
            s, _ = call("GET", server.fhir + "/Patient", headers=bearer(token))
            assert s == 200, s
            time.sleep(LIFETIME_S + 1.5)
            s, _, headers = call_raw("GET", server.fhir + "/Patient", headers=bearer(token))
            assert s == 401 and 'error="invalid_token"' in headers["www-authenticate"], (s, headers)

        def refused(fields, status, error, content_type="application/x-www-form-urlencoded"):
            s, body, headers = post_form(token_url, fields, content_type)
            assert (s, body and body.get("error")) == (status, error), (s, body)
            assert body["error_description"], body
            assert headers.get("cache-control") == "no-store", headers

        @check("malformed requests: invalid_request (400)")
        def _():
            refused(json.dumps(form(assertion())), 400, "invalid_request", "application/json")
            refused("%%%&&=&x", 400, "invalid_request")
            refused(form(assertion(), grant_type=None), 400, "invalid_request")
            refused(form(assertion(), scope=None), 400, "invalid_request")
            refused(urllib.parse.urlencode(form(assertion())) + "&scope=system%2FPatient.rs", 400, "invalid_request")
            s, body, headers = call_raw("GET", token_url)
            assert s == 405 and headers.get("allow") == "POST", (s, headers)

        @check("another grant type: unsupported_grant_type (400)")
        def _():
            refused(form(assertion(), grant_type="password"), 400, "unsupported_grant_type")

        @check("each bad assertion: invalid_client (400)")
        def _():
            now = int(time.time())
            cases = {
                "no assertion": form(None),
                "another assertion type": form(assertion(), client_assertion_type="urn:x"),
                "not a JWT": form("x.y.z"),
                "unknown client": form(assertion(client="nobody")),
                "bad signature": form(assertion(stranger)),
                "expired": form(assertion(exp=now - 120)),
                "exp more than 5 minutes ahead": form(assertion(exp=now + 3600)),
                "aud is not the token URL": form(assertion(aud=server.fhir)),
                "sub is not the client": form(assertion(sub="someone")),
                "no jti": form(assertion(jti=None)),
                "client_id differs": form(assertion(), client_id="other"),
                "RS384 key presented as ES384": form(assertion(
                    rs384, rsa_client["id"], header={"alg": "ES384", "kid": "rs-1", "typ": "JWT"})),
                "alg none": form(b64u(b'{"alg":"none"}') + "." + b64u(json.dumps(
                    {"iss": "lab-sync", "sub": "lab-sync", "aud": token_url, "exp": now + 60, "jti": "n"}).encode()) + "."),
            }
            hs256_data = (b64u(json.dumps({"alg": "HS256", "kid": "es-1"}).encode()) + "." + b64u(json.dumps(
                {"iss": "lab-sync", "sub": "lab-sync", "aud": token_url, "exp": now + 60, "jti": "h"}).encode()))
            cases["HS256 keyed with the public key"] = form(
                hs256_data + "." + b64u(hmac.new(es384.public_pem, hs256_data.encode(), hashlib.sha256).digest()))
            for name, fields in cases.items():
                try:
                    refused(fields, 400, "invalid_client")
                except AssertionError as e:
                    raise AssertionError(f"{name}: {e}") from None

        @check("a replayed jti: invalid_client, also inside a new assertion")
        def _():
            a = assertion(jti="once-only")
            token_for(a)
            refused(form(a), 400, "invalid_client")
            refused(form(assertion(jti="once-only")), 400, "invalid_client")

        @check("scopes the client may not have: invalid_scope (400)")
        def _():
            refused(form(assertion(), scope="system/Observation.d"), 400, "invalid_scope")
            refused(form(assertion(), scope="patient/*.rs user/*.rs openid"), 400, "invalid_scope")

        @check("clients added and removed while the server runs count at the next request")
        def _():
            late = Key(folder, "ES384", "late", on_sign=secrets.append)
            r = vigil_auth("add-client", "--data", data, "--jwks", late.jwks_file(folder),
                           "--scope", "system/Observation.rs", "--id", "late")
            assert r.returncode == 0, r.stderr
            assert token_for(assertion(late, "late"), "system/Observation.rs")["scope"] == "system/Observation.rs"
            r = vigil_auth("remove-client", "--data", data, "late")
            assert r.returncode == 0, r.stderr
            refused(form(assertion(late, "late"), "system/Observation.rs"), 400, "invalid_client")
            r = vigil_auth("remove-client", "--data", data, "late")
            assert r.returncode == 1 and "no client" in r.stderr, r.stderr

        @check("no token endpoint answer was a 500, and the server log holds no assertion or token")
        def _():
            log = server.log_text()
            assert "token endpoint:" not in log, log[-2000:]
            leaked = [s[:20] for s in secrets if s in log or s.split(".")[2] in log]
            assert not leaked, leaked
    finally:
        server.stop()

    @check("the audit log holds every token request (refused ones too), but no assertion or token")
    def _():
        audit = b""
        for root, _, files in os.walk(os.path.join(data, "audit")):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    audit += f.read()
        assert audit, "no audit log written"
        assert b'"outcomeDesc":"POST 400"' in audit and b'"name":"/auth/token"' in audit, "token requests not audited"
        leaked = [s[:20] for s in secrets if s.encode() in audit or s.split(".")[2].encode() in audit]
        assert not leaked, leaked

    @check("after a restart the same key signs (kid unchanged) and a used jti stays used")
    def _():
        with Server(VIGIL, data, ["--auth", "smart", "--no-demo"]) as again:
            s, jwks = call("GET", again.origin + "/auth/jwks")
            assert s == 200, s
            kid = jwks["keys"][0]["kid"]
            url = again.origin + "/auth/token"
            def again_form(jti):
                a = es384.sign({"iss": "lab-sync", "sub": "lab-sync", "aud": url,
                                "exp": int(time.time()) + 240, "jti": jti})
                return form(a)
            s, body, _ = post_form(url, again_form("once-only"))
            assert (s, body.get("error")) == (400, "invalid_client"), (s, body)
            s, body, _ = post_form(url, again_form(str(uuid.uuid4())))
            assert s == 200, (s, body)
            secrets.append(body["access_token"])
        with Server(VIGIL, data, ["--auth", "smart", "--no-demo"]) as third:
            s, jwks = call("GET", third.origin + "/auth/jwks")
            assert jwks["keys"][0]["kid"] == kid, (kid, jwks)

    @check("with an external issuer too, both its tokens and the server's own are accepted")
    def _():
        external = Key(folder, "ES256", "ext-1", on_sign=secrets.append)
        issuer, audience = "https://auth.vigil.test", "https://vigil.test/fhir"
        with Server(VIGIL, data, ["--auth", "smart", "--no-demo", "--issuer", issuer, "--audience", audience,
                                  "--jwks", external.jwks_file(folder)]) as both:
            ext_token = external.sign({"iss": issuer, "aud": audience, "exp": int(time.time()) + 60,
                                       "scope": "system/Patient.rs"})
            s, _ = call("GET", both.fhir + "/Patient", headers=bearer(ext_token))
            assert s == 200, s
            own_url = both.origin + "/auth/token"
            claims = {"iss": "lab-sync", "sub": "lab-sync", "aud": own_url,
                      "exp": int(time.time()) + 60, "jti": str(uuid.uuid4())}
            s, body, _ = post_form(own_url, form(es384.sign(claims), "system/Patient.rs"))
            assert s == 200, (s, body)
            s, _ = call("GET", both.fhir + "/Patient", headers=bearer(body["access_token"]))
            assert s == 200, s
            # The external issuer's name with the server's own key's signature is refused.
            forged = body["access_token"].split(".")
            payload = json.loads(base64.urlsafe_b64decode(forged[1] + "=="))
            payload["iss"] = issuer
            forged[1] = b64u(json.dumps(payload).encode())
            s, _ = call("GET", both.fhir + "/Patient", headers=bearer(".".join(forged)))
            assert s == 401, s
            s, doc = call("GET", both.origin + "/.well-known/smart-configuration")
            assert doc["issuer"] == issuer, doc

    if failures:
        print(f"{len(failures)} check(s) failed: {failures}")
        return 1
    print("all backend services checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
