"""The REST API v1: authentication, throttles, error bodies, pagination and the OpenAPI schema."""
from config.settings.environment import env

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        # A staff session counts only once it has given its second factor (CHIPGATE_STAFF_2FA).
        "api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.TextJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Pollers are throttled per token; anonymous calls (only the token endpoint) per address.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("CHIPGATE_API_THROTTLE_RATE", default="120/min"),
        "anon": env("CHIPGATE_API_ANON_THROTTLE_RATE", default="30/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Chipgate API",
    "DESCRIPTION": (
        "Import-approval requests for AI accelerators. Authenticate with `Authorization: Token <token>` "
        "(POST /api/v1/auth/token/; staff accounts add `otp` when staff 2FA is on). Every error body carries "
        "`code` and `detail`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields of one name with different choices (a request's and a licence's) keep stable enum names.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "approvals.states.Status",
        "ActionEnum": "api.serializers.USER_ACTIONS",
        "AvailableActionsEnum": "approvals.states.ACTIONS",
        "LicenceStatusEnum": "approvals.states.LicenceStatus",
        "LicenceActionEnum": "api.serializers.LICENCE_USER_ACTIONS",
    },
}

# How long an Idempotency-Key is remembered; a retry later than that creates a new order.
CHIPGATE_IDEMPOTENCY_KEY_DAYS = env.int("CHIPGATE_IDEMPOTENCY_KEY_DAYS", default=7)
CHIPGATE_API_PAGE_SIZE = env.int("CHIPGATE_API_PAGE_SIZE", default=50)
# How long an API token's user and roles are reused without asking the database (0 = every call):
# a revoked token, deactivated user or changed role shows within this moment. Kept in each process.
CHIPGATE_API_AUTH_CACHE_SECONDS = env.int("CHIPGATE_API_AUTH_CACHE_SECONDS", default=5)
