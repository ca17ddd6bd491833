"""Configuration from the environment (and a `.env` file), documented field by field.

The composition root reads it once; tests build their own `Settings(...)`.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SMS_GATEWAY_PREFIXES = ("TWILIO_", "KANNEL_", "SMPP_")
# A variable with one of these prefixes configures a provider (today's and any gateway added under
# them: Kannel, SMPP, Zalo's ZNS), so its presence means a real deployment, not the demo.
PROVIDER_PREFIXES = ("TWILIO_", "TELEGRAM_", "ZALO_", "KANNEL_", "SMPP_")


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value in (None, "") else value


def deployment_variables(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The set variables that make this a deployment rather than the demo: any provider's
    settings, or the Flask secret (the demo generates its own)."""
    return tuple(sorted(name for name, value in environ.items()
                        if value and (name.startswith(PROVIDER_PREFIXES) or name == "ANSINH_SECRET_KEY")))


class SettingsError(ValueError):
    """An environment variable that cannot be read as its type (the CLI says which, in Vietnamese)."""

    def __init__(self, name: str, value: str):
        super().__init__(f"{name}={value!r} is not valid")
        self.name = name
        self.value = value


def _number(name: str, raw: str, kind: type) -> int | float:
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(name, raw) from None


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///instance/ansinh.db"  # ANSINH_DATABASE_URL
    redis_url: str | None = None  # ANSINH_REDIS_URL: sessions, rate limits, dedupe keys
    secret_key: str = ""  # ANSINH_SECRET_KEY: required outside the demo
    public_url: str = "http://127.0.0.1:5000"  # ANSINH_PUBLIC_URL: signature checks behind a proxy
    # ANSINH_TRUSTED_PROXIES: reverse proxies in front whose X-Forwarded-For is believed
    trusted_proxies: int = 0
    sms_encoding: str = "gsm7"  # ANSINH_SMS_ENCODING: gsm7 strips diacritics, ucs2 keeps them
    ussd_unicode: bool = False  # ANSINH_USSD_UNICODE
    timezone: str = "Asia/Ho_Chi_Minh"  # ANSINH_TIMEZONE
    quiet_hours: str = "21:00-07:00"  # ANSINH_QUIET_HOURS, or "off"
    sms_max_segments: int = 3
    ussd_max_chars: int = 182
    # ANSINH_USSD_OUTAGE_PAUSE: after a database failure, apologise at once this long
    ussd_outage_pause: float = 3.0
    outbox_max_attempts: int = 6  # ANSINH_OUTBOX_MAX_ATTEMPTS: then the message is dead
    outbox_lease_seconds: int = 120  # ANSINH_OUTBOX_LEASE_SECONDS: a claimed row is reclaimed after this
    # ANSINH_MESSAGE_RETENTION_DAYS: sent messages kept this long; 0 keeps all
    message_retention_days: int = 180
    # ANSINH_SCHEDULER_INTERVAL: seconds between reminder/receipt runs; 0 turns it off
    scheduler_interval: int = 3600
    sms_spool_dir: str = "instance/spool/sms"  # ANSINH_SMS_SPOOL_DIR: SMS kept while the database is down
    dispatch_in_process: bool = True  # ANSINH_DISPATCH_IN_PROCESS: `ansinh serve` runs one dispatcher
    sms_provider: str = ""  # ANSINH_SMS_PROVIDER: twilio / kannel / smpp / simulator; "" the configured one
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    smpp_host: str | None = None  # SMPP_HOST: the carrier's SMSC (`ansinh smpp` binds as a transceiver)
    smpp_port: int = 2775  # SMPP_PORT
    smpp_system_id: str | None = None  # SMPP_SYSTEM_ID: the bind's account, given by the carrier
    smpp_password: str | None = None  # SMPP_PASSWORD: at most 8 characters (SMPP 3.4)
    smpp_system_type: str = ""  # SMPP_SYSTEM_TYPE: as the carrier asks, often empty
    smpp_source_addr: str | None = None  # SMPP_SOURCE_ADDR: short number or brandname of outbound SMS
    smpp_max_tps: float = 10.0  # SMPP_MAX_TPS: submit_sm per second the carrier allows; 0 no limit
    smpp_window: int = 10  # SMPP_WINDOW: submit_sm sent but not yet acknowledged, at most
    smpp_enquire_link: float = 30.0  # SMPP_ENQUIRE_LINK: seconds of silence before an enquire_link
    smpp_reconnect_min: float = 1.0  # SMPP_RECONNECT_MIN: first wait after a lost link, doubling
    smpp_reconnect_max: float = 60.0  # SMPP_RECONNECT_MAX: longest wait between two binds
    # KANNEL_SENDSMS_URL: smsbox's sendsms (http://host:13013/cgi-bin/sendsms)
    kannel_sendsms_url: str | None = None
    kannel_username: str | None = None  # KANNEL_USERNAME / KANNEL_PASSWORD: the sendsms-user group
    kannel_password: str | None = None
    kannel_from: str | None = None  # KANNEL_FROM: the short number or brandname
    kannel_smsc: str | None = None  # KANNEL_SMSC: the smsc-id to send through (optional)
    # KANNEL_SECRET: the `key` Kannel puts in get-url and dlr-url; unset: closed
    kannel_secret: str | None = None
    kannel_allowed_ips: str = ""  # KANNEL_ALLOWED_IPS: comma-separated CIDRs of the Kannel hosts; "" any
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    zalo_app_id: str | None = None
    zalo_oa_secret_key: str | None = None
    zalo_access_token: str | None = None
    zalo_refresh_token: str | None = None
    zalo_app_secret: str | None = None
    zalo_api_base_url: str = "https://openapi.zalo.me"
    zalo_oauth_base_url: str = "https://oauth.zaloapp.com"
    # ZALO_ZNS_BASE_URL: template messages by phone
    zalo_zns_base_url: str = "https://business.openapi.zalo.me"
    zalo_zns_templates: str | None = None  # ZALO_ZNS_TEMPLATES: JSON file of templates per topic
    zalo_zns_timeout: float = 10.0  # ZALO_ZNS_TIMEOUT: seconds to wait for ZNS's answer, then retry later
    # ANSINH_NOTIFY_CHANNELS: e.g. "zns,sms"; unset: zns,sms with ZNS set up
    notify_channels: str | None = None
    prices: str = ""  # ANSINH_PRICES: VND per unit, e.g. "sms=350,zns=200" (per SMS segment, per ZNS message)
    simulator: str = "auto"  # ANSINH_SIMULATOR: auto (on when no SMS provider is configured) / on / off
    ussd_secret: str | None = None  # ANSINH_USSD_SECRET: USSD gateway routes require it; unset: closed
    ussd_allowed_ips: str = ""  # ANSINH_USSD_ALLOWED_IPS: comma-separated CIDRs of the gateways; "" any
    hotline: str = "1900 0000"  # ANSINH_HOTLINE: the province's help line, said in answers
    metrics: bool = True  # ANSINH_METRICS: 0 turns the Prometheus counting off (the benchmark's baseline)
    metrics_token: str | None = None  # ANSINH_METRICS_TOKEN: bearer token that may read /metrics
    # ANSINH_METRICS_ALLOWED_IPS: CIDRs that may read /metrics; neither set: 404
    metrics_allowed_ips: str = ""
    # ANSINH_READY_OUTBOX_LAG: seconds the oldest due message may wait before /readyz fails
    ready_outbox_lag: int = 900
    # From the environment only: what makes this no demo (deployment_variables)
    deployment: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def sms_gateway_variables(self) -> tuple[str, ...]:
        """The set TWILIO_*, KANNEL_* or SMPP_* variables: any one means a real SMS gateway."""
        return tuple(name for name in self.deployment if name.startswith(SMS_GATEWAY_PREFIXES))

    @property
    def is_demo(self) -> bool:
        """No provider configured and no secret key given: `make run`, `ansinh demo`, tests' own Settings."""
        return not self.deployment

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env_file: str | os.PathLike | None = ".env") -> "Settings":
        if env_file and Path(env_file).is_file():
            from dotenv import load_dotenv

            load_dotenv(env_file, override=False)
        values: dict = {}
        prefixed = {"twilio_", "telegram_", "zalo_", "smpp_", "kannel_"}
        for f in fields(cls):
            if f.name in ("extra", "deployment"):
                continue
            name = (
                f.name.upper() if any(f.name.startswith(p) for p in prefixed) else "ANSINH_" + f.name.upper()
            )
            raw = _env(name)
            if raw is None:
                continue
            if f.type in ("bool", bool):
                values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif f.type in ("int", "float", int, float):
                values[f.name] = _number(name, raw, int if f.type in ("int", int) else float)
            else:
                values[f.name] = raw
        settings = cls(**values, deployment=deployment_variables(os.environ))
        if not settings.secret_key:
            settings = replace(settings, secret_key=secrets.token_hex(32))
        return settings
