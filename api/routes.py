"""The flat route table: every controller the app serves."""

from typing import Any

from tidings.api.mastodon.accounts import AccountsController, LegacyRegistrationController
from tidings.api.mastodon.statuses import StatusesController
from tidings.api.mastodon.timelines import TimelinesController
from tidings.api.oauth import AppsController, OAuthController

ROUTES: list[Any] = [
    AccountsController,
    LegacyRegistrationController,
    AppsController,
    OAuthController,
    StatusesController,
    TimelinesController,
]
