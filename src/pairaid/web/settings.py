"""The web service's settings: one frozen object, from arguments or PAIRAID_WEB_* variables."""

from __future__ import annotations

import os

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    """How the service runs. Defaults are the safe ones: no cross-origin access, cookies only
    over HTTPS, reads public (a programme's published ledger) unless `public_reads` is off."""

    model_config = ConfigDict(frozen=True)

    db: str | None = Field(None, description="Ledger URL or SQLite path (None: PAIRAID_DB)")
    public_reads: bool = Field(True, description="Reads without a token (writes always need one)")
    cors_origins: tuple[str, ...] = Field((), description="Origins allowed cross-site; none by default")
    max_body_bytes: int = Field(50 * 1024 * 1024, description="Largest request body accepted")
    secure_cookies: bool = Field(True, description="Session cookie only over HTTPS")
    token_failures_per_minute: int = Field(10, description="Failed token attempts per client "
                                                           "per minute before 429")
    session_secret: str | None = Field(None, description="Key signing session cookies "
                                                          "(None: a random one per process)")

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        """Settings from PAIRAID_WEB_* variables (what `pairaid serve --workers N` hands each
        worker process), then PAIRAID_DB for the ledger, then `overrides`."""
        env: dict = {}
        if os.environ.get("PAIRAID_DB"):
            env["db"] = os.environ["PAIRAID_DB"]
        for name, field in cls.model_fields.items():
            raw = os.environ.get(f"PAIRAID_WEB_{name.upper()}")
            if raw is None:
                continue
            if field.annotation is bool:
                env[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif name == "cors_origins":
                env[name] = tuple(o.strip() for o in raw.split(",") if o.strip())
            else:
                env[name] = raw
        return cls(**{**env, **overrides})
