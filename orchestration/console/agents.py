"""Who may use the console: agents with scrypt-hashed passwords, and the hashed
tokens of the self-care app, in `<home>/console/agents.json` (written by
`cablebill console-agent` and `console-token`, readable by its owner only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

FILE = Path("console") / "agents.json"
# scrypt's cost: 2**14 x 8 x 1 (16 MiB, about 50 ms), as OWASP suggests as a minimum
N, R, P = 2**14, 8, 1


def hash_password(password: str) -> str:
    """`scrypt$n$r$p$salt$hash`, salt and hash in base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P)
    encoded = (base64.b64encode(b).decode() for b in (salt, digest))
    return "$".join(("scrypt", str(N), str(R), str(P), *encoded))


def password_matches(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` (hash_password's) was made from."""
    kind, n, r, p, salt, digest = stored.split("$")
    if kind != "scrypt":
        return False
    tried = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(tried, base64.b64decode(digest))


def token_digest(token: str) -> str:
    """How an API token is kept: its SHA-256 (a random token needs no salt)."""
    return hashlib.sha256(token.encode()).hexdigest()


class Agents:
    """The home's console credentials."""

    def __init__(self, home: Path):
        self.file = home / FILE
        data = json.loads(self.file.read_text("utf-8")) if self.file.exists() else {}
        self.agents: dict[str, dict] = data.get("agents", {})
        self.tokens: list[str] = data.get("api_tokens", [])

    def check(self, agent_id: str, password: str) -> bool:
        """Whether `agent_id` may log in with `password` (the same time either way)."""
        agent = self.agents.get(agent_id)
        stored = agent["password"] if agent else _DECOY
        return password_matches(password, stored) and agent is not None

    def token_valid(self, token: str) -> bool:
        digest = token_digest(token)
        return any(hmac.compare_digest(digest, kept) for kept in self.tokens)

    def add_agent(self, agent_id: str, name: str, password: str) -> None:
        """Add the agent, or give it a new name and password."""
        if not agent_id or not password:
            raise ValueError("an agent needs an id and a password")
        self.agents[agent_id] = {"name": name or agent_id, "password": hash_password(password)}
        self._save()

    def add_token(self) -> str:
        """A new API token for the self-care app (shown once: only its digest is kept)."""
        token = secrets.token_urlsafe(32)
        self.tokens.append(token_digest(token))
        self._save()
        return token

    def _save(self) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        partial = self.file.with_name(self.file.name + ".tmp")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
            json.dump({"agents": self.agents, "api_tokens": self.tokens}, fh, indent=2)
        os.replace(partial, self.file)


# checked against when the agent id is unknown, so that it takes as long as a known one
_DECOY = hash_password(secrets.token_urlsafe(16))
