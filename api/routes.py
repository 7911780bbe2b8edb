"""The flat route table: every controller the app serves."""

from typing import Any

from tidings.api.mastodon.accounts import AccountsController, LegacyRegistrationController
from tidings.api.oauth import AppsController, OAuthController

ROUTES: list[Any] = [
    AccountsController,
    LegacyRegistrationController,
    AppsController,
    OAuthController,
]
