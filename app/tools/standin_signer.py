"""A stand-in for the agency's local signing component (HiPKI), for dev and the browser tests only.

    python -m app.cli signer --p12 var/pki/school-03734301.p12 [--port 61161] [--origin http://127.0.0.1:8000]

It listens on the user's own machine, as HiPKI does, and answers the login page's script:
`GET /status` (環境檢查) and `POST /sign` {"challenge": "...", "pin": "..."} ->
{"certificate": b64 DER, "chain": [b64 DER], "signature": b64}. A wrong PIN answers 401.
The PIN never reaches the application server.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from litestar import Litestar, Request, Response, get, post
from litestar.config.cors import CORSConfig


def sign_challenge(p12: bytes, pin: str, challenge: str) -> dict:
    key, cert, extra = pkcs12.load_key_and_certificates(p12, pin.encode())
    data = challenge.encode()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    else:  # pragma: no cover - the test PKI makes RSA and EC keys only
        raise ValueError("unsupported key")
    der = serialization.Encoding.DER
    return {
        "certificate": base64.b64encode(cert.public_bytes(der)).decode(),  # type: ignore[union-attr]
        "chain": [base64.b64encode(c.public_bytes(der)).decode() for c in (extra or [])],
        "signature": base64.b64encode(signature).decode(),
    }


def create_signer_app(p12_path: Path, origin: str) -> Litestar:
    p12 = p12_path.read_bytes()

    @get("/status")
    async def status() -> dict:
        return {"component": "stand-in signer", "ready": True}

    @post("/sign", status_code=200)
    async def sign(request: Request) -> Response:
        body = await request.json()
        try:
            result = sign_challenge(p12, str(body.get("pin", "")), str(body.get("challenge", "")))
        except ValueError:
            return Response({"error": "pin"}, status_code=401)
        return Response(result)

    # Only the application's own origin may call it, as with the real component.
    cors = CORSConfig(allow_origins=[origin], allow_methods=["GET", "POST"], allow_headers=["content-type"])
    return Litestar(route_handlers=[status, sign], cors_config=cors, openapi_config=None)
