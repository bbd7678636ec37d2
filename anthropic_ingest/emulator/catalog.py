"""Static vocabularies of the synthetic org: names, models, prices, terminals, colours.

Some entries are hostile on purpose (apostrophes, accents, CJK, emoji, an `&`): loaders must
keep them byte-exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# (display form, ASCII form used in e-mail local parts)
FIRST_NAMES: tuple[tuple[str, str], ...] = (
    ("Zoë", "zoe"),
    ("José", "jose"),
    ("Siobhán", "siobhan"),
    ("Łukasz", "lukasz"),
    ("Amélie", "amelie"),
    ("Søren", "soren"),
    ("Priya", "priya"),
    ("Kwame", "kwame"),
    ("Mei", "mei"),
    ("Oliver", "oliver"),
    ("Fatima", "fatima"),
    ("Diego", "diego"),
    ("Hannah", "hannah"),
    ("Yuki", "yuki"),
    ("Noah", "noah"),
    ("Ingrid", "ingrid"),
    ("Mateo", "mateo"),
    ("Aisha", "aisha"),
    ("Lars", "lars"),
    ("Chloé", "chloe"),
    ("Ravi", "ravi"),
    ("Emma", "emma"),
    ("Tomás", "tomas"),
    ("Olga", "olga"),
)
LAST_NAMES: tuple[tuple[str, str], ...] = (
    ("O'Brien", "o'brien"),
    ("D'Angelo", "d'angelo"),
    ("Müller", "muller"),
    ("García", "garcia"),
    ("Nguyễn", "nguyen"),
    ("Okonkwo", "okonkwo"),
    ("Smith", "smith"),
    ("Chen", "chen"),
    ("Kowalski", "kowalski"),
    ("Johansson", "johansson"),
    ("Tanaka", "tanaka"),
    ("Silva", "silva"),
    ("Patel", "patel"),
    ("Novák", "novak"),
    ("Rossi", "rossi"),
    ("Dubois", "dubois"),
    ("Ivanova", "ivanova"),
    ("Kim", "kim"),
    ("Andersen", "andersen"),
    ("Mensah", "mensah"),
    ("Haddad", "haddad"),
    ("Lopez", "lopez"),
)
# A few fixed people placed first, so every org (even a 1-user one) holds hostile strings.
FIXED_PEOPLE: tuple[tuple[str, str], ...] = (
    ("Zoë O'Brien-Łukasiewicz", "zoe.o'brien"),
    ("李雷", "li.lei"),
    ("Renée D'Souza", "renee.d'souza"),
)
EMAIL_DOMAINS = ("example.com", "example.com", "example.com", "contractors.example.org")

ORG_NAMES = (
    "Ünïcorn Labs, O'Reilly & Sons",
    "Zephyr Robotics — Données SA",
    "Acme Widgets 株式会社",
)

USER_ROLES = ("admin", "developer", "user", "billing", "claude_code_user")
USER_ROLE_WEIGHTS = (6, 45, 25, 5, 19)
WORKSPACE_ROLE_FOR_ORG_ROLE = {
    "admin": "workspace_admin",
    "developer": "workspace_developer",
    "billing": "workspace_billing",
    "user": "workspace_user",
    "claude_code_user": "workspace_user",
}
WORKSPACE_ROLES = (
    "workspace_user",
    "workspace_developer",
    "workspace_admin",
    "workspace_billing",
    "workspace_restricted_developer",
)
WORKSPACE_ROLE_WEIGHTS = (35, 40, 8, 4, 13)

WORKSPACE_NAMES = (
    "Production",
    "Research & Evals",
    "Bob's Sandbox",
    "Données – Équipe Paris",
    "Customer Support",
    "Data Platform",
    "Growth 🚀",
    "Security",
    "Mobile",
    "データ分析",
)
ARCHIVED_WORKSPACE_NAMES = ("Q1 Hackathon (archived)", "Old Prototype")
DISPLAY_COLORS = ("#6C5BB9", "#D97757", "#2E7D32", "#1565C0", "#AD1457", "#F9A825", "#00838F")

API_KEY_NAMES = (
    "Production backend",
    "CI — nightly evals",
    "Bob's laptop",
    "データ分析 batch",
    "Claude Code – Zoë",
    "staging 🚀",
    "support-bot",
    "notebook key",
    "Claude Code (shared)",
    "ETL worker",
)
API_KEY_STATUSES = ("active", "inactive", "archived", "expired")
API_KEY_STATUS_WEIGHTS = (65, 15, 10, 10)

INVITE_STATUSES = ("pending", "accepted", "expired", "deleted")

TERMINALS = (
    "vscode",
    "iTerm.app",
    "tmux",
    "cursor",
    "goland",
    "ssh-session",
    "Apple_Terminal",
    "pycharm",
    "WezTerm",
    "windows-terminal",
)
TOOLS = ("edit_tool", "multi_edit_tool", "notebook_edit_tool", "write_tool")


@dataclass(frozen=True)
class Model:
    """A model as it appears in reports, with list prices in US cents per token."""

    id: str
    display: str
    input_cents: Decimal
    output_cents: Decimal
    geo_aware: bool = True

    def price(self, token_type: str) -> Decimal:
        """Price in cents of one token of `token_type` (standard tier, short context)."""
        factors = {
            "uncached_input_tokens": Decimal(1),
            "cache_creation.ephemeral_5m_input_tokens": Decimal("1.25"),
            "cache_creation.ephemeral_1h_input_tokens": Decimal(2),
            "cache_read_input_tokens": Decimal("0.1"),
        }
        if token_type == "output_tokens":
            return self.output_cents
        return self.input_cents * factors[token_type]


def _per_mtok(dollars: str) -> Decimal:
    """Cents per token from a price in dollars per million tokens."""
    return Decimal(dollars) * 100 / 1_000_000


MODELS: tuple[Model, ...] = (
    Model("claude-opus-4-6", "Claude Opus 4.6", _per_mtok("5"), _per_mtok("25")),
    Model("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", _per_mtok("3"), _per_mtok("15")),
    Model("claude-sonnet-4-20250514", "Claude Sonnet 4", _per_mtok("3"), _per_mtok("15")),
    Model("claude-haiku-4-5-20251001", "Claude Haiku 4.5", _per_mtok("1"), _per_mtok("5")),
    Model(
        "claude-3-5-haiku-20241022",
        "Claude Haiku 3.5",
        _per_mtok("0.8"),
        _per_mtok("4"),
        geo_aware=False,
    ),
)
MODEL_WEIGHTS = (15, 35, 15, 25, 10)
MODELS_BY_ID = {m.id: m for m in MODELS}
CLAUDE_CODE_MODELS = MODELS[:4]

# Report enums (values accepted by the filters and seen in rows).
SERVICE_TIERS = ("standard", "batch", "priority", "priority_on_demand", "flex", "flex_discount")
CONTEXT_WINDOWS = ("0-200k", "200k-1M")
INFERENCE_GEOS = ("global", "us", "not_available")
SPEEDS = ("standard", "fast")

# Cost report: labels of each token type in descriptions, and price factors per tier.
TOKEN_TYPE_LABELS = {
    "uncached_input_tokens": "Input Tokens",
    "output_tokens": "Output Tokens",
    "cache_read_input_tokens": "Input Tokens, Cache Hit",
    "cache_creation.ephemeral_5m_input_tokens": "Input Tokens, Cache Write",
    "cache_creation.ephemeral_1h_input_tokens": "Input Tokens, Cache Write (1h)",
}
WEB_SEARCH_CENTS = Decimal(1)  # $10 per 1,000 searches
CODE_EXECUTION_CENTS_PER_HOUR = Decimal(5)
