"""The flat route table: every controller the app serves."""

from typing import Any

from litestar import Router

from tidings.api.mastodon.account_notes import AccountNotesController
from tidings.api.mastodon.account_statuses import AccountStatusesController
from tidings.api.mastodon.accounts import AccountsController, LegacyRegistrationController
from tidings.api.mastodon.blocks import (
    AccountBlocksController,
    BlocksController,
    DomainBlocksController,
)
from tidings.api.mastodon.conversations import (
    ConversationsController,
    PleromaConversationsController,
)
from tidings.api.mastodon.edits import EditsController
from tidings.api.mastodon.endorsements import EndorseController, EndorsementsController
from tidings.api.mastodon.favourites import FavouritesController
from tidings.api.mastodon.follow_requests import FollowRequestsController
from tidings.api.mastodon.follows import FollowsController
from tidings.api.mastodon.instance import InstanceController, NotImplementedController
from tidings.api.mastodon.lists import (
    AccountListsController,
    ListsController,
    ListTimelineController,
)
from tidings.api.mastodon.markers import MarkersController
from tidings.api.mastodon.notifications import (
    NotificationsController,
    PleromaNotificationsController,
)
from tidings.api.mastodon.pins import PinsController
from tidings.api.mastodon.polls import PollsController
from tidings.api.mastodon.reblogs import ReblogsController
from tidings.api.mastodon.scheduled_statuses import ScheduledStatusesController
from tidings.api.mastodon.search import SearchController
from tidings.api.mastodon.statuses import StatusesController
from tidings.api.mastodon.thread_mutes import ThreadMutesController
from tidings.api.mastodon.timelines import TimelinesController
from tidings.api.oauth import AppsController, OAuthController
from tidings.api.pleroma.account_favourites import AccountFavouritesController
from tidings.api.pleroma.emoji import EmojiFilesController, PleromaEmojiController
from tidings.api.pleroma.frontend import FrontendController
from tidings.api.pleroma.imports import ImportsController
from tidings.api.pleroma.instance import HealthController, NodeInfoController
from tidings.api.pleroma.notification_settings import (
    LegacyNotificationSettingsController,
    NotificationSettingsController,
)
from tidings.api.pleroma.quotes import QuotesController
from tidings.api.pleroma.relationships import PleromaRelationshipsController
from tidings.api.streaming.sse import StreamingController
from tidings.api.streaming.websocket import streaming

ROUTES: list[Any] = [
    AccountsController,
    LegacyRegistrationController,
    AppsController,
    OAuthController,
    ScheduledStatusesController,
    # Two controllers serving one path (GET and DELETE /statuses/:id here, PUT there) must
    # share a Router: registered on the app apart, Litestar adds an OPTIONS handler twice.
    Router("/", route_handlers=[StatusesController, EditsController]),
    PollsController,
    FavouritesController,
    ReblogsController,
    PinsController,
    TimelinesController,
    ListsController,
    AccountListsController,
    ListTimelineController,
    AccountStatusesController,
    ThreadMutesController,
    SearchController,
    AccountFavouritesController,
    InstanceController,
    NotImplementedController,
    NodeInfoController,
    HealthController,
    PleromaEmojiController,
    EmojiFilesController,
    FrontendController,
    QuotesController,
    ConversationsController,
    PleromaConversationsController,
    ImportsController,
    FollowsController,
    FollowRequestsController,
    EndorseController,
    EndorsementsController,
    AccountNotesController,
    PleromaRelationshipsController,
    AccountBlocksController,
    BlocksController,
    DomainBlocksController,
    streaming,
    StreamingController,
    NotificationsController,
    PleromaNotificationsController,
    MarkersController,
    NotificationSettingsController,
    LegacyNotificationSettingsController,
]
